"""Storage on real SQLite files: schema, round trip, crash safety and the disk-full fallback."""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import textwrap
import time

from simulator.play import ScriptedReply, play
from simulator.recorder import SessionRecorder
from simulator.store import MIGRATIONS, Store, connect, migrate, schema_version

from .conftest import FIXTURES, ROOT

TABLES = {"migrations", "candidates", "snapshots", "sessions", "events", "tags", "scores", "notes", "overrides", "audit_log"}


def test_a_new_database_has_every_table_and_the_newest_schema_version(tmp_path):
    store = Store(tmp_path / "db.sqlite")
    assert TABLES <= set(store.db.table_names())
    assert schema_version(store.db) == MIGRATIONS[-1][0]
    assert store.db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"


def test_migrations_apply_once_and_reopening_changes_nothing(tmp_path):
    path = tmp_path / "db.sqlite"
    db = connect(path)
    assert migrate(db) == [name for name, _ in MIGRATIONS]
    db.conn.close()
    db = connect(path)
    assert migrate(db) == []


def test_each_migration_applies_on_a_database_made_by_the_one_before(tmp_path):
    for i, (name, _) in enumerate(MIGRATIONS):
        db = connect(tmp_path / f"v{i}.sqlite")
        db["migrations"].create({"name": str, "applied_at": str}, pk="name")
        for earlier_name, step in MIGRATIONS[:i]:
            step(db)
            db["migrations"].insert({"name": earlier_name, "applied_at": "x"})
        assert migrate(db) == [n for n, _ in MIGRATIONS[i:]]


def test_a_scripted_session_round_trips_through_the_database(tmp_path, mini):
    scenario, persona = mini
    path = tmp_path / "db.sqlite"
    recorder = SessionRecorder(path, scenario, persona, "Līga Ozola", seed=7, source="scripted", tagger_version="t1", extra_time_pct=25).start()
    result = play(scenario, persona, [ScriptedReply("I'm so sorry, Ada."), ScriptedReply("I will refund you today.")], seed=7, recorder=recorder)
    recorder.close()
    store = Store(path)
    session = store.session(recorder.session_id)
    assert session["candidate"] == "Līga Ozola"
    assert session["outcome"] == result.conversation.outcome == "resolved"
    assert session["seed"] == 7 and session["source"] == "scripted" and session["extra_time_pct"] == 25
    assert store.snapshot(session["scenario_hash"]) == scenario.text
    assert store.snapshot(session["persona_hash"]) == persona.text
    kinds = [e["kind"] for e in store.events(recorder.session_id)]
    assert kinds[0] == "state" and kinds[-1] == "end"
    assert kinds.count("edit") == kinds.count("send") == 2
    tags = store.tags(recorder.session_id)
    assert {t["behaviour"] for t in tags} >= {"apologise", "use_name"}
    assert all(t["tagger_version"] == "t1" for t in tags)
    scores = store.scores(recorder.session_id)
    assert scores["empathy"]["score"] == result.scores["empathy"].score
    assert scores["empathy"]["evidence"]


def test_a_session_without_an_end_event_reads_as_incomplete(tmp_path, mini):
    scenario, persona = mini
    recorder = SessionRecorder(tmp_path / "db.sqlite", scenario, persona, "A").start()
    recorder.record("consent", 0, {"notice_version": "1"})
    recorder.close()
    assert Store(tmp_path / "db.sqlite").session(recorder.session_id)["outcome"] == "incomplete"


CHILD = textwrap.dedent(
    """
    import sys, time
    from simulator.loader import load_scenario, load_persona
    from simulator.recorder import SessionRecorder
    scenario = load_scenario(sys.argv[2]); persona = load_persona(sys.argv[3])
    recorder = SessionRecorder(sys.argv[1], scenario, persona, "crash").start()
    recorder.flush()
    start = time.monotonic()
    while True:
        seq = recorder.record("edit", int((time.monotonic() - start) * 1000), {"at": 0, "remove": 0, "insert": "x"})
        print(seq, flush=True)
        time.sleep(0.01)
    """
)


def test_events_queued_a_quarter_second_before_sigkill_survive(tmp_path):
    db = tmp_path / "db.sqlite"
    proc = subprocess.Popen(
        [sys.executable, "-c", CHILD, str(db), str(FIXTURES / "scenarios" / "mini.yaml"), str(FIXTURES / "personas" / "test-persona.yaml")],
        stdout=subprocess.PIPE,
        text=True,
        cwd=ROOT,
    )
    seen: list[tuple[float, int]] = []
    started = time.monotonic()
    while time.monotonic() - started < 1.5:
        line = proc.stdout.readline()
        if not line:
            break
        seen.append((time.monotonic(), int(line)))
    os.kill(proc.pid, signal.SIGKILL)
    killed = time.monotonic()
    proc.wait()
    must_have = {seq for at, seq in seen if at <= killed - 0.25}
    assert len(must_have) > 20
    stored = {row[0] for row in sqlite3.connect(db).execute("select seq from events")}
    assert must_have <= stored


def test_sigterm_flushes_before_the_process_goes(tmp_path):
    child = CHILD.replace("recorder.flush()", "from simulator.recorder import flush_on_signals; flush_on_signals(recorder); recorder.flush()")
    db = tmp_path / "db.sqlite"
    proc = subprocess.Popen([sys.executable, "-c", child, str(db), str(FIXTURES / "scenarios" / "mini.yaml"), str(FIXTURES / "personas" / "test-persona.yaml")], stdout=subprocess.PIPE, text=True, cwd=ROOT)
    seqs = [int(proc.stdout.readline()) for _ in range(30)]
    proc.send_signal(signal.SIGTERM)
    rest = proc.stdout.read().split()
    proc.wait()
    last = int(rest[-1]) if rest else seqs[-1]
    stored = {row[0] for row in sqlite3.connect(db).execute("select seq from events")}
    assert set(range(1, last + 1)) <= stored


def test_a_full_disk_sends_events_to_the_fallback_file_and_says_so(tmp_path, mini):
    scenario, persona = mini
    path = tmp_path / "db.sqlite"
    Store(path).close()

    def full_disk(db):
        # Cap the file just above its size: growth then fails as SQLITE_FULL, as on a full disk.
        pages = db.execute("PRAGMA page_count").fetchone()[0]
        db.execute(f"PRAGMA max_page_count = {pages + 2}")

    recorder = SessionRecorder(path, scenario, persona, "A", on_connect=full_disk).start()
    for i in range(400):
        recorder.record("edit", i, {"insert": "x" * 500})
    recorder.close()
    assert recorder.degraded and "fallback" in recorder.degraded
    lines = recorder.fallback_path.read_text().splitlines()
    assert len(lines) > 1  # a header with the session, then the events that did not fit


def test_0002_upgrades_a_version_1_database_with_sessions_in_it(tmp_path, mini):
    """A database written before review existed: its replies become searchable, its scores listable."""
    from simulator import store as store_module

    scenario, persona = mini
    path = tmp_path / "old.sqlite"
    db = connect(path)
    db["migrations"].create({"name": str, "applied_at": str}, pk="name")
    store_module._initial(db)
    db["migrations"].insert({"name": "0001_initial", "applied_at": "x"})
    db["sessions"].insert({"id": "s1", "candidate": "Jānis", "scenario_id": "mini", "started_at": "2026-01-01T00:00:00+00:00"})
    db["events"].insert_all([
        {"session_id": "s1", "conversation_id": 1, "seq": 1, "t_ms": 5000, "kind": "send", "data": json.dumps({"turn": 1, "text": "Atvainojos, Jāni, I will refund you"})},
    ])
    db["scores"].insert({"session_id": "s1", "dimension": "empathy", "score": 4})
    db.conn.commit()
    assert migrate(db) == ["0002_review"]
    assert [r["turn"] for r in db["replies"].search("refund")] == [1]
    assert [r["turn"] for r in db["replies"].search("atvainojos")] == [1]
    assert next(db.query("select score_empathy from sessions where id = 's1'"))["score_empathy"] == 4
