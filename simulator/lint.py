"""Checks beyond types: the shape of a scenario's conversation, as warnings and errors at file:line:col."""

from __future__ import annotations

from importlib import resources

from .model import Persona, Scenario
from .yamlsource import Problem, read_source


def _graph(scenario: Scenario) -> dict[str, set[str]]:
    return {
        name: {t.to for t in state.on_reply} | ({state.on_silence.to} if state.on_silence else set())
        for name, state in scenario.states.items()
    }


def _reach(graph: dict[str, set[str]], start: str) -> set[str]:
    seen, todo = set(), [start]
    while todo:
        name = todo.pop()
        if name not in seen:
            seen.add(name)
            todo += graph.get(name, ())
    return seen


def lint(scenario: Scenario, persona: Persona | None = None) -> list[Problem]:
    """Problems a type check cannot see: dead ends, unreachable states, unused cues, odd limits."""
    source, _ = read_source(scenario.path, scenario.text)
    where = source.where if source else (lambda key: None)
    problems: list[Problem] = []
    graph = _graph(scenario)
    reachable = _reach(graph, scenario.start)
    finals = {n for n, s in scenario.states.items() if s.final}
    for name, state in scenario.states.items():
        if name not in reachable:
            problems.append(Problem(where(("states", name, "<key>")), "warning", f"state '{name}' is never reached from '{scenario.start}'"))
        elif not state.final and not (_reach(graph, name) & finals):
            problems.append(Problem(where(("states", name, "<key>")), "warning", f"from state '{name}' no ending can be reached: only the time limit ends it"))
        if state.on_silence and state.on_silence.after > scenario.time_limit:
            problems.append(Problem(where(("states", name, "on_silence", "after")), "warning", f"silence of {state.on_silence.after:g} s is longer than the time limit ({scenario.time_limit:g} s)"))
    if not reachable & finals:
        problems.append(Problem(where(("start",)), "error", "no final state can be reached from the start"))
    used = {cue for state in scenario.states.values() for t in state.on_reply for cue in t.when.cues}
    for cue in scenario.cues:
        if cue not in used:
            problems.append(Problem(where(("cues", cue, "<key>")), "warning", f"cue '{cue}' is defined but no transition listens for it"))
    problems += language_problems(scenario, where)
    if persona is not None:
        if persona.archetype != scenario.archetype:
            problems.append(Problem(where(("persona",)), "warning", f"persona '{persona.id}' is {persona.archetype}, but the scenario is {scenario.archetype}"))
        if persona.nudge.after > scenario.time_limit:
            problems.append(Problem(where(("persona",)), "warning", f"the persona's nudge wait ({persona.nudge.after:g} s) is longer than the time limit"))
    return problems


def language_problems(scenario: Scenario, where) -> list[Problem]:
    """Warnings when the scenario's language has no cue set or no complete interface catalog."""
    from .i18n import catalog_problems

    lang = scenario.language
    at = where(("language",))
    problems: list[Problem] = []
    if not resources.files("simulator.cues").joinpath(f"{lang}.yaml").is_file():
        problems.append(Problem(at, "warning", f"language '{lang}' has no cue set (simulator/cues/{lang}.yaml): replies are tagged with English cues"))
    if lang == "en":
        return problems
    if not resources.files("simulator.locales").joinpath(f"{lang}.yaml").is_file():
        problems.append(Problem(at, "warning", f"language '{lang}' has no interface catalog (simulator/locales/{lang}.yaml): candidates see English"))
    elif issues := catalog_problems(lang):
        shown = "; ".join(issues[:3]) + (f"; and {len(issues) - 3} more" if len(issues) > 3 else "")
        problems.append(Problem(at, "warning", f"the interface catalog simulator/locales/{lang}.yaml is incomplete (English fills the gaps): {shown}"))
    return problems
