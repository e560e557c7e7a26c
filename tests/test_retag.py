"""Re-tagging old sessions is explicit, versioned, deterministic and keeps what reviewers did."""

from __future__ import annotations

import json

from simulator.cli import main
from simulator.store import ReviewStore
from simulator.tagger import tagger_version
from simulator.transcript import load_transcript

from .test_review_core import scripted

OLD = "0.1.0+en.3"


def make_old(path, session_id):
    """Turn a fresh session into one recorded by an older tagger: an older version, no context tags."""
    store = ReviewStore(path)
    with store.db.conn:
        store.db.execute("update sessions set tagger_version = ? where id = ?", [OLD, session_id])
        store.db.execute("update tags set tagger_version = ? where session_id = ?", [OLD, session_id])
        store.db.execute("delete from tags where session_id = ? and rule like 'context/%'", [session_id])
    return store


def test_retag_adds_a_new_versioned_set_keeps_the_old_and_carries_overrides_over(tmp_path, capsys):
    path = tmp_path / "old.sqlite"
    session_id = scripted(path, "late-parcel", "rude", "Rob Rude")
    store = make_old(path, session_id)
    old_tags = store.tags(session_id)
    assert not any(t["rule"].startswith("context/") for t in old_tags)
    calm = next(t for t in old_tags if t["behaviour"] == "calm_down")
    store.override(session_id, "ieva", "kindly meant", "remove", tag_id=calm["id"])
    store.close()

    assert main(["retag", session_id[:8], "--db", str(path)]) == 0
    out = capsys.readouterr().out
    assert f"{OLD} -> {tagger_version('en')}" in out
    assert "1 of 1 session re-tagged" in out  # "1 session", not "1 sessions"

    store = ReviewStore(path)
    assert store.session(session_id)["tagger_version"] == tagger_version("en")
    new_tags = store.tags(session_id)
    assert {t["tagger_version"] for t in new_tags} == {tagger_version("en")}
    assert any(t["rule"].startswith("context/") for t in new_tags)
    kept = store.db.execute("select count(*) from tags where session_id = ? and tagger_version = ?", [session_id, OLD]).fetchone()[0]
    assert kept == len(old_tags)  # history is kept
    transcript = load_transcript(store, session_id)
    assert not any(t.behaviour == "calm_down" for turn in transcript.replies() for t in turn.tags)  # the removal still holds
    assert store.scores(session_id)["adaptability"]["tagger_version"] == tagger_version("en")
    assert any(a["action"] == "retag" for a in store.audit_log(session_id))
    # New rows point at the same send events as the recorder's did.
    sends = {e["seq"]: e["conversation_id"] for e in store.events(session_id) if e["kind"] == "send"}
    rows = store.db.execute("select conversation_id, event_seq from tags where session_id = ? and tagger_version = ?", [session_id, tagger_version("en")]).fetchall()
    assert rows and all(sends.get(seq) == conversation for conversation, seq in rows)


def test_retag_is_deterministic_and_skips_current_sessions_unless_forced(tmp_path, capsys):
    path = tmp_path / "cur.sqlite"
    session_id = scripted(path, "locked-out", "good", "Carl Care")
    before = [(t["turn"], t["behaviour"], t["start"], t["end"], t["rule"]) for t in ReviewStore(path).tags(session_id)]
    assert main(["retag", "--all", "--db", str(path), "--format", "json"]) == 0
    assert json.loads(capsys.readouterr().out)[0]["retagged"] is False
    assert main(["retag", session_id, "--force", "--db", str(path), "--format", "json"]) == 0
    result = json.loads(capsys.readouterr().out)[0]
    assert result["retagged"] is True and result["changed_replies"] == 0  # same replies, same tagger: same tags
    after = [(t["turn"], t["behaviour"], t["start"], t["end"], t["rule"]) for t in ReviewStore(path).tags(session_id)]
    assert after == before


def test_retag_with_nothing_named_is_a_clear_error(tmp_path, capsys):
    path = tmp_path / "e.sqlite"
    scripted(path, "locked-out", "good", "Carl Care")
    assert main(["retag", "--db", str(path)]) == 1
    assert "--all" in capsys.readouterr().err


def test_a_forced_retag_keeps_a_reviewers_removal_and_a_failure_exits_1(tmp_path, capsys):
    path = tmp_path / "f.sqlite"
    first = scripted(path, "late-parcel", "rude", "Rob Rude")
    scripted(path, "late-parcel", "good", "Anna Good")
    store = ReviewStore(path)
    calm = next(t for t in store.tags(first) if t["behaviour"] == "calm_down")
    store.override(first, "ieva", "kindly meant", "remove", tag_id=calm["id"])
    store.close()
    assert main(["retag", first, "--force", "--db", str(path)]) == 0
    transcript = load_transcript(ReviewStore(path), first)
    assert not any(t.behaviour == "calm_down" for turn in transcript.replies() for t in turn.tags)
    store = ReviewStore(path)
    with store.db.conn:
        store.db.execute("delete from snapshots")  # the scenario text is gone: that session cannot be re-tagged
    assert main(["retag", "--all", "--force", "--db", str(path)]) == 1
    assert "not re-tagged" in capsys.readouterr().err
