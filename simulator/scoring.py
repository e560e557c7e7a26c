"""Scores 1–5 per dimension, each with the descriptor it matched and the evidence behind it."""

from __future__ import annotations

import math
import re
from dataclasses import asdict, dataclass, field
from functools import lru_cache
from importlib import resources
from typing import Any, Iterable

from .model import CORE_DIMENSIONS, DIMENSIONS, Rubric
from .yamlsource import load_packaged

SLOW_REPLY = 120.0  # seconds the customer waits before a reply counts as a long silence
HASTY_REPLY = 4.0  # seconds: too soon after a shouted message to have read it and thought
ANCHORS = (1, 3, 5)


@dataclass
class Score:
    """A dimension's score with the reasons: the anchor descriptor and the evidence."""

    dimension: str
    score: int | None
    anchor: int | None
    descriptor: str
    evidence: list[dict[str, Any]] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@lru_cache(maxsize=None)
def load_rubrics() -> dict[str, Rubric]:
    """The shipped rubric files, by dimension id."""
    rubrics = {}
    for entry in sorted(resources.files("simulator.rubrics").iterdir(), key=lambda p: p.name):
        if not entry.name.endswith(".yaml"):
            continue
        raw = load_packaged("simulator.rubrics", entry.name)
        rubrics[raw["dimension"]] = Rubric(
            dimension=raw["dimension"],
            title=raw["title"],
            definition=" ".join(raw["definition"].split()),
            behaviours_for=tuple(raw.get("for", ())),
            behaviours_against=tuple(raw.get("against", ())),
            descriptors={int(k): v for k, v in raw["descriptors"].items()},
            core=bool(raw.get("core")),
            target_share=float(raw.get("target_share", 1.0)),
            above_3_needs=_needs(raw),
            translations={
                str(lang): {**body, "descriptors": {int(k): v for k, v in (body.get("descriptors") or {}).items()}}
                for lang, body in (raw.get("translations") or {}).items()
            },
        )
    return rubrics


def _needs(raw: dict) -> tuple[str, ...]:
    """A rubric's above_3_needs, each one of its own `for` behaviours: a slip in the name would hold every score at 3."""
    needs = tuple(raw.get("above_3_needs", ()))
    unknown = [b for b in needs if b not in raw.get("for", ())]
    if unknown:
        raise ValueError(f"rubric {raw['dimension']}: above_3_needs names {', '.join(unknown)}, not in its 'for' list")
    return needs


def _anchor(score: int) -> int:
    """The highest anchor at or below the score: a 4 reads as 'at least the 3 descriptor'."""
    return max(a for a in ANCHORS if a <= score)


def describe(score: Score, lang: str = "en", rubrics: dict[str, Rubric] | None = None) -> str:
    """The descriptor a score reached, in `lang` where the rubric file translates it, and why a score falls short of it."""
    from .i18n import catalog  # the catalogs load only when a score is shown

    m = catalog(lang)
    if any(e.get("kind") == "no_reply" for e in score.evidence):
        return m("descriptor.no_reply")
    rubric = (rubrics or load_rubrics()).get(score.dimension)
    translated = rubric.translations.get(lang, {}).get("descriptors", {}) if rubric is not None and lang != "en" else {}
    text = str(translated.get(score.anchor) or score.descriptor)
    if score.score is None or score.anchor is None:
        return text
    against = sorted({e["behaviour"] for e in score.evidence if e.get("kind") == "tag" and e["polarity"] < 0})
    reached = next((e.get("before_against") for e in score.evidence if e.get("kind") == "coverage"), None)
    reasons = []
    needs = next((e for e in score.evidence if e.get("kind") == "needs"), None)
    if needs is not None:  # held at 3 whatever came after: said first
        reasons.append(m("descriptor.needs", score=3, behaviours=", ".join(needs["behaviours"])))
    if against and (score.score < score.anchor or (reached or 0) > score.score):
        # Short of the descriptor, or of what the behaviours alone reached ("every fact right" less two slips).
        reasons.append(m("descriptor.against", score=score.score, behaviours=", ".join(against)))
    if reasons:
        return " ".join([text, *reasons])
    if score.score < score.anchor:
        formulaic = any(e.get("kind") == "formulaic" for e in score.evidence)
        return text + " " + m("descriptor.formulaic" if formulaic else "descriptor.few", score=score.score)
    return text


def _tag_evidence(turn_index: int, turn: Any, tag: Any) -> dict[str, Any]:
    return {
        "kind": "tag",
        "turn": turn_index,
        "t": round(turn.t, 3),
        "behaviour": tag.behaviour,
        "polarity": tag.polarity,
        "evidence": tag.evidence,
        "start": tag.start,
        "end": tag.end,
        "rule": tag.rule,
    }


def score_session(turns: Iterable[Any], rubrics: dict[str, Rubric] | None = None) -> dict[str, Score]:
    """Score every dimension from a session's turns (engine Turns, or anything shaped like them)."""
    rubrics = rubrics or load_rubrics()
    indexed = list(enumerate(turns))
    replies = [(i, t) for i, t in indexed if t.role == "candidate"]
    scores: dict[str, Score] = {}
    for dimension in DIMENSIONS:
        rubric = rubrics.get(dimension)
        if dimension == "patience":
            value, evidence = _patience(replies, indexed, rubric)
        else:
            value, evidence = _positive(dimension, replies, rubric)
        if value is None and dimension in CORE_DIMENSIONS and rubric is not None:
            # Core dimensions are always scored: no reply at all is the lowest score, and says so, rather than
            # reading as the 1 descriptor ("loses composure") of a candidate who wrote nothing.
            from .i18n import catalog  # only here: a session with replies needs no catalog to be scored

            scores[dimension] = Score(dimension, 1, None, catalog("en")("descriptor.no_reply"), [{"kind": "no_reply", "detail": "the candidate sent no reply"}])
            continue
        if value is None or rubric is None:
            scores[dimension] = Score(dimension, None, None, "no evidence in this session" if rubric else "no rubric yet", evidence if rubric else [])
            continue
        anchor = _anchor(value)
        if value < 3 and any(e.get("kind") == "tag" and e["polarity"] > 0 for e in evidence):
            # Some of the behaviours were there: the 1 descriptor ("no apology") would contradict them. The score
            # reads against the 3 it falls short of, and `describe` says why (what counted against, or too few).
            anchor = 3
        scores[dimension] = Score(dimension, value, anchor, rubric.descriptors.get(anchor, ""), evidence)
    return scores


def _counts(rubric: Rubric | None, dimension: str, tag: Any) -> int:
    """+1 or -1 if a tag counts for or against the dimension (its own, or listed in the rubric), else 0."""
    if tag.rule.startswith("reviewer:"):
        return tag.polarity if tag.dimension == dimension else 0  # a person's change says exactly where it counts
    if rubric is not None:
        if tag.polarity > 0 and tag.behaviour in rubric.behaviours_for:
            return 1
        if tag.polarity < 0 and tag.behaviour in rubric.behaviours_against:
            return -1
    return tag.polarity if tag.dimension == dimension else 0


def _positive(dimension: str, replies: list, rubric: Rubric | None) -> tuple[int | None, list[dict[str, Any]]]:
    """Coverage of replies showing the behaviour, capped without variety, less what counts against."""
    target_share = rubric.target_share if rubric else 1.0
    evidence = []
    with_positive = 0
    behaviours: set[str] = set()  # from the candidate's words
    context: set[str] = set()  # from facts, questions and mood: counted for variety only where words give none
    negatives = 0
    for i, turn in replies:
        has = False
        for tag in turn.tags:
            sign = _counts(rubric, dimension, tag)
            if not sign:
                continue
            evidence.append(_tag_evidence(i, turn, tag) | {"polarity": sign})
            if sign > 0:
                has = True
                (behaviours if not tag.rule.startswith("context/") else context).add(tag.behaviour)
            else:
                negatives += 1
        if dimension == "empathy" and any(t.behaviour == "formulaic" for t in turn.tags):
            has = False  # a pasted or repeated phrase earns no fresh credit
        with_positive += has
    if not replies or (not evidence and dimension not in CORE_DIMENSIONS):
        return None, []
    coverage = with_positive / len(replies)
    raw = 1 + 4 * min(1.0, coverage / target_share)
    if len(behaviours or context) < 2:
        raw = min(raw, 4)  # a single behaviour repeated is not the full range a 5 describes
    formulaic = [e for i, turn in replies for e in turn.tags if e.behaviour == "formulaic"]
    if formulaic and dimension == "empathy":
        raw = min(raw, 4)  # copy-pasted sympathy cannot earn the top score
        evidence.append({"kind": "formulaic", "count": len(formulaic), "detail": "repeated replies or phrases: capped at 4"})
    if rubric is not None and rubric.above_3_needs and int(raw + 0.5) > 3 and not behaviours & set(rubric.above_3_needs):
        # Questions and facts in every reply, but no solution: the 5 describes one, so the score stops at the 3
        # ("asks some questions or offers a solution, but leaves gaps").
        raw = 3
        evidence.append({"kind": "needs", "behaviours": list(rubric.above_3_needs), "detail": "none of " + ", ".join(rubric.above_3_needs) + " in any reply: capped at 3"})
    before_against = max(1, min(5, int(raw + 0.5)))  # what the behaviours alone reached: `describe` says why it is lower
    raw -= negatives
    evidence.append({"kind": "coverage", "replies": len(replies), "with_behaviour": with_positive, "distinct_behaviours": sorted(behaviours or context), "before_against": before_against})
    return max(1, min(5, int(raw + 0.5))), evidence


def _shouted(text: str) -> bool:
    """A customer message with a word of four or more letters in capitals ("WHERE is my order", "a REFUND!")."""
    return any(len(w) >= 4 and w.isalpha() and w.isupper() for w in re.findall(r"[^\W\d_]+", text))


def _patience(replies: list, turns: list, rubric: Rubric | None = None) -> tuple[int | None, list[dict[str, Any]]]:
    """Start calm at 5; lapses, interruptions, long silences and snapping back at once take it down."""
    if not replies:
        return None, []
    evidence = []
    penalty = 0.0
    last_customer: dict[int, Any] = {}
    previous = None
    for i, turn in turns:
        if turn.role == "candidate":
            last_customer[i] = previous
        elif not getattr(turn, "nudge", False):
            previous = turn
    for i, turn in replies:
        insult = last_customer.get(i)
        since = None if insult is None else round(turn.t - insult.t, 3)
        if since is not None and 0 <= since < HASTY_REPLY and _shouted(insult.text):
            penalty += 0.5  # a reply fired back within seconds of being shouted at is a reaction, not an answer
            evidence.append({"kind": "hasty_reply", "turn": i, "t": round(turn.t, 3), "seconds": since, "detail": f"sent {since:.1f} s after a message in capitals"})
        negatives = [tag for tag in turn.tags if _counts(rubric, "patience", tag) < 0]
        for tag in negatives:
            evidence.append(_tag_evidence(i, turn, tag))
        penalty += min(len(negatives), 2)
        if turn.interrupted:
            penalty += 0.5
            evidence.append({"kind": "interrupted", "turn": i, "t": round(turn.t, 3), "detail": "sent while the customer was still typing"})
        if turn.latency is not None and turn.latency > SLOW_REPLY:
            penalty += 0.5
            evidence.append({"kind": "slow_reply", "turn": i, "t": round(turn.t, 3), "seconds": turn.latency})
    if not evidence:
        evidence.append({"kind": "absence", "replies": len(replies), "detail": f"no blame, sarcasm, shouting, dismissal or interruption in {len(replies)} replies"})
    return max(1, min(5, int(5 - penalty + 0.5))), evidence


def overall(scores: dict[str, Score], weights: dict[str, float] | None = None) -> float | None:
    """The weighted mean of the scored dimensions (weight 1 unless the scenario says; 0 leaves one out)."""
    weights = weights or {}
    pairs = [(s.score, weights.get(d, 1.0)) for d, s in scores.items() if s.score is not None and math.isfinite(weights.get(d, 1.0))]
    total = sum(w for _, w in pairs)
    return round(sum(v * w for v, w in pairs) / total, 2) if total else None
