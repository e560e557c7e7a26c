"""`rolesim validate` as a linter: conversation shape, warnings, --strict and --format json."""

from __future__ import annotations

import json

from simulator.cli import main

from .conftest import FIXTURES

MINI = (FIXTURES / "scenarios" / "mini.yaml").read_text()


def validate(tmp_path, capsys, text, *flags):
    path = tmp_path / "s.yaml"
    path.write_text(text)
    code = main(["validate", "--scenarios", str(FIXTURES), *flags, str(path)])
    return code, capsys.readouterr().out, path


def test_an_unreachable_state_and_an_unused_cue_are_warnings(tmp_path, capsys):
    text = MINI.replace("cues:\n  refund: [refund, money back]", "cues:\n  refund: [refund, money back]\n  voucher: [voucher]")
    text += "  island:\n    say: \"Nobody comes here.\"\n    outcome: resolved\n"
    code, out, path = validate(tmp_path, capsys, text)
    assert code == 0
    assert f"{path}:14:3: warning: cue 'voucher' is defined but no transition listens for it" in out
    assert "warning: state 'island' is never reached from 'opening'" in out


def test_a_cycle_with_no_exit_is_reported(tmp_path, capsys):
    text = MINI.replace("""    on_reply:
      - to: talking
        if: {tags: [apologise], mood_below: 85}
    on_silence: {after: 20, to: manager}""", """    on_reply:
      - to: hostile""")
    code, out, _ = validate(tmp_path, capsys, text)
    assert "from state 'hostile' no ending can be reached" in out


def test_silence_longer_than_the_time_limit_and_a_mismatched_persona(tmp_path, capsys):
    text = MINI.replace("on_silence: {after: 20, to: manager}", "on_silence: {after: 900, to: manager}").replace("archetype: angry", "archetype: confused")
    code, out, _ = validate(tmp_path, capsys, text)
    assert "silence of 900 s is longer than the time limit (300 s)" in out
    assert "persona 'test-persona' is angry, but the scenario is confused" in out


def test_strict_turns_warnings_into_errors_and_json_is_for_tools(tmp_path, capsys):
    text = MINI.replace("cues:\n  refund: [refund, money back]", "cues:\n  refund: [refund, money back]\n  voucher: [voucher]")
    code, out, path = validate(tmp_path, capsys, text, "--strict", "--format", "json")
    assert code == 1
    problems = json.loads(out)
    assert problems == [{"path": str(path), "line": 14, "col": 3, "severity": "error", "message": "cue 'voucher' is defined but no transition listens for it"}]


def test_shipped_content_is_clean_under_strict(capsys):
    assert main(["validate", "--strict", "simulator/scenarios", "simulator/personas"]) == 0
