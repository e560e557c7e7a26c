"""Where the machine and the reviewers disagree: agreement and Cohen's kappa per dimension, from stored overrides."""

from __future__ import annotations

from collections import Counter
from typing import Any, Iterable

from .model import DIMENSIONS
from .store import Store
from .tagger import Tag
from .transcript import load_transcript


def cohen_kappa(pairs: list[tuple[Any, Any]]) -> float | None:
    """Cohen's kappa of two raters' labels; None when chance agreement is total (both always say the same)."""
    if not pairs:
        return None
    n = len(pairs)
    observed = sum(a == b for a, b in pairs) / n
    first, second = Counter(a for a, _ in pairs), Counter(b for _, b in pairs)
    expected = sum(first[c] * second[c] for c in first) / (n * n)
    if expected >= 1.0:
        return None
    return (observed - expected) / (1 - expected)


def _label(tags: Iterable[Any], dimension: str) -> str:
    """What one reply says about a dimension: '+', '-', '±' (both) or '0' (nothing)."""
    signs = {t.polarity > 0 for t in tags if t.dimension == dimension}
    return {frozenset(): "0", frozenset({True}): "+", frozenset({False}): "-"}.get(frozenset(signs), "±")


def reviewed_sessions(store: Store) -> list[str]:
    """Sessions a person has reviewed: an override, a note or a recommendation (a review with no override is agreement)."""
    rows = store.db.execute(
        "select session_id from overrides union select session_id from notes union select session_id from recommendations order by 1"
    ).fetchall()
    return [r[0] for r in rows]


def calibrate(store: Store) -> dict[str, Any]:
    """Per dimension: replies where the reviewers' tags agree with the machine's, kappa, and score agreement."""
    replies: dict[str, list[tuple[str, str]]] = {d: [] for d in DIMENSIONS}
    scores: dict[str, list[tuple[int, int]]] = {d: [] for d in DIMENSIONS}
    overridden: dict[str, Counter] = {}
    sessions = reviewed_sessions(store)
    for session_id in sessions:
        t = load_transcript(store, session_id)
        for turn in t.replies():
            machine = [Tag.of(tag) for tag in turn.auto_tags]
            for d in DIMENSIONS:
                replies[d].append((_label(machine, d), _label(turn.tags, d)))
        automatic = t.automatic_scores()
        for dimension, o in t.score_overrides().items():
            auto = automatic[dimension].score if dimension in automatic else None
            if auto is not None and o["score"] is not None:
                scores[dimension].append((auto, int(o["score"])))
        tags_by_id = {tag["id"]: tag for turn in t.replies() for tag in turn.auto_tags}
        for o in t.overrides:
            if o["action"] in ("remove", "change") and o["tag_id"] in tags_by_id:
                overridden.setdefault(tags_by_id[o["tag_id"]]["behaviour"], Counter())[o["action"] + "d"] += 1
            elif o["action"] == "add":
                overridden.setdefault(o["behaviour"] or f"{o['dimension']} (unnamed)", Counter())["added"] += 1
    dimensions = {}
    for d in DIMENSIONS:
        pairs = replies[d]
        tagged = [p for p in pairs if p != ("0", "0")]
        score_pairs = scores[d]
        dimensions[d] = {
            "replies": len(pairs),
            "tagged": len(tagged),  # replies where the machine or a reviewer tagged this dimension
            "agreement": _share(pairs),
            "kappa": _round(cohen_kappa(pairs)),
            "scores": {
                "overridden": len(score_pairs),
                "exact": _share(score_pairs),
                "within_one": _share([(a, b) for a, b in score_pairs if abs(a - b) <= 1], len(score_pairs)),
                "kappa": _round(cohen_kappa(score_pairs)),
            },
        }
    behaviours = [
        {"behaviour": name, "removed": c["removed"], "changed": c["changed"], "added": c["added"], "total": sum(c.values())}
        for name, c in overridden.items()
    ]
    behaviours.sort(key=lambda b: (-b["total"], b["behaviour"]))
    return {"sessions": len(sessions), "dimensions": dimensions, "most_overridden": behaviours}


def _share(pairs: list, total: int | None = None) -> float | None:
    n = len(pairs) if total is None else total
    if not n:
        return None
    agree = len(pairs) if total is not None else sum(a == b for a, b in pairs)
    return round(agree / n, 3)


def _round(value: float | None) -> float | None:
    return None if value is None else round(value, 3)


def render_table(result: dict[str, Any]) -> str:
    """The calibration as a plain table for a terminal."""
    def cell(v: Any) -> str:
        return "—" if v is None else (f"{v:.2f}" if isinstance(v, float) else str(v))

    lines = [f"Reviewed sessions: {result['sessions']}", ""]
    lines.append(f"{'dimension':<20} {'replies':>7} {'tagged':>6} {'agree':>6} {'kappa':>6}   {'scores':>6} {'exact':>6} {'±1':>6} {'kappa':>6}")
    for d, row in result["dimensions"].items():
        s = row["scores"]
        lines.append(
            f"{d:<20} {row['replies']:>7} {row['tagged']:>6} {cell(row['agreement']):>6} {cell(row['kappa']):>6}   "
            f"{s['overridden']:>6} {cell(s['exact']):>6} {cell(s['within_one']):>6} {cell(s['kappa']):>6}"
        )
    lines += ["", "Behaviours most often overridden:"]
    if not result["most_overridden"]:
        lines.append("  (none)")
    for b in result["most_overridden"][:15]:
        lines.append(f"  {b['behaviour']:<24} removed {b['removed']}, changed {b['changed']}, added {b['added']}")
    lines += ["", "agree: share of replies where the reviewers' tags (after overrides) say the same as the machine's;",
              "kappa: Cohen's kappa of the same, corrected for chance (— when there is no variation to judge)."]
    return "\n".join(lines)
