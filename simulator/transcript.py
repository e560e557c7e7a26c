"""A stored session rebuilt for review: turns with timings, tags after overrides, scores, replay."""

from __future__ import annotations

from bisect import bisect_right
from dataclasses import dataclass, field
from typing import Any

from .scoring import Score, score_session
from .session import apply_edit
from .store import Store
from .tagger import Tag



@dataclass
class Timing:
    """How a candidate produced one reply, measured from the customer message it answers."""

    first_key: float | None  # seconds to the first keystroke or paste
    to_send: float | None  # seconds to sending
    typing: float | None  # seconds from the first keystroke to sending
    edits: int  # keystroke-level edits
    deleted: int  # characters deleted along the way
    pastes: int
    interrupted: bool  # sent while the customer was still typing


@dataclass
class ReviewTurn:
    """One message of a stored session, shaped like the engine's Turn so scoring reads it as is."""

    index: int
    role: str
    text: str
    t: float
    state: str
    nudge: bool = False
    auto_tags: list[dict[str, Any]] = field(default_factory=list)  # as stored, with their ids
    tags: list[Tag] = field(default_factory=list)  # after reviewers' overrides
    human_tags: list[dict[str, Any]] = field(default_factory=list)  # added by reviewers
    removed: set[int] = field(default_factory=set)  # automatic tag ids a reviewer removed
    timing: Timing | None = None

    @property
    def interrupted(self) -> bool:
        return bool(self.timing and self.timing.interrupted)

    @property
    def latency(self) -> float | None:
        return self.timing.to_send if self.timing else None


@dataclass
class Transcript:
    """Everything a reviewer sees of one session."""

    session: dict[str, Any]
    turns: list[ReviewTurn]
    events: list[dict[str, Any]]
    moods: list[tuple[float, float]]  # (t, mood) from the start
    states: list[tuple[float, str]]
    notes: list[dict[str, Any]]
    overrides: list[dict[str, Any]]
    recommendations: list[dict[str, Any]]

    @property
    def duration(self) -> float:
        """Seconds from consent to the last event."""
        return (self.events[-1]["t_ms"] / 1000) if self.events else 0.0

    def automatic_scores(self) -> dict[str, Score]:
        """Scores from the tags as the tagger gave them."""
        return score_session(_with_tags(self.turns, automatic=True))

    def scores(self) -> dict[str, Score]:
        """Scores after reviewers' tag overrides (the same scoring function), before score overrides."""
        return score_session(self.turns)

    def score_overrides(self) -> dict[str, dict[str, Any]]:
        """The newest human score per dimension, with who and why."""
        latest: dict[str, dict[str, Any]] = {}
        for o in self.overrides:
            if o["action"] == "score":
                latest[o["dimension"]] = o
        return latest

    def replies(self) -> list[ReviewTurn]:
        return [t for t in self.turns if t.role == "candidate"]


def _with_tags(turns: list[ReviewTurn], automatic: bool) -> list[ReviewTurn]:
    if not automatic:
        return turns
    out = []
    for turn in turns:
        copy = ReviewTurn(**{**turn.__dict__})
        copy.tags = [Tag.of(t) for t in turn.auto_tags]
        out.append(copy)
    return out


def stored_source(store: Store, session: dict[str, Any], kind: str) -> Any:
    """The session's scenario or persona (`kind`) exactly as it ran — its stored text, not the file as it reads today.

    Raises KeyError if the text is not stored, LoadError if it no longer loads.
    """
    from .loader import parse_persona, parse_scenario
    from .yamlsource import LoadError, read_source

    # Not loader._load: that refuses a file with any error, and a scenario that ran must load again though the
    # checks have grown stricter since.
    text = store.snapshot(session.get(f"{kind}_hash") or "")
    if text is None:
        raise KeyError(f"the session's {kind} text is not stored")
    source, problems = read_source(f"<stored {kind}>", text)
    found, more = (parse_scenario if kind == "scenario" else parse_persona)(source) if source else (None, [])
    if found is None:
        raise LoadError(problems + more)
    return found


def load_transcript(store: Store, session_id: str) -> Transcript:
    """Rebuild a session from its events, tags, notes and overrides."""
    session = store.session(session_id)
    if session is None:
        raise KeyError(f"no session '{session_id}'")
    events = list(store.events(session_id))
    stored_tags: dict[int, list[dict]] = {}
    for tag in store.tags(session_id):
        stored_tags.setdefault(tag["turn"], []).append(tag)
    overrides = _carried_over(store, store.overrides(session_id), stored_tags)
    turns: list[ReviewTurn] = []
    moods: list[tuple[float, float]] = []
    states: list[tuple[float, str]] = []
    window_start = 0.0
    typing_until: float | None = None
    value = ""  # the reply box as the edits leave it
    first_key = None
    edits = deleted = pastes = 0
    for e in events:
        t = e["t_ms"] / 1000
        data = e["data"]
        kind = e["kind"]
        if kind == "customer_typing":
            typing_until = data.get("until")
        elif kind == "customer_message":
            turns.append(ReviewTurn(data.get("turn", len(turns)), "customer", data["text"], t, data.get("state", ""), data.get("nudge", False)))
            window_start = t
            typing_until = None
        elif kind == "edit" and not value and apply_edit(value, data) == "":
            pass  # the box emptied after a send (recorded, so replay rebuilds every value) is not typing
        elif kind in ("edit", "paste"):
            if first_key is None:
                first_key = t
            if kind == "edit":
                edits += 1
                deleted += data.get("remove", 0)
                value = apply_edit(value, data)
            else:
                pastes += 1
        elif kind == "send":
            interrupted = bool(data.get("interrupted")) or (typing_until is not None and t < typing_until)
            timing = Timing(
                first_key=None if first_key is None else round(first_key - window_start, 3),
                to_send=round(t - window_start, 3),
                typing=None if first_key is None else round(t - first_key, 3),
                edits=edits,
                deleted=deleted,
                pastes=pastes,
                interrupted=interrupted,
            )
            index = data.get("turn", len(turns))
            turns.append(ReviewTurn(index, "candidate", data["text"], t, data.get("state", ""), auto_tags=stored_tags.get(index, []), timing=timing))
            window_start = t
            first_key = None
            edits = deleted = pastes = 0
            value = ""  # the box empties on send, as Replay shows it
        elif kind == "mood":
            moods.append((t, data["value"]))
        elif kind == "state":
            states.append((t, data["to"]))
    _apply_tag_overrides(turns, overrides)
    return Transcript(session, turns, events, moods, states, store.notes(session_id), overrides, store.recommendations(session_id))


def _carried_over(store: Store, overrides: list[dict[str, Any]], stored: dict[int, list[dict]]) -> list[dict[str, Any]]:
    """Overrides of tags from before a retag apply to the same tag (turn, behaviour, words) in the new set."""
    current = {t["id"] for tags in stored.values() for t in tags}
    by_key = {(t["turn"], t["behaviour"], t["start"], t["end"]): t["id"] for tags in stored.values() for t in tags}
    out = []
    for o in overrides:
        if o["tag_id"] is not None and o["tag_id"] not in current:
            old = store.tag_row(o["tag_id"])
            if old is not None:
                o = {**o, "tag_id": by_key.get((old["turn"], old["behaviour"], old["start"], old["end"]))}
        out.append(o)
    return out


def _apply_tag_overrides(turns: list[ReviewTurn], overrides: list[dict[str, Any]]) -> None:
    """Effective tags: automatic ones less those removed or changed, plus those reviewers added."""
    by_index = {t.index: t for t in turns}
    changed: dict[int, dict[str, Any]] = {}
    for o in overrides:
        if o["action"] == "remove" and o["tag_id"] is not None:
            for turn in turns:
                turn.removed.add(o["tag_id"])
        elif o["action"] == "change" and o["tag_id"] is not None:
            changed[o["tag_id"]] = o
        elif o["action"] == "add" and o["turn"] in by_index:
            by_index[o["turn"]].human_tags.append(o)
    for turn in turns:
        tags = []
        for stored in turn.auto_tags:
            if stored["id"] in turn.removed:
                continue
            fields = Tag.of(stored)._asdict()
            if stored["id"] in changed:
                o = changed[stored["id"]]
                fields.update({k: o[k] for k in ("dimension", "polarity", "behaviour") if o[k] is not None})
                fields["rule"] = f"reviewer:{o['author']}"
            tags.append(Tag(**fields))
        for o in turn.human_tags:
            start, end = (o.get("start") or 0), (o.get("end") or 0)
            evidence = turn.text[start:end] if end > start else ""
            tags.append(Tag(o["dimension"], o["polarity"] or 1, o["behaviour"] or "reviewer", evidence, start, end, f"reviewer:{o['author']}"))
        turn.tags = tags


@dataclass(frozen=True)
class Frame:
    """What the replayed screen shows at one moment."""

    t: float
    messages: int  # how many turns are visible
    draft: str  # the candidate's input box at that moment
    customer_typing: bool


class Replay:
    """A session re-enacted on its own timeline: ask what was on screen at any second."""

    def __init__(self, transcript: Transcript):
        self.transcript = transcript
        self.times: list[float] = []
        self.frames: list[Frame] = []
        shown = 0
        draft = ""
        typing_until: float | None = None
        for e in transcript.events:
            t = e["t_ms"] / 1000
            kind, data = e["kind"], e["data"]
            if kind == "customer_typing":
                typing_until = data.get("until", t)
            elif kind == "customer_message":
                shown += 1
                typing_until = None
            elif kind == "edit":
                draft = apply_edit(draft, data)
            elif kind == "send":
                shown += 1
                draft = ""
            else:
                continue
            self.times.append(t)
            self.frames.append(Frame(t, shown, draft, typing_until is not None and typing_until > t))

    @property
    def end(self) -> float:
        return self.times[-1] if self.times else 0.0

    def at(self, t: float) -> Frame:
        """The screen at second `t` of the session."""
        i = bisect_right(self.times, t) - 1
        if i < 0:
            return Frame(t, 0, "", False)
        frame = self.frames[i]
        return Frame(t, frame.messages, frame.draft, frame.customer_typing)

    def turn_starts(self) -> list[float]:
        """When each turn appeared: the stops for next/previous turn."""
        return [turn.t for turn in self.transcript.turns]
