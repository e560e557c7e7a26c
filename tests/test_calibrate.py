"""Calibration: how often reviewers agree with the machine, per dimension, from real stored overrides."""

from __future__ import annotations

import json

import pytest

from simulator.calibrate import calibrate, cohen_kappa
from simulator.cli import main
from simulator.store import ReviewStore

from .test_review_core import scripted


def test_cohen_kappa_matches_the_textbook_example():
    # Two raters, 50 items: 20 yes/yes, 5 yes/no, 10 no/yes, 15 no/no -> po 0.7, pe 0.5, kappa 0.4.
    pairs = [("y", "y")] * 20 + [("y", "n")] * 5 + [("n", "y")] * 10 + [("n", "n")] * 15
    assert cohen_kappa(pairs) == pytest.approx(0.4)
    assert cohen_kappa([("y", "y")] * 5) is None  # no variation: agreement by chance is total
    assert cohen_kappa([]) is None


@pytest.fixture
def reviewed(tmp_path):
    path = tmp_path / "cal.sqlite"
    good = scripted(path, "late-parcel", "good", "Anna Good")
    rude = scripted(path, "late-parcel", "rude", "Rob Rude")
    scripted(path, "locked-out", "good", "Nobody Reviewed")
    store = ReviewStore(path)
    rude_tags = store.tags(rude)
    calm_down = next(t for t in rude_tags if t["behaviour"] == "calm_down")
    blame = next(t for t in rude_tags if t["behaviour"] == "blame")
    store.override(rude, "ieva", "said kindly, in context", "remove", tag_id=calm_down["id"])
    store.override(rude, "ieva", "sarcasm rather than blame", "change", tag_id=blame["id"], dimension="patience", polarity=-1, behaviour="sarcasm")
    store.override(rude, "ieva", "no empathy at all", "score", dimension="empathy", score=1)
    store.override(good, "lars", "missed: offers help warmly", "add", turn=1, dimension="positivity", polarity=1, behaviour="positive_tone")
    store.override(good, "lars", "a touch generous", "score", dimension="empathy", score=4)
    store.add_note(good, "lars", "Strong candidate.")
    store.close()
    return path


def test_calibrate_reports_agreement_kappa_and_the_behaviours_reviewers_override(reviewed):
    result = calibrate(ReviewStore(reviewed))
    assert result["sessions"] == 2  # the unreviewed session is not counted as agreement
    patience = result["dimensions"]["patience"]
    assert patience["agreement"] < 1.0  # the removed "calm down" left a reply the machine called impatient
    positivity = result["dimensions"]["positivity"]
    assert positivity["agreement"] < 1.0 and positivity["tagged"] >= 1
    empathy = result["dimensions"]["empathy"]["scores"]
    assert empathy["overridden"] == 2
    top = {b["behaviour"]: b for b in result["most_overridden"]}
    assert top["calm_down"]["removed"] == 1 and top["blame"]["changed"] == 1 and top["positive_tone"]["added"] == 1


def test_calibrate_command_prints_a_table_and_json(reviewed, capsys):
    assert main(["calibrate", "--db", str(reviewed)]) == 0
    out = capsys.readouterr().out
    assert "Reviewed sessions: 2" in out and "calm_down" in out and "kappa" in out
    assert main(["calibrate", "--db", str(reviewed), "--format", "json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert set(data["dimensions"]) >= {"patience", "empathy", "problem_solving", "helpfulness"}
