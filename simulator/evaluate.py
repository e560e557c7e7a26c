"""Agreement of the tagger with human labels: precision, recall and F1 per gold label."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable

from .tagger import Tag, get_tagger

LABELS = ("empathy", "problem_solving", "active_listening", "patience_violation")
MACRO = ("empathy", "problem_solving")  # ESConv's macro-F1, as shared/data/README.md defines it


def predicted(tags: Iterable[Tag]) -> set[str]:
    """Map a reply's tags onto the gold labels (shared/data/README.md)."""
    labels = set()
    for tag in tags:
        if tag.dimension == "empathy" and tag.polarity > 0:
            labels.add("empathy")
        if tag.dimension == "problem_solving" and tag.polarity > 0:
            labels.add("problem_solving")
        if tag.behaviour == "paraphrase":
            labels.add("active_listening")
        if tag.dimension == "patience" and tag.polarity < 0:
            labels.add("patience_violation")
    return labels


@dataclass
class LabelScore:
    """Counts and rates for one gold label."""

    label: str
    tp: int = 0
    fp: int = 0
    fn: int = 0

    @property
    def support(self) -> int:
        return self.tp + self.fn

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 0.0

    @property
    def recall(self) -> float:
        return self.tp / self.support if self.support else 0.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0


def split_of(row_id: str) -> str:
    """'even' or 'odd' by the last digit of the id: tune on even, report on odd."""
    digits = [c for c in str(row_id) if c.isdigit()]
    return "even" if digits and int(digits[-1]) % 2 == 0 else "odd"


def evaluate(path: str | Path, split: str = "all", language: str = "en") -> dict:
    """Run the tagger over a labelled JSONL file and score it against its gold labels."""
    tagger = get_tagger(language)
    rows = []
    for number, line in enumerate(Path(path).read_text(encoding="utf-8", errors="replace").splitlines(), 1):
        if not line.strip():
            continue
        try:
            row = json.loads(line)
        except json.JSONDecodeError as exc:
            raise ValueError(f"{path}:{number}:{exc.colno}: invalid JSON ({exc.msg})") from None
        if not isinstance(row, dict) or not {"id", "text", "gold"} <= set(row):
            raise ValueError(f"{path}:{number}:1: each line needs id, text and gold")
        rows.append(row)
    if split != "all":
        rows = [r for r in rows if split_of(r["id"]) == split]
    present = {label for r in rows for label in r["gold"]}
    scores = {label: LabelScore(label) for label in LABELS if label in present}
    alarms = {label: 0 for label in LABELS if label not in present}  # flagged where no row has the label
    for row in rows:
        gold = set(row["gold"])
        guess = predicted(tagger.tag(row["text"]))
        for label in alarms.keys() & guess:
            alarms[label] += 1
        for label, score in scores.items():
            if label in guess and label in gold:
                score.tp += 1
            elif label in guess:
                score.fp += 1
            elif label in gold:
                score.fn += 1
    macro_labels = [l for l in MACRO if l in scores]
    return {
        "file": str(path),
        "split": split,
        "rows": len(rows),
        "labels": {l: {"precision": round(s.precision, 3), "recall": round(s.recall, 3), "f1": round(s.f1, 3), "support": s.support} for l, s in scores.items()},
        "false_alarm_rate": {l: round(n / len(rows), 4) if rows else 0.0 for l, n in alarms.items()},
        "macro_f1": round(sum(scores[l].f1 for l in macro_labels) / len(macro_labels), 3) if macro_labels else None,
        "macro_f1_all": round(sum(s.f1 for s in scores.values()) / len(scores), 3) if scores else None,
        "language": language,
        "tagger_version": tagger.version,
    }
