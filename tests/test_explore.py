"""`rolesim explore`: random candidates find unreachable states and endless runs, reproducibly."""

from __future__ import annotations

import json

from simulator.cli import main
from simulator.explore import explore

from .conftest import FIXTURES


def test_explore_reports_outcomes_and_reaches_every_state_of_a_small_scenario(mini):
    report = explore(*mini, runs=60, seed=1)
    assert sum(report.outcomes.values()) == 60
    assert report.never_reached == []
    assert set(report.outcomes) <= {"resolved", "escalated", "customer_left", "time_up"}


def test_explore_finds_a_state_nobody_can_reach(tmp_path, mini):
    text = (FIXTURES / "scenarios" / "mini.yaml").read_text() + "  island:\n    say: \"Nobody comes here.\"\n    outcome: resolved\n"
    (tmp_path / "island.yaml").write_text(text)
    from simulator.loader import load_scenario

    report = explore(load_scenario(tmp_path / "island.yaml"), mini[1], runs=60, seed=1)
    assert "island" in report.never_reached and "opening" not in report.never_reached


def test_same_seed_same_report(capsys):
    args = ["explore", "mini", "--scenarios", str(FIXTURES), "--runs", "25", "--seed", "7", "--format", "json"]
    main(args)
    first = json.loads(capsys.readouterr().out)
    main(args)
    assert json.loads(capsys.readouterr().out) == first
