"""The shipped scenarios' own tests run in `make test`, and reach every state and ending."""

from __future__ import annotations

import subprocess
import sys

from simulator.cli import main

from .conftest import ROOT, SHIPPED


def test_every_shipped_scenario_test_passes_and_reaches_every_state_and_transition():
    result = subprocess.run([sys.executable, "-m", "simulator", "test", str(SHIPPED / "scenarios")], capture_output=True, text=True, cwd=ROOT)
    assert result.returncode == 0, result.stdout
    coverage = [line for line in result.stdout.splitlines() if line.startswith("coverage:")]
    assert len(coverage) == len(list((SHIPPED / "scenarios").glob("*.tests.yaml")))
    assert all(line.endswith("every state and transition reached") for line in coverage), result.stdout


def test_a_failing_case_prints_what_differed_and_exits_1(tmp_path, capsys):
    (tmp_path / "mini.tests.yaml").write_text(
        "scenario: mini\ncases:\n  - name: wrong on purpose\n    replies: ['Sorry.', 'I will refund you.']\n"
        "    expect: {outcome: escalated, visits: [opening, hostile], tags: [shouting]}\n"
    )
    code = main(["test", "--scenarios", str(ROOT / "tests" / "fixtures"), str(tmp_path)])
    out = capsys.readouterr().out
    assert code == 1
    assert "FAIL  mini: wrong on purpose" in out
    assert "outcome: expected escalated, got resolved" in out
    assert "states: expected opening → hostile in this order, got opening → talking → done" in out
    assert "tags: expected shouting" in out
