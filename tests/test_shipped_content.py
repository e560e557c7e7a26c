"""The shipped English library: real branching scenarios, one per archetype."""

from __future__ import annotations

import pytest

SCENARIOS = ["late-parcel", "locked-out", "express-exception"]


def reachable(scenario) -> set[str]:
    seen, todo = set(), [scenario.start]
    while todo:
        name = todo.pop()
        if name in seen:
            continue
        seen.add(name)
        state = scenario.states[name]
        todo += [t.to for t in state.on_reply] + ([state.on_silence.to] if state.on_silence else [])
    return seen


@pytest.mark.parametrize("scenario_id", SCENARIOS)
def test_scenario_is_a_real_branching_conversation(shipped, scenario_id):
    scenario = shipped.scenario(scenario_id)
    states = scenario.states.values()
    assert len(scenario.states) >= 8
    branch_points = [s for s in states if len({t.to for t in s.on_reply} | ({s.on_silence.to} if s.on_silence else set())) >= 2]
    assert len(branch_points) >= 3
    assert len({s.outcome for s in states if s.outcome}) >= 2
    assert reachable(scenario) == set(scenario.states)
    assert any(s.on_silence for s in states)


def test_one_english_scenario_per_archetype_each_with_a_matching_persona(shipped):
    found = {shipped.scenario(s).archetype: s for s in SCENARIOS}
    assert set(found) == {"angry", "confused", "demanding"}
    for scenario_id in SCENARIOS:
        scenario = shipped.scenario(scenario_id)
        assert shipped.persona_for(scenario).archetype == scenario.archetype
        assert scenario.language == "en"
