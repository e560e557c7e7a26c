"""Review without a screen: the session list, per-turn timings, replay, overrides and the audit log."""

from __future__ import annotations

import pytest

from simulator.library import Library
from simulator.play import load_replies, play
from simulator.recorder import SessionRecorder
from simulator.session import LiveSession
from simulator.store import ReviewStore
from simulator.transcript import Replay, load_transcript

from .conftest import ROOT, SHIPPED


class Clock:
    def __init__(self):
        self.t = 500.0

    def __call__(self):
        return self.t


def live_session(mini, db, clock):
    """A real session with keystrokes: 'helo', backspace, 'lo', send — on a test clock."""
    scenario, persona = mini
    session = LiveSession(scenario, persona, db, seed=1, clock=clock)
    session.begin("Keystroke Kate")
    session.start_recording()
    clock.t += 1.0
    session.advance()  # the opening message arrives at 1.0 s
    value = ""
    for at, key in [(3.0, "h"), (3.5, "e"), (4.0, "l"), (4.5, "o"), (5.0, None), (5.5, "l"), (6.0, "o")]:
        clock.t = 500.0 + at
        value = value[:-1] if key is None else value + key
        session.edit(value)
    clock.t = 507.0
    session.send(value)
    session.edit("")
    clock.t = 540.0
    session.advance()
    session.abandon()
    session.close()
    return session.recorder.session_id


def scripted(db, scenario_id, kind, candidate):
    library = Library.load([SHIPPED / "scenarios", SHIPPED / "personas"])
    scenario = library.scenario(scenario_id)
    persona = library.persona_for(scenario)
    recorder = SessionRecorder(db, scenario, persona, candidate, source="scripted").start()
    play(scenario, persona, load_replies(ROOT / "tests" / "replies" / f"{scenario_id}.{kind}.yaml"), recorder=recorder)
    recorder.close()
    return recorder.session_id


@pytest.fixture
def db(tmp_path, mini):
    path = tmp_path / "review.sqlite"
    ids = {
        "good": scripted(path, "late-parcel", "good", "Anna Good"),
        "rude": scripted(path, "late-parcel", "rude", "Rob Rude"),
        "confused": scripted(path, "locked-out", "good", "Carl Care"),
        "live": live_session(mini, path, Clock()),
    }
    return path, ids


def test_the_list_filters_sorts_and_searches_what_candidates_wrote(db):
    path, ids = db
    store = ReviewStore(path)
    assert {r["id"] for r in store.list_sessions()} == set(ids.values())
    assert [r["candidate"] for r in store.list_sessions(scenario="late-parcel", sort="candidate", descending=False)] == ["Anna Good", "Rob Rude"]
    assert [r["id"] for r in store.list_sessions(outcome="resolved", candidate="carl")] == [ids["confused"]]
    rows = store.list_sessions(sort="score_empathy")
    assert rows[0]["score_empathy"] >= rows[-1]["score_empathy"]
    assert store.list_sessions(search="calm down") == [r for r in store.list_sessions() if r["id"] == ids["rude"]]
    assert store.list_sessions(search='"; drop table sessions; --') == []  # candidate text is never query syntax


def test_turn_timings_come_from_the_keystrokes(db):
    path, ids = db
    transcript = load_transcript(ReviewStore(path), ids["live"])
    reply = transcript.replies()[0]
    assert reply.text == "hello"
    assert (reply.timing.first_key, reply.timing.to_send, reply.timing.typing) == (2.0, 6.0, 4.0)
    assert (reply.timing.edits, reply.timing.deleted, reply.timing.pastes) == (7, 1, 0)
    assert transcript.session["outcome"] == "abandoned"


def test_replay_shows_the_half_typed_text_at_a_given_moment_including_a_deletion(db):
    path, ids = db
    replay = Replay(load_transcript(ReviewStore(path), ids["live"]))
    assert replay.at(0.5).messages == 0 and replay.at(0.5).customer_typing
    assert replay.at(1.2).messages == 1
    assert replay.at(4.7).draft == "helo"
    assert replay.at(5.2).draft == "hel"  # the backspace, replayed
    assert replay.at(6.2).draft == "hello"
    assert replay.at(7.1).messages == 2 and replay.at(7.1).draft == ""


def test_overrides_keep_the_automatic_tags_and_are_audited(db):
    path, ids = db
    store = ReviewStore(path)
    before = load_transcript(store, ids["rude"])
    rude_turn = next(t for t in before.replies() if any(tag["dimension"] == "patience" for tag in t.auto_tags))
    tag = next(tag for tag in rude_turn.auto_tags if tag["dimension"] == "patience")
    store.override(ids["rude"], "Ieva", "quoting the customer, not rude", "remove", tag_id=tag["id"])
    store.override(ids["rude"], "Ieva", "asked a fair question", "add", turn=rude_turn.index, dimension="problem_solving", polarity=1, behaviour="clarifying_question")
    store.override(ids["rude"], "Ieva", "calm overall", "score", dimension="patience", score=3)
    after = load_transcript(store, ids["rude"])
    turn = next(t for t in after.replies() if t.index == rude_turn.index)
    assert tag["id"] in {t["id"] for t in turn.auto_tags}  # stored automatic tags untouched
    assert (tag["behaviour"], tag["start"]) not in {(t.behaviour, t.start) for t in turn.tags}  # gone from the effective tags
    assert any(t.rule == "reviewer:Ieva" for t in turn.tags)
    assert after.automatic_scores()["patience"].score == before.automatic_scores()["patience"].score
    assert after.score_overrides()["patience"]["score"] == 3
    actions = [row["action"] for row in store.audit_log(ids["rude"])]
    assert actions == ["override.remove", "override.add", "override.score"]
    with pytest.raises(ValueError):
        store.override(ids["rude"], "Ieva", "  ", "remove", tag_id=tag["id"])


def test_notes_and_recommendation_are_stored_with_who_and_when(db):
    path, ids = db
    store = ReviewStore(path)
    assert not store.has_reviewed(ids["good"], "Ieva")
    store.add_note(ids["good"], "Ieva", "Strong opening.", turn=1)
    store.recommend(ids["good"], "Ieva", "advance", "calm and concrete")
    transcript = load_transcript(store, ids["good"])
    assert transcript.notes[0]["text"] == "Strong opening." and transcript.notes[0]["author"] == "Ieva"
    assert transcript.recommendations[0]["recommendation"] == "advance"
    assert store.has_reviewed(ids["good"], "Ieva")
    assert [r["action"] for r in store.audit_log(ids["good"])] == ["note", "recommendation"]
    assert all(r["at"] for r in store.audit_log())


def test_scores_come_from_the_one_scoring_function(db):
    path, ids = db
    store = ReviewStore(path)
    transcript = load_transcript(store, ids["good"])
    stored = {d: s["score"] for d, s in store.scores(ids["good"]).items()}
    assert {d: s.score for d, s in transcript.automatic_scores().items()} == stored


def test_the_session_list_never_reads_the_events_table(db):
    import sqlite3

    path, _ = db
    store = ReviewStore(path)
    tables_read = set()

    def authorizer(action, table, column, database, trigger):
        if action == sqlite3.SQLITE_READ:
            tables_read.add(table)
        return sqlite3.SQLITE_OK

    store.db.conn.set_authorizer(authorizer)
    store.list_sessions(search="sorry", candidate="a", outcome="resolved", sort="score_empathy", limit=200)
    store.list_sessions(count=True, scenario="late-parcel")
    assert "sessions" in tables_read
    assert "events" not in tables_read


def test_a_large_database_lists_a_page_and_counts_all(tmp_path):
    from benchmarks.review_db import build

    store = ReviewStore(build(tmp_path / "big.sqlite", sessions=1200, keystroke_sample=5))
    assert store.list_sessions(count=True) == 1200
    page = store.list_sessions(limit=200, sort="candidate", descending=False)
    assert len(page) == 200 and page[0]["candidate"] == "Candidate 00000"
    assert store.list_sessions(count=True, outcome="resolved") == 300


def type_reply(session, clock, text, per_key=0.1, before_send=0.0):
    """Type `text` letter by letter on the test clock, send it, and let the app empty the box."""
    value = ""
    for ch in text:
        clock.t += per_key
        value += ch
        session.edit(value)
    clock.t += before_send
    session.send(value)
    session.edit("")


def test_the_next_replys_timing_starts_from_the_customer_not_from_the_box_being_emptied(mini, tmp_path):
    scenario, persona = mini
    clock = Clock()
    session = LiveSession(scenario, persona, tmp_path / "t.sqlite", seed=1, clock=clock)
    session.begin("Two Replies")
    session.start_recording()
    clock.t += 1.0
    session.advance()  # the opening message at 1.0 s
    for text, start in (("I'm so sorry.", 3.0), ("Could you confirm the order?", 40.0)):
        clock.t = 500.0 + start
        session.advance()
        type_reply(session, clock, text)
        clock.t += 1.0
        session.advance()
    session.abandon()
    session.close()
    transcript = load_transcript(ReviewStore(tmp_path / "t.sqlite"), session.recorder.session_id)
    second = transcript.replies()[1].timing
    assert second.first_key is not None and second.first_key >= 0
    assert (second.edits, second.deleted) == (len("Could you confirm the order?"), 0)
