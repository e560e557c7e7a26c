"""Run a scenario headless on a simulated clock with scripted candidate replies."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .engine import Conversation, Event
from .model import Persona, Scenario, Where
from .recorder import SessionRecorder
from .scoring import Score, describe, score_session
from .text import display_safe
from .yamlsource import LoadError, Problem, read_source

DEFAULT_AFTER = 20.0  # a plain string reply is sent this long after the customer's latest message


@dataclass(frozen=True)
class ScriptedReply:
    """One item of a replies file: a text sent `after` seconds, or a silence of `wait` seconds."""

    text: str | None = None
    after: float = DEFAULT_AFTER
    wait: float | None = None


def load_replies(path: str | Path) -> list[ScriptedReply]:
    """Read a replies file (a YAML list) or raise LoadError pointing at the bad item."""
    source, problems = read_source(path)
    if source is None:
        raise LoadError(problems)
    if not isinstance(source.data, list):
        raise LoadError([Problem(source.where(()), "error", "a replies file is a list of replies")])
    replies = []
    for i, item in enumerate(source.data):
        where = source.where((i,))
        if isinstance(item, str):
            replies.append(ScriptedReply(item))
        elif isinstance(item, dict) and set(item) <= {"text", "after"} and isinstance(item.get("text"), str):
            after = item.get("after", DEFAULT_AFTER)
            if not _number(after):
                problems.append(Problem(where, "error", "'after' must be a number of seconds"))
                continue
            replies.append(ScriptedReply(item["text"], float(after)))
        elif isinstance(item, dict) and set(item) == {"wait"} and _number(item["wait"]):
            replies.append(ScriptedReply(wait=float(item["wait"])))
        else:
            problems.append(Problem(where, "error", "each reply is a string, {text: ..., after: SECONDS} or {wait: SECONDS}"))
    if problems:
        raise LoadError(problems)
    return replies


def _number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool) and value >= 0


@dataclass
class PlayResult:
    """A finished scripted session."""

    session_id: str | None
    conversation: Conversation
    events: list[Event]
    scores: dict[str, Score]

    def to_json(self) -> dict[str, Any]:
        """The `play --format json` shape of PRODUCT.md."""
        c = self.conversation
        return {
            "session_id": self.session_id,
            "scenario": c.scenario.id,
            "outcome": c.outcome,
            "states": list(c.visited),
            "turns": [
                {"role": t.role, "text": t.text, "t": round(t.t, 3), "state": t.state, "tags": [tag.to_dict() for tag in t.tags]}
                for t in c.turns
            ],
            "scores": {dim: s.score for dim, s in self.scores.items()},
        }


def play(
    scenario: Scenario,
    persona: Persona,
    replies: list[ScriptedReply],
    seed: int = 0,
    recorder: SessionRecorder | None = None,
) -> PlayResult:
    """Play the scenario to its end on virtual time; nothing sleeps."""
    conversation = Conversation(scenario, persona, seed=seed)
    recorded: list[Event] = []

    def sink(events: list[Event]) -> None:
        recorded.extend(events)
        if recorder:
            recorder.record_events(events)

    sink(conversation.start(0.0))
    now = 0.0

    def run_until(target: float | None) -> float:
        """Let the conversation run by itself up to `target` (None: until it ends)."""
        nonlocal now
        while not conversation.finished:
            due = conversation.next_deadline()
            if due is None or (target is not None and due > target):
                break
            now = max(now, due)
            sink(conversation.advance(now))
        if target is not None and not conversation.finished:
            now = max(now, target)
        return now

    for item in replies:
        # Wait for the customer to answer what came before.
        while not conversation.finished and not conversation.waiting_for_candidate:
            due = conversation.next_deadline()
            if due is None:
                break
            run_until(due)
        if conversation.finished:
            break
        if item.wait is not None:
            run_until(now + item.wait)
            continue
        anchor = conversation.turns[-1].t if conversation.turns else 0.0
        run_until(max(now, anchor + item.after))
        if conversation.finished:
            break
        if recorder:
            recorder.record("edit", round(now * 1000), {"at": 0, "remove": 0, "insert": item.text})
        sink(conversation.reply(item.text, now))
    run_until(None)
    scores = score_session(conversation.turns)
    if recorder:
        recorder.save_scores({dim: s.to_dict() for dim, s in scores.items()})
    return PlayResult(recorder.session_id if recorder else None, conversation, recorded, scores)


def render_text(result: PlayResult) -> str:
    """A readable transcript for `play --format text`."""
    c = result.conversation
    lines = [f"{c.scenario.title} ({c.scenario.id}) — outcome: {c.outcome}", ""]
    for turn in c.turns:
        who = "Customer" if turn.role == "customer" else "You"
        minutes, seconds = divmod(int(turn.t), 60)
        lines.append(f"[{minutes:02d}:{seconds:02d}] {who}: {display_safe(turn.text)}")
        for tag in turn.tags:
            sign = "+" if tag.polarity > 0 else "-"
            lines.append(f"          {sign} {tag.dimension}/{tag.behaviour}: “{display_safe(tag.evidence)}”")
    lines += ["", "States: " + " → ".join(c.visited), "", "Scores:"]
    for dim, score in result.scores.items():
        if score.score is not None:
            lines.append(f"  {dim:20s} {score.score}  {describe(score)}")
    return "\n".join(lines)


__all__ = ["ScriptedReply", "load_replies", "play", "PlayResult", "render_text", "Where"]
