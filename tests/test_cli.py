"""The command-line contracts of PRODUCT.md, run as a user would run them."""

from __future__ import annotations

import json
import subprocess
import sys
import time
from pathlib import Path

import pytest

from simulator.cli import build_parser, main
from simulator.store import Store

from .conftest import FIXTURES, ROOT, SHARED_DATA

SCENARIOS = ["late-parcel", "locked-out", "express-exception"]
REPLIES = ROOT / "tests" / "replies"


def rolesim(*args, input=None):
    return subprocess.run([sys.executable, "-m", "simulator", *args], capture_output=True, input=input, cwd=ROOT)


def play_json(scenario, kind, *extra):
    code = main(["play", scenario, "--replies", str(REPLIES / f"{scenario}.{kind}.yaml"), "--format", "json", *extra])
    assert code == 0
    return code


@pytest.mark.parametrize("scenario", SCENARIOS)
def test_good_and_rude_candidates_end_differently(scenario, capsys):
    play_json(scenario, "good")
    good = json.loads(capsys.readouterr().out)
    play_json(scenario, "rude")
    rude = json.loads(capsys.readouterr().out)
    assert good["outcome"] == "resolved"
    assert rude["outcome"] in ("escalated", "customer_left")
    assert good["states"] != rude["states"]
    for dim in ("patience", "empathy", "problem_solving"):
        assert good["scores"][dim] > rude["scores"][dim]
    for result in (good, rude):
        assert all(result["scores"][d] in range(1, 6) for d in ("patience", "empathy", "problem_solving"))


@pytest.mark.parametrize("scenario", SCENARIOS)
def test_play_json_has_the_contract_shape(scenario, capsys):
    play_json(scenario, "good")
    result = json.loads(capsys.readouterr().out)
    assert set(result) == {"session_id", "scenario", "outcome", "states", "turns", "scores"}
    assert result["scenario"] == scenario
    turn = result["turns"][0]
    assert set(turn) == {"role", "text", "t", "state", "tags"} and turn["role"] == "customer"
    times = [t["t"] for t in result["turns"]]
    assert times == sorted(times)
    for turn in result["turns"]:
        for tag in turn["tags"]:
            assert turn["text"][tag["start"] : tag["end"]] == tag["evidence"]


def test_same_scenario_replies_and_seed_give_identical_output_except_session_id(tmp_path):
    args = ["play", "late-parcel", "--replies", str(REPLIES / "late-parcel.good.yaml"), "--format", "json", "--seed", "42"]
    one = json.loads(rolesim(*args, "--db", str(tmp_path / "a.sqlite")).stdout)
    two = json.loads(rolesim(*args, "--db", str(tmp_path / "b.sqlite")).stdout)
    assert one.pop("session_id") != two.pop("session_id")
    assert one == two


def test_play_runs_a_ten_minute_session_on_virtual_time(tmp_path):
    replies = tmp_path / "r.yaml"
    replies.write_text("- {wait: 5000}\n")
    started = time.monotonic()
    result = rolesim("play", "mini", "--scenarios", str(FIXTURES), "--replies", str(replies), "--format", "json")
    assert json.loads(result.stdout)["outcome"] == "customer_left"  # nudged, then left
    assert time.monotonic() - started < 30  # a subprocess, not real waiting (300 s of session time)


def test_silent_candidate_runs_out_the_clock_or_loses_the_customer(capsys, tmp_path):
    replies = tmp_path / "r.yaml"
    replies.write_text("[]\n")
    assert main(["play", "late-parcel", "--replies", str(replies), "--format", "json"]) == 0
    assert json.loads(capsys.readouterr().out)["outcome"] in ("customer_left", "time_up")


def test_play_with_db_stores_the_session_like_a_live_one(tmp_path, capsys):
    db = tmp_path / "s.sqlite"
    play_json("locked-out", "good", "--db", str(db))
    result = json.loads(capsys.readouterr().out)
    store = Store(db)
    session = store.session(result["session_id"])
    assert session["source"] == "scripted" and session["outcome"] == "resolved"
    stored_turns = [e for e in store.events(result["session_id"]) if e["kind"] in ("customer_message", "send")]
    assert [e["data"]["text"] for e in stored_turns] == [t["text"] for t in result["turns"]]
    assert {d: s["score"] for d, s in store.scores(result["session_id"]).items()} == result["scores"]


def test_play_with_db_as_text_ends_with_the_stored_sessions_id(tmp_path, capsys):
    db = tmp_path / "s.sqlite"
    assert main(["play", "locked-out", "--replies", str(REPLIES / "locked-out.good.yaml"), "--db", str(db)]) == 0
    last = capsys.readouterr().out.rstrip().splitlines()[-1]
    (session_id,) = [r[0] for r in Store(db).db.execute("select id from sessions").fetchall()]
    assert last == f"Session {session_id} saved to {db}"


def test_list_json_has_the_contract_fields():
    result = rolesim("list", "--format", "json")
    rows = json.loads(result.stdout)
    assert {r["id"] for r in rows} >= set(SCENARIOS)
    assert all(set(r) == {"id", "title", "language", "archetype", "persona", "time_limit", "path"} for r in rows)
    assert {r["archetype"] for r in rows if r["language"] == "en"} == {"angry", "confused", "demanding"}


def test_tag_json_for_one_text():
    out = json.loads(rolesim("tag", "Sorry, that is not my problem.", "--format", "json").stdout)
    assert out["text"] == "Sorry, that is not my problem."
    assert {t["behaviour"] for t in out["tags"]} == {"apologise", "dismiss"}


def test_tag_jsonl_replaces_invalid_utf8_and_keeps_order():
    result = rolesim("tag", "--format", "jsonl", input=b"I am sorry\n\xff\xfe broken \xc3\n calm down\n")
    assert result.returncode == 0
    lines = [json.loads(line) for line in result.stdout.splitlines()]
    assert [line["text"] for line in lines] == ["I am sorry", "\ufffd\ufffd broken \ufffd", " calm down"]
    assert lines[2]["tags"][0]["behaviour"] == "calm_down"


@pytest.mark.skipif(not (SHARED_DATA / "esconv.jsonl").exists(), reason="shared data not beside the checkout")
def test_tag_runs_over_the_whole_esconv_file_without_error():
    texts = [json.loads(line)["text"] for line in (SHARED_DATA / "esconv.jsonl").read_text().splitlines()]
    result = rolesim("tag", "--format", "jsonl", input="\n".join(t.replace("\n", " ") for t in texts).encode())
    assert result.returncode == 0, result.stderr
    assert len(result.stdout.splitlines()) == len(texts)


def test_every_command_has_help():
    parser = build_parser()
    sub = next(a for a in parser._actions if a.dest == "command")
    for name in ("run", "list", "validate", "play", "tag"):
        assert name in sub.choices
        result = rolesim(name, "--help")
        assert result.returncode == 0 and sub.choices[name].description.split()[0].encode() in result.stdout


@pytest.mark.parametrize(
    "args,message",
    [
        (["play", "no-such-scenario", "--replies", "x.yaml"], b"no scenario 'no-such-scenario'"),
        (["play", "late-parcel", "--replies", "missing.yaml"], b"missing.yaml:1:1: error: cannot read file"),
        (["validate", "nowhere"], b"cannot read file"),
    ],
)
def test_errors_are_one_line_on_stderr_without_a_traceback(args, message):
    result = rolesim(*args)
    assert result.returncode == 1
    assert message in result.stderr + result.stdout  # validate's report is its output
    assert b"Traceback" not in result.stderr


def test_a_scenario_that_did_not_load_says_why_where_its_id_is_asked_for(tmp_path):
    (tmp_path / "bad-tab.yaml").write_text("id: bad-tab\ntitle: T\n\tlanguage: en\n", encoding="utf-8")
    result = rolesim("play", "bad-tab", "--scenarios", str(tmp_path), "--replies", "x.yaml")
    assert result.returncode == 1 and b"Traceback" not in result.stderr
    assert b"no scenario 'bad-tab'" in result.stderr and b"bad-tab.yaml:3:1: error: invalid YAML" in result.stderr


def test_a_broken_replies_file_points_at_the_item(tmp_path):
    replies = tmp_path / "r.yaml"
    replies.write_text("- hello\n- {txt: oops}\n")
    result = rolesim("play", "late-parcel", "--replies", str(replies))
    assert result.returncode == 1
    assert f"{replies}:2:3: error:".encode() in result.stderr


def test_shipped_scenarios_validate_clean():
    result = rolesim("validate", "simulator/scenarios", "simulator/personas")
    assert result.returncode == 0, result.stdout
    assert result.stdout == b""


def test_top_level_folders_are_the_shipped_content():
    for name in ("scenarios", "personas"):
        assert (ROOT / name).resolve() == (ROOT / "simulator" / name).resolve()


def test_validate_checks_a_named_scenario_tests_file_as_tests(tmp_path, capsys):
    assert main(["validate", str(ROOT / "simulator" / "scenarios" / "late-parcel.tests.yaml")]) == 0
    broken = tmp_path / "x.tests.yaml"
    broken.write_text("scenario: x\ncases: []\n")
    assert main(["validate", str(broken)]) == 1
    assert "x.tests.yaml:2:8: error: a tests file has 'cases'" in capsys.readouterr().out


def test_run_reads_only_the_files_naming_its_scenario_and_finds_what_the_whole_library_finds(tmp_path):
    from simulator.library import Library

    whole = Library.load()
    for scenario_id, scenario in whole.scenarios.items():
        one = Library.for_scenario(scenario_id)
        assert one.scenarios[scenario_id].path == scenario.path
        assert one.persona_for(one.scenarios[scenario_id]).path == whole.persona_for(scenario).path
        assert len(one.scenarios) < len(whole.scenarios)
    # A folder given with --scenarios still shadows the package, for the persona as for the scenario.
    (tmp_path / "angry-customer.yaml").write_text((Path(whole.persona_for(whole.scenario("late-parcel")).path)).read_text(encoding="utf-8"), encoding="utf-8")
    one = Library.for_scenario("late-parcel", [tmp_path])
    assert Path(one.persona_for(one.scenario("late-parcel")).path).parent == tmp_path
    # An id spelled with a YAML escape is still found, and still shadows the package.
    escaped = tmp_path / "escaped"
    escaped.mkdir()
    text = Path(whole.scenario("late-parcel").path).read_text(encoding="utf-8").replace("id: late-parcel", 'id: "late\\x2Dparcel"', 1)
    (escaped / "x.yaml").write_text(text, encoding="utf-8")
    assert Library.for_scenario("late-parcel", [escaped]).scenario("late-parcel").path == Library.load(extra=[escaped]).scenario("late-parcel").path == str(escaped / "x.yaml")
    # An unknown id falls back to the whole library, so the error can list what there is.
    assert len(Library.for_scenario("no-such-scenario").scenarios) == len(whole.scenarios)
