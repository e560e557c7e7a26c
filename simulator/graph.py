"""A scenario's state machine as a diagram: Mermaid (no graphviz needed) or DOT."""

from __future__ import annotations

import re

from .model import Condition, Scenario

def condition_label(when: Condition) -> str:
    """What makes a transition fire, in a few words."""
    parts = []
    if when.tags:
        parts.append("tags " + " or ".join(when.tags))
    if when.no_tags:
        parts.append("no " + " or ".join(when.no_tags))
    if when.cues:
        parts.append("cue " + " or ".join(when.cues))
    if when.mood_below is not None:
        parts.append(f"mood < {when.mood_below}")
    if when.mood_at_least is not None:
        parts.append(f"mood ≥ {when.mood_at_least}")
    if when.replies_in_state is not None:
        parts.append(f"reply {when.replies_in_state}+")
    return ", ".join(parts) or "any reply"


def edges(scenario: Scenario) -> list[tuple[str, str, str]]:
    """(from, to, label) for every transition, in the order the engine tries them."""
    out = []
    for state in scenario.states.values():
        for i, t in enumerate(state.on_reply, 1):
            out.append((state.name, t.to, f"{i}. {condition_label(t.when)}"))
        if state.on_silence:
            out.append((state.name, state.on_silence.to, f"silence {state.on_silence.after:g} s"))
    return out


def _mermaid_id(index: int, name: str) -> str:
    # Mermaid ids must be plain; the state's own name is shown as its label.
    return f"s{index}_" + re.sub(r"[^A-Za-z0-9_]", "_", name)


def _mermaid_text(text: str) -> str:
    return text.replace('"', "'").replace(":", "﹕").replace(";", ",").replace("#", "№").replace("\n", " ")


def mermaid(scenario: Scenario, highlight: list[str] | None = None) -> str:
    """A Mermaid stateDiagram; `highlight` is a visited path to mark."""
    ids = {name: _mermaid_id(i, name) for i, name in enumerate(scenario.states)}
    lines = ["stateDiagram-v2", f"    %% {_mermaid_text(scenario.id)}: {_mermaid_text(scenario.title)}"]
    for name, sid in ids.items():
        state = scenario.states[name]
        label = _mermaid_text(name) + (f" ({state.outcome})" if state.outcome else "")
        lines.append(f'    state "{label}" as {sid}')
    lines.append(f"    [*] --> {ids[scenario.start]}")
    path = list(zip(highlight, highlight[1:])) if highlight else []
    for source, target, label in edges(scenario):
        taken = " ✔" if (source, target) in path else ""
        lines.append(f"    {ids[source]} --> {ids[target]} : {_mermaid_text(label)}{taken}")
    for name, state in scenario.states.items():
        if state.outcome:
            lines.append(f"    {ids[name]} --> [*]")
    if highlight:
        visited = [ids[n] for n in dict.fromkeys(highlight) if n in ids]
        lines.append("    classDef visited fill:#fde68a,stroke:#b45309")
        if visited:
            lines.append(f"    class {','.join(visited)} visited")
    return "\n".join(lines) + "\n"


def _dot_text(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n") + '"'


def dot(scenario: Scenario, highlight: list[str] | None = None) -> str:
    """A Graphviz digraph; ids are quoted, so any state name is safe."""
    path = set(zip(highlight, highlight[1:])) if highlight else set()
    visited = set(highlight or ())
    lines = [f"digraph {_dot_text(scenario.id)} {{", "    rankdir=LR;", '    node [shape=box, style=rounded, fontname="Helvetica"];', '    edge [fontname="Helvetica", fontsize=10];']
    lines.append('    "__start__" [shape=point];')
    for name, state in scenario.states.items():
        attrs = [f"label={_dot_text(name + (chr(10) + '(' + state.outcome + ')' if state.outcome else ''))}"]
        if state.outcome:
            attrs.append("peripheries=2")
        if name in visited:
            attrs.append('style="rounded,filled", fillcolor="#fde68a"')
        lines.append(f"    {_dot_text(name)} [{', '.join(attrs)}];")
    lines.append(f'    "__start__" -> {_dot_text(scenario.start)};')
    for source, target, label in edges(scenario):
        extra = ', color="#b45309", penwidth=2' if (source, target) in path else ""
        lines.append(f"    {_dot_text(source)} -> {_dot_text(target)} [label={_dot_text(label)}{extra}];")
    lines.append("}")
    return "\n".join(lines) + "\n"
