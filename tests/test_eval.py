"""`rolesim eval`: agreement with human labels, computed the way shared/data/README.md says."""

from __future__ import annotations

import json
import re

import pytest
import yaml

from simulator.cli import main
from simulator.evaluate import evaluate

from .conftest import ROOT, SHARED_DATA


def test_precision_recall_and_f1_per_label_on_a_known_file(tmp_path):
    rows = [
        {"id": "a-1", "text": "I'm so sorry to hear that.", "gold": ["empathy"]},
        {"id": "a-2", "text": "When did it start?", "gold": ["problem_solving"]},
        {"id": "a-3", "text": "I'm sorry. When did it start?", "gold": ["problem_solving"]},  # apology counts as a false positive
        {"id": "a-4", "text": "The weather is nice.", "gold": ["empathy"]},  # missed
        {"id": "a-5", "text": "So you are saying it broke?", "gold": ["active_listening"]},
    ]
    path = tmp_path / "labels.jsonl"
    path.write_text("\n".join(json.dumps(r) for r in rows))
    result = evaluate(path)
    empathy = result["labels"]["empathy"]
    assert (empathy["precision"], empathy["recall"], empathy["support"]) == (0.5, 0.5, 2)
    assert result["labels"]["problem_solving"]["recall"] == 1.0
    assert result["labels"]["active_listening"]["f1"] == 1.0
    assert result["macro_f1"] == round((0.5 + result["labels"]["problem_solving"]["f1"]) / 2, 3)
    assert evaluate(path, split="odd")["rows"] == 3  # ids ending 1, 3, 5


def test_eval_prints_a_table(tmp_path, capsys):
    path = tmp_path / "l.jsonl"
    path.write_text(json.dumps({"id": "x-1", "text": "Calm down.", "gold": ["patience_violation"]}) + "\n")
    assert main(["eval", str(path)]) == 0
    out = capsys.readouterr().out
    assert "patience_violation" in out and "1.000" in out


def cue_phrases():
    spec = yaml.safe_load((ROOT / "simulator" / "cues" / "en.yaml").read_text())
    for body in spec["behaviours"].values():
        yield from (str(c) for c in body["cues"])


def _joined(paths) -> str:
    """Every row's words, lower case and without apostrophes (cues are written "dont"), one row a line."""
    return " \n ".join(
        " ".join(re.findall(r"\w+", json.loads(line)["text"].lower().replace("'", "").replace("’", "")))
        for path in paths
        for line in path.read_text(encoding="utf-8").splitlines()
    )


@pytest.mark.skipif(not SHARED_DATA.exists(), reason="shared data not beside the checkout")
def test_no_cue_of_four_or_more_words_appears_word_for_word_in_the_labelled_data():
    texts = _joined(SHARED_DATA / name for name in ("esconv.jsonl", "politeness_wiki.jsonl"))
    long_cues = [c.removeprefix("^ ") for c in cue_phrases() if len(c.split()) >= 4 and "..." not in c and "*" not in c]
    assert [c for c in long_cues if f" {c} " in f" {texts} "] == []
