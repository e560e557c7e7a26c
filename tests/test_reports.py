"""Reports and exports: candidate text literal everywhere, nothing runs, both automatic and human values."""

from __future__ import annotations

import csv
import io
import json
import re
import subprocess
import sys

import pytest

from simulator.cli import main
from simulator.store import ReviewStore
from simulator.transcript import load_transcript

from .conftest import ROOT

HOSTILE = "<script>alert(1)</script> [red]x[/] **bold** \x1b[2J =SUM(A1)"


@pytest.fixture
def db(tmp_path):
    path = tmp_path / "r.sqlite"
    replies = tmp_path / "r.yaml"
    replies.write_text(json.dumps([HOSTILE, "I'm so sorry, Marta. Calm down though."]))
    for name, file in (("=HYPERLINK(\"x\")", replies), ("Jānis Bērziņš", ROOT / "tests" / "replies" / "late-parcel.good.yaml")):
        assert main(["play", "late-parcel", "--replies", str(file), "--db", str(path), "--candidate", name, "--format", "json"]) == 0
    return path


def session_id(db, candidate):
    return next(r["id"] for r in ReviewStore(db).list_sessions() if r["candidate"] == candidate)


def test_html_report_is_self_contained_escaped_and_has_a_latency_chart(db, capsys):
    sid = session_id(db, "=HYPERLINK(\"x\")")
    capsys.readouterr()
    assert main(["report", sid[:8], "--db", str(db), "--format", "html"]) == 0
    page = capsys.readouterr().out
    assert "<script>" not in page and "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "\x1b" not in page and "␛[2J" in page
    assert "<svg" in page and "Seconds to reply" in page
    assert not re.search(r"""(src|href)=["']https?:""", page)  # nothing fetched from outside
    assert "@media print" in page


def test_markdown_report_shows_candidate_text_literally(db, capsys):
    sid = session_id(db, "=HYPERLINK(\"x\")")
    capsys.readouterr()
    main(["report", sid, "--db", str(db), "--format", "md"])
    text = capsys.readouterr().out
    assert r"\<script\>alert\(1\)\</script\> \[red\]x\[/\] \*\*bold\*\*" in text
    assert "calm_down" in text
    assert "sent after 0:20.0, 1 edit, 0 deleted, 0 pastes" in text  # one edit, not "1 edits"


def test_report_json_keeps_automatic_beside_human_values(db, capsys):
    sid = session_id(db, "=HYPERLINK(\"x\")")
    store = ReviewStore(db)
    tag = next(t for t in store.tags(sid) if t["behaviour"] == "calm_down")
    store.override(sid, "Ieva", "said kindly", "remove", tag_id=tag["id"])
    store.override(sid, "Ieva", "fine", "score", dimension="patience", score=4)
    capsys.readouterr()
    main(["report", sid, "--db", str(db), "--format", "json"])
    data = json.loads(capsys.readouterr().out)
    turn = next(t for t in data["turns"] if t["turn"] == tag["turn"])
    assert "calm_down" in [t["behaviour"] for t in turn["automatic_tags"]]
    assert "calm_down" not in [t["behaviour"] for t in turn["reviewed_tags"]]
    patience = data["scores"]["patience"]
    assert patience["human"] == 4 and patience["human_by"] == "Ieva" and patience["automatic"] is not None


def test_cohort_csv_cannot_run_formulas_and_keeps_unicode(db):
    out = subprocess.run([sys.executable, "-m", "simulator", "sessions", "--db", str(db), "--format", "csv"], capture_output=True, text=True, cwd=ROOT).stdout
    rows = list(csv.DictReader(io.StringIO(out)))
    assert {r["candidate"] for r in rows} == {"'=HYPERLINK(\"x\")", "Jānis Bērziņš"}
    for row in rows:
        assert not any(cell.startswith(("=", "+", "-", "@")) for cell in row.values())
        assert row["patience"] and row["median_seconds_to_send"]


def test_sessions_table_and_search(db, capsys):
    main(["sessions", "--db", str(db), "--search", "janis"])  # nobody wrote it
    capsys.readouterr()
    main(["sessions", "--db", str(db), "--search", "sorry"])
    out = capsys.readouterr().out
    assert "late-parcel" in out and len(out.splitlines()) == 3  # header + both sessions apologised


def test_report_of_an_unknown_session_is_one_line_on_stderr(db):
    result = subprocess.run([sys.executable, "-m", "simulator", "report", "nope", "--db", str(db)], capture_output=True, text=True, cwd=ROOT)
    assert result.returncode == 1 and result.stderr.strip() == "rolesim: error: no session 'nope'"


def test_explain_names_every_tag_behind_each_score(db, capsys):
    sid = session_id(db, "=HYPERLINK(\"x\")")
    capsys.readouterr()
    assert main(["explain", sid[:8], "--db", str(db)]) == 0
    out = capsys.readouterr().out
    assert "Patience and composure:" in out and "calm_down “Calm down”" in out and "by rule en/calm_down/calm down" in out
    assert "Empathy and emotional intelligence:" in out and "apologise “sorry”" in out
    assert "\x1b" not in out  # the hostile reply is shown display-safe
    assert "n/a (no evidence in this session, so no score):" in out  # the dimensions the session gave no evidence for
    assert "Genuine desire to help" in out.split("n/a")[-1] or "Genuine desire to help:" in out
    assert "Overall: " in out and "advice for a person, not a decision" in out


def test_explain_weighs_the_overall_as_the_scenario_says(tmp_path, capsys):
    from simulator.report import explanation
    from simulator.scoring import overall

    from .test_review_core import scripted

    path = tmp_path / "w.sqlite"
    sid = scripted(path, "late-parcel", "good", "Anna Good")
    t = load_transcript(ReviewStore(path), sid)
    text = explanation(t, {"patience": 3, "helpfulness": 0})
    assert f"Overall: {overall(t.scores(), {'patience': 3, 'helpfulness': 0}):.2f} of 5" in text
    assert "patience ×3" in text and "helpfulness ×0" in text
