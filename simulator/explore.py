"""Random candidates played through a scenario: outcomes, states never reached, runs that never end."""

from __future__ import annotations

import random
from collections import Counter
from dataclasses import dataclass, field

from .model import Persona, Scenario
from .play import ScriptedReply, play
from .tagger import _cue_spec

MAX_REPLIES = 12


def _plain(cues) -> list[str]:
    return sorted({str(c).replace("...", "").replace("*", "").replace("^ ", "").replace("  ", " ").strip() for c in cues if str(c).strip()})


def _phrases(scenario: Scenario) -> tuple[list[str], list[str]]:
    """Things a candidate might say: the tagger's behaviour cues, and the scenario's own cues, as plain words."""
    spec = _cue_spec(scenario.language if scenario.language else "en")
    general = _plain(c for body in spec["behaviours"].values() for c in body["cues"])
    own = _plain(c for phrases in scenario.cues.values() for c in phrases)
    return general, own


def random_replies(scenario: Scenario, rng: random.Random) -> list[ScriptedReply]:
    """One random candidate: a few phrases per reply, sometimes a silence, sometimes slow."""
    general, own = _phrases(scenario)
    # Half the phrases come from the scenario's own cues, however long the language's list grows.
    pick = lambda: rng.choice(own if own and rng.random() < 0.5 else general)  # noqa: E731
    replies = []
    for _ in range(rng.randint(1, MAX_REPLIES)):
        if rng.random() < 0.15:
            replies.append(ScriptedReply(wait=rng.choice((15.0, 45.0, 120.0))))
            continue
        text = ". ".join(pick().capitalize() for _ in range(rng.randint(1, 3))) + rng.choice((".", "?", "!"))
        replies.append(ScriptedReply(text, after=rng.choice((5.0, 20.0, 60.0))))
    return replies


@dataclass
class Exploration:
    """What many random runs showed."""

    runs: int
    outcomes: Counter = field(default_factory=Counter)
    reached: set[str] = field(default_factory=set)
    never_reached: list[str] = field(default_factory=list)
    timed_out: list[int] = field(default_factory=list)  # seeds of runs that only the clock ended

    def to_json(self) -> dict:
        return {"runs": self.runs, "outcomes": dict(self.outcomes), "never_reached": self.never_reached, "time_up_seeds": self.timed_out}


def explore(scenario: Scenario, persona: Persona, runs: int = 200, seed: int = 0) -> Exploration:
    """Play `runs` random candidates; the same seed gives the same report."""
    report = Exploration(runs)
    for run in range(runs):
        run_seed = seed * 100_003 + run
        rng = random.Random(run_seed)
        result = play(scenario, persona, random_replies(scenario, rng), seed=run_seed)
        conversation = result.conversation
        report.outcomes[conversation.outcome] += 1
        report.reached.update(conversation.visited)
        if conversation.outcome == "time_up":
            report.timed_out.append(run_seed)
    report.never_reached = [s for s in scenario.states if s not in report.reached]
    return report
