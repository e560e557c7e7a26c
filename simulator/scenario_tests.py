"""Scenario tests: `*.tests.yaml` cases played headless, each checked against what must follow."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .library import Library
from .model import Where
from .play import PlayResult, ScriptedReply, play
from .yamlsource import LoadError, Problem, read_source

CASE_KEYS = ("name", "seed", "replies", "expect")
EXPECT_KEYS = ("outcome", "visits", "not_visits", "tags", "no_tags", "mood")


@dataclass
class Case:
    """One playthrough and its expectations."""

    name: str
    replies: list[ScriptedReply]
    expect: dict[str, Any]
    seed: int = 0
    where: Where = Where("")


@dataclass
class CaseResult:
    """A case's verdict, with what differed."""

    case: Case
    scenario: str
    failures: list[str] = field(default_factory=list)
    result: PlayResult | None = None

    @property
    def passed(self) -> bool:
        return not self.failures


def _replies(raw: Any, where: Where) -> list[ScriptedReply]:
    if not isinstance(raw, list):
        raise LoadError([Problem(where, "error", "'replies' must be a list (the play replies format)")])
    out = []
    for item in raw:
        if isinstance(item, str):
            out.append(ScriptedReply(item))
        elif isinstance(item, dict) and isinstance(item.get("text"), str):
            out.append(ScriptedReply(item["text"], float(item.get("after", 20.0))))
        elif isinstance(item, dict) and isinstance(item.get("wait"), (int, float)):
            out.append(ScriptedReply(wait=float(item["wait"])))
        else:
            raise LoadError([Problem(where, "error", "each reply is a string, {text, after} or {wait}")])
    return out


def load_cases(path: str | Path) -> tuple[str, list[Case]]:
    """Read a tests file: the scenario id (from `scenario:` or the file name) and its cases."""
    source, problems = read_source(path)
    if source is None:
        raise LoadError(problems)
    data = source.data if isinstance(source.data, dict) else {}
    scenario = data.get("scenario") or Path(path).name.split(".tests.")[0]
    cases = []
    raw_cases = data.get("cases")
    if not isinstance(raw_cases, list) or not raw_cases:
        raise LoadError([Problem(source.where(("cases",)), "error", "a tests file has 'cases': a list of cases")])
    for i, raw in enumerate(raw_cases):
        where = source.where(("cases", i))
        if not isinstance(raw, dict):
            raise LoadError([Problem(where, "error", "a case is a mapping with name, replies and expect")])
        unknown = set(raw) - set(CASE_KEYS)
        expect = raw.get("expect") or {}
        unknown |= {f"expect.{k}" for k in set(expect) - set(EXPECT_KEYS)} if isinstance(expect, dict) else set()
        if unknown:
            raise LoadError([Problem(where, "error", f"unknown key(s): {', '.join(sorted(unknown))}")])
        cases.append(Case(str(raw.get("name") or f"case {i + 1}"), _replies(raw.get("replies", []), where), expect, int(raw.get("seed", 0)), where))
    return scenario, cases


def run_case(library: Library, scenario_id: str, case: Case) -> CaseResult:
    """Play one case and compare it with its expectations."""
    scenario = library.scenario(scenario_id)
    result = play(scenario, library.persona_for(scenario), case.replies, seed=case.seed)
    outcome = CaseResult(case, scenario_id, result=result)
    c = result.conversation
    e = case.expect
    fail = outcome.failures.append
    if "outcome" in e and c.outcome != e["outcome"]:
        fail(f"outcome: expected {e['outcome']}, got {c.outcome}")
    if "visits" in e and not _in_order(list(e["visits"]), c.visited):
        fail(f"states: expected {' → '.join(e['visits'])} in this order, got {' → '.join(c.visited)}")
    for state in e.get("not_visits", []):
        if state in c.visited:
            fail(f"states: expected never to visit {state}, got {' → '.join(c.visited)}")
    found = {t.signed for turn in c.turns for t in turn.tags} | {t.behaviour for turn in c.turns for t in turn.tags}
    for tag in e.get("tags", []):
        if tag not in found:
            fail(f"tags: expected {tag}, got {', '.join(sorted(found)) or 'none'}")
    for tag in e.get("no_tags", []):
        if tag in found:
            fail(f"tags: expected no {tag}, but it was given")
    mood = e.get("mood") or {}
    if "below" in mood and not c.mood < mood["below"]:
        fail(f"mood: expected below {mood['below']} at the end, got {c.mood:g}")
    if "at_least" in mood and not c.mood >= mood["at_least"]:
        fail(f"mood: expected at least {mood['at_least']} at the end, got {c.mood:g}")
    return outcome


def _in_order(wanted: list[str], visited: list[str]) -> bool:
    it = iter(visited)
    return all(state in it for state in wanted)


def test_files(paths: list[str | Path]) -> list[Path]:
    """`*.tests.yaml` files named or found under named folders."""
    files: list[Path] = []
    for path in map(Path, paths):
        if path.is_dir():
            files += sorted(path.rglob("*.tests.yaml"))
        elif path.exists():
            files.append(path)
    return files


def coverage(library: Library, results: list[CaseResult]) -> dict[str, dict[str, list[str]]]:
    """Per scenario: states and transitions no case reached."""
    report: dict[str, dict[str, list[str]]] = {}
    by_scenario: dict[str, list[CaseResult]] = {}
    for r in results:
        by_scenario.setdefault(r.scenario, []).append(r)
    for scenario_id, runs in by_scenario.items():
        scenario = library.scenario(scenario_id)
        seen_states = {s for r in runs if r.result for s in r.result.conversation.visited}
        seen_edges = set()
        for r in runs:
            visited = r.result.conversation.visited if r.result else []
            seen_edges |= set(zip(visited, visited[1:]))
        edges = [(s.name, t.to) for s in scenario.states.values() for t in s.on_reply] + [(s.name, s.on_silence.to) for s in scenario.states.values() if s.on_silence]
        report[scenario_id] = {
            "states": [s for s in scenario.states if s not in seen_states],
            "transitions": sorted({f"{a} → {b}" for a, b in edges if (a, b) not in seen_edges}),
        }
    return report
