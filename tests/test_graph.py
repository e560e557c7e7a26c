"""`rolesim graph`: golden files, every state and transition present, DOT that parses."""

from __future__ import annotations

import pydot
import pytest

from simulator.graph import dot, edges, mermaid
from simulator.loader import parse_scenario
from simulator.yamlsource import read_source

from .conftest import ROOT

GOLDEN = ROOT / "tests" / "golden"
SCENARIOS = ["late-parcel", "locked-out", "express-exception"]


@pytest.mark.parametrize("scenario_id", SCENARIOS)
@pytest.mark.parametrize("kind,render", [("mmd", mermaid), ("dot", dot)])
def test_graph_matches_its_golden_file(shipped, scenario_id, kind, render):
    expected = (GOLDEN / f"{scenario_id}.{kind}").read_text()
    assert render(shipped.scenario(scenario_id)) == expected, f"regenerate with: rolesim graph {scenario_id} --format {'dot' if kind == 'dot' else 'mermaid'} > tests/golden/{scenario_id}.{kind}"


@pytest.mark.parametrize("scenario_id", SCENARIOS)
def test_dot_parses_and_has_every_state_and_transition(shipped, scenario_id):
    scenario = shipped.scenario(scenario_id)
    (graph,) = pydot.graph_from_dot_data(dot(scenario))
    names = {n.get_name().strip('"') for n in graph.get_nodes()} - {"node", "edge"}
    assert set(scenario.states) <= names
    pairs = [(e.get_source().strip('"'), e.get_destination().strip('"')) for e in graph.get_edges()]
    for source, target, _ in edges(scenario):
        assert (source, target) in pairs


@pytest.mark.parametrize("scenario_id", SCENARIOS)
def test_mermaid_has_every_state_and_transition(shipped, scenario_id):
    scenario = shipped.scenario(scenario_id)
    text = mermaid(scenario)
    assert text.startswith("stateDiagram-v2\n")
    assert text.count(" as s") == len(scenario.states)
    assert text.count(" --> ") - text.count("--> [*]") - text.count("[*] -->") == len(edges(scenario))


def test_awkward_state_names_are_quoted_safely(tmp_path):
    text = (ROOT / "tests" / "fixtures" / "scenarios" / "mini.yaml").read_text()
    text = text.replace("hostile", 'hos"tile; x -> y').replace("to: hos\"tile; x -> y", "to: 'hos\"tile; x -> y'")
    text = text.replace('  hos"tile; x -> y:', "  'hos\"tile; x -> y':")
    source, problems = read_source("s.yaml", text)
    scenario, problems = parse_scenario(source)
    assert scenario is not None, problems
    (graph,) = pydot.graph_from_dot_data(dot(scenario))
    assert any(n.get_name() == '"hos\\"tile; x -> y"' for n in graph.get_nodes())
    assert 'state "hos\'tile, x -> y" as s2_hos_tile__x____y' in mermaid(scenario)


def test_highlight_marks_the_path(shipped):
    scenario = shipped.scenario("late-parcel")
    text = mermaid(scenario, ["opening", "furious", "left_end"])
    assert "class " in text and "✔" in text
    assert 'fillcolor="#fde68a"' in dot(scenario, ["opening", "furious"])
