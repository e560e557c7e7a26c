"""The one writer: a thread that commits a session's events in batches so the UI never waits on disk."""

from __future__ import annotations

import json
import os
import queue
import signal
import sqlite3
import threading
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable

from . import __version__
from .model import Persona, Scenario
from .store import connect, migrate, now_iso, tag_rows, text_hash, write_scores

COMMIT_EVERY = 0.1  # seconds the writer gathers a batch; PRODUCT.md allows at most 0.25


@dataclass
class _Flush:
    done: threading.Event = field(default_factory=threading.Event)


_STOP = object()


def _tagger_version(language: str) -> str:
    from .tagger import tagger_version  # reads the cue file's version only; builds no tagger

    return tagger_version(language)


class SessionRecorder:
    """Records one session: `record()` is instant; a writer thread commits what was queued."""

    def __init__(
        self,
        db_path: str | Path,
        scenario: Scenario,
        persona: Persona,
        candidate: str,
        *,
        seed: int = 0,
        extra_time_pct: float = 0.0,
        source: str = "live",
        tagger_version: str | None = None,
        session_id: str | None = None,
        on_connect: Callable[[Any], None] | None = None,
    ):
        self.db_path = Path(db_path)
        self._on_connect = on_connect  # runs on the writer's own connection (pragmas, test limits)
        self.session_id = session_id or str(uuid.uuid4())
        self.fallback_path = self.db_path.with_name(self.db_path.name + ".fallback.jsonl")
        self.degraded: str | None = None  # set when the disk failed and events go to the fallback file
        self._seq = 0
        self._lock = threading.Lock()
        self._queue: queue.Queue = queue.Queue()
        self._session = {
            "id": self.session_id,
            "started_at": now_iso(),
            "candidate": candidate,
            "scenario_id": scenario.id,
            "scenario_hash": text_hash(scenario.text),
            "persona_id": persona.id,
            "persona_hash": text_hash(persona.text),
            "language": scenario.language,
            "time_limit": scenario.time_limit,
            "extra_time_pct": extra_time_pct,
            "seed": seed,
            "tagger_version": tagger_version if tagger_version is not None else _tagger_version(scenario.language),
            "app_version": __version__,
            "source": source,
            "flagged": 0,
        }
        self._snapshots = [
            {"hash": text_hash(scenario.text), "kind": "scenario", "path": scenario.path, "text": scenario.text},
            {"hash": text_hash(persona.text), "kind": "persona", "path": persona.path, "text": persona.text},
        ]
        self._thread = threading.Thread(target=self._run, name="rolesim-writer", daemon=True)
        self._started = False
        self._closed = False

    # The caller's side -------------------------------------------------------------------------

    def start(self) -> "SessionRecorder":
        """Start the writer thread (it opens its own connection: sqlite connections are per thread)."""
        if not self._started:
            self._started = True
            self._thread.start()
        return self

    def record(self, kind: str, t_ms: int, data: dict[str, Any] | None = None, conversation: int = 1) -> int:
        """Queue one event; return its sequence number in the session."""
        with self._lock:
            self._seq += 1
            seq = self._seq
        self._queue.put({"session_id": self.session_id, "conversation_id": conversation, "seq": seq, "t_ms": int(t_ms), "kind": kind, "data": data or {}})
        return seq

    def record_events(self, events) -> None:
        """Queue the engine's events (times in seconds; the conversation id travels in their data)."""
        for event in events:
            data = dict(event.data)
            self.record(event.kind, round(event.t * 1000), data, data.pop("conversation", 1))

    def save_scores(self, scores: dict[str, Any]) -> None:
        """Queue the session's scores (from scoring.score_session) for storage."""
        self._queue.put(("scores", scores))

    def flush(self, timeout: float = 5.0) -> bool:
        """Block until everything queued so far is committed (or written to the fallback file)."""
        if not self._started or not self._thread.is_alive():
            return False
        request = _Flush()
        self._queue.put(request)
        return request.done.wait(timeout)

    def close(self, timeout: float = 5.0) -> None:
        """Flush and stop the writer."""
        if self._closed:
            return
        self._closed = True
        if self._started and self._thread.is_alive():
            self._queue.put(_STOP)
            self._thread.join(timeout)

    # The writer thread -------------------------------------------------------------------------

    def _run(self) -> None:
        db = None
        try:
            db = connect(self.db_path)
            migrate(db)
            if self._on_connect:
                self._on_connect(db)
            with db.conn:
                db["snapshots"].insert_all(self._snapshots, ignore=True)
                candidate_id = db["candidates"].insert({"name": self._session["candidate"], "created_at": now_iso()}).last_pk
                db["sessions"].insert({**self._session, "candidate_id": candidate_id})
        except (sqlite3.Error, OSError) as exc:
            self._degrade(exc)
        stop = False
        while not stop:
            batch = [self._queue.get()]
            deadline = time.monotonic() + COMMIT_EVERY
            # Gather what arrives within one short window into a single commit; a flush or stop cuts it short.
            while not isinstance(batch[-1], _Flush) and batch[-1] is not _STOP:
                remaining = deadline - time.monotonic()
                try:
                    batch.append(self._queue.get(timeout=remaining) if remaining > 0 else self._queue.get_nowait())
                except queue.Empty:
                    break
            flushes = [item for item in batch if isinstance(item, _Flush)]
            stop = any(item is _STOP for item in batch)
            work = [item for item in batch if not isinstance(item, _Flush) and item is not _STOP]
            if work:
                self._write(db, work)
            for request in flushes:
                request.done.set()
        if db is not None:
            db.conn.close()

    def _write(self, db, work: list) -> None:
        events = [item for item in work if isinstance(item, dict)]
        scores = [item[1] for item in work if isinstance(item, tuple)]
        if self.degraded is None and db is not None:
            try:
                with db.conn:
                    self._write_db(db, events, scores)
                return
            except sqlite3.Error as exc:
                self._degrade(exc)
                try:
                    db.execute("update sessions set flagged = 1, flag_reason = ? where id = ?", ["disk: " + str(exc), self.session_id])
                    db.conn.commit()
                except sqlite3.Error:
                    pass  # the fallback file carries the flag too
        self._write_fallback(events, scores)

    def _write_db(self, db, events: list[dict], scores: list[dict]) -> None:
        rows = [{**e, "data": json.dumps(e["data"], ensure_ascii=False)} for e in events]
        db["events"].insert_all(rows)
        tags = []
        replies = []
        version = self._session["tagger_version"]
        for e in events:
            if e["kind"] == "send":
                replies.append({"session_id": self.session_id, "turn": e["data"]["turn"], "t_ms": e["t_ms"], "text": e["data"]["text"]})
                tags += tag_rows(self.session_id, e, e["data"].get("tags", []), version)
            elif e["kind"] == "end":
                db["sessions"].update(self.session_id, {"outcome": e["data"]["outcome"], "ended_ms": e["t_ms"]})
        if tags:
            db["tags"].insert_all(tags)
        if replies:
            db["replies"].insert_all(replies)
        for batch in scores:
            write_scores(db, self.session_id, batch, version)

    def _degrade(self, exc: Exception) -> None:
        if self.degraded is None:
            self.degraded = f"Cannot write to {self.db_path} ({exc}); recording to {self.fallback_path} instead."

    def _write_fallback(self, events: list[dict], scores: list[dict]) -> None:
        lines = [json.dumps({"session": self._session, "flagged": self.degraded}, ensure_ascii=False)] if not self.fallback_path.exists() or os.path.getsize(self.fallback_path) == 0 else []
        lines += [json.dumps(e, ensure_ascii=False) for e in events]
        lines += [json.dumps({"session_id": self.session_id, "scores": s}, ensure_ascii=False) for s in scores]
        try:
            with open(self.fallback_path, "a", encoding="utf-8") as fh:
                fh.write("".join(line + "\n" for line in lines))
                fh.flush()
                os.fsync(fh.fileno())
        except OSError:
            pass  # nowhere left to write; the screen already tells the invigilator


def flush_on_signals(recorder: SessionRecorder) -> None:
    """On SIGTERM or SIGHUP, commit what is queued before the process goes."""

    def handler(signum, frame):
        recorder.flush(timeout=2.0)
        signal.signal(signum, signal.SIG_DFL)
        os.kill(os.getpid(), signum)

    for sig in (signal.SIGTERM, signal.SIGHUP):
        signal.signal(sig, handler)
