"""`rolesim new`: a starting file an author can build on, valid from the first minute."""

from __future__ import annotations

import json

from simulator.cli import main


def test_new_scenario_and_persona_validate_strictly_and_play(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    assert main(["new", "persona", "--id", "calm-clara"]) == 0
    assert main(["new", "scenario", "--id", "broken-lamp", "--persona", "calm-clara"]) == 0
    assert main(["validate", "--strict", "scenarios", "personas"]) == 0
    replies = tmp_path / "r.yaml"
    replies.write_text(json.dumps(["I'm so sorry about the lamp.", "I will send a replacement today."]))
    capsys.readouterr()
    assert main(["play", "broken-lamp", "--replies", str(replies), "--format", "json"]) == 0
    assert json.loads(capsys.readouterr().out)["outcome"] == "resolved"


def test_new_never_overwrites(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    assert main(["new", "persona"]) == 0
    before = (tmp_path / "personas" / "my-persona.yaml").read_text()
    assert main(["new", "persona"]) == 1
    assert "exists already" in capsys.readouterr().err
    assert (tmp_path / "personas" / "my-persona.yaml").read_text() == before
