"""The SQLite store: sessions, their events and tags, reviewers' notes, overrides and the audit log."""

from __future__ import annotations

import hashlib
import json
import os
import sqlite3
from datetime import datetime, timezone
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable, Iterator

if TYPE_CHECKING:
    import sqlite_utils

DEFAULT_DB = Path("transcripts") / "rolesim.sqlite"


def default_db_path() -> Path:
    """`ROLESIM_DB`, else transcripts/rolesim.sqlite under the current directory."""
    return Path(os.environ.get("ROLESIM_DB") or DEFAULT_DB)


def connect(path: str | Path) -> "sqlite_utils.Database":
    """Open the database for this thread, in WAL mode with full fsync on commit."""
    import sqlite_utils  # here, not at the top: the candidate's first frame must not wait for it

    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    conn = sqlite3.connect(str(path), timeout=10)
    db = sqlite_utils.Database(conn)
    db.execute("PRAGMA journal_mode=WAL")
    db.execute("PRAGMA synchronous=FULL")  # a commit survives a power cut, not just a crash
    db.execute("PRAGMA foreign_keys=ON")
    return db


def _initial(db: "sqlite_utils.Database") -> None:
    db["candidates"].create({"id": int, "name": str, "created_at": str}, pk="id", not_null={"name"})
    db["snapshots"].create({"hash": str, "kind": str, "path": str, "text": str}, pk="hash")
    db["sessions"].create(
        {
            "id": str,
            "started_at": str,
            "candidate_id": int,
            "candidate": str,
            "scenario_id": str,
            "scenario_hash": str,
            "persona_id": str,
            "persona_hash": str,
            "language": str,
            "time_limit": float,
            "extra_time_pct": float,
            "seed": int,
            "tagger_version": str,
            "app_version": str,
            "source": str,  # live | scripted
            "outcome": str,  # null until the end event: reads as incomplete
            "ended_ms": int,
            "flagged": int,
            "flag_reason": str,
        },
        pk="id",
        foreign_keys=[("candidate_id", "candidates", "id")],
    )
    db["events"].create(
        {"id": int, "session_id": str, "conversation_id": int, "seq": int, "t_ms": int, "kind": str, "data": str},
        pk="id",
        foreign_keys=[("session_id", "sessions", "id")],
    )
    db["events"].create_index(["session_id", "seq"], unique=True)
    db["tags"].create(
        {
            "id": int,
            "session_id": str,
            "conversation_id": int,
            "turn": int,
            "event_seq": int,
            "dimension": str,
            "polarity": int,
            "behaviour": str,
            "evidence": str,
            "start": int,
            "end": int,
            "rule": str,
            "tagger_version": str,
        },
        pk="id",
        foreign_keys=[("session_id", "sessions", "id")],
    )
    db["tags"].create_index(["session_id", "turn"])
    db["scores"].create(
        {"session_id": str, "dimension": str, "score": int, "anchor": int, "descriptor": str, "evidence": str, "tagger_version": str},
        pk=("session_id", "dimension"),
        foreign_keys=[("session_id", "sessions", "id")],
    )
    db["notes"].create(
        {"id": int, "session_id": str, "turn": int, "author": str, "text": str, "created_at": str},
        pk="id",
        foreign_keys=[("session_id", "sessions", "id")],
    )
    db["overrides"].create(
        {
            "id": int,
            "session_id": str,
            "tag_id": int,  # null for an added tag or a score override
            "turn": int,
            "action": str,  # remove | add | change | score
            "dimension": str,
            "polarity": int,
            "behaviour": str,
            "score": int,
            "reason": str,
            "author": str,
            "created_at": str,
        },
        pk="id",
        foreign_keys=[("session_id", "sessions", "id")],
    )
    db["audit_log"].create(
        {"id": int, "at": str, "actor": str, "action": str, "session_id": str, "detail": str},
        pk="id",
    )
    db["sessions"].create_index(["started_at"])


# Named, ordered, never edited once shipped: a new schema change is a new entry.
MIGRATIONS: list[tuple[str, Callable[["sqlite_utils.Database"], None]]] = [
    ("0001_initial", _initial),
]


def migrate(db: "sqlite_utils.Database") -> list[str]:
    """Apply the migrations this database has not had yet; return their names."""
    if "migrations" not in db.table_names():
        db["migrations"].create({"name": str, "applied_at": str}, pk="name")
    done = {row["name"] for row in db["migrations"].rows}
    applied = []
    for name, step in MIGRATIONS:
        if name in done:
            continue
        with db.conn:
            step(db)
            db["migrations"].insert({"name": name, "applied_at": now_iso()})
        applied.append(name)
    return applied


def schema_version(db: "sqlite_utils.Database") -> str | None:
    """The name of the newest migration applied."""
    if "migrations" not in db.table_names():
        return None
    names = [row["name"] for row in db["migrations"].rows]
    return max(names) if names else None


def now_iso() -> str:
    """Wall-clock time, UTC, to the second."""
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


def text_hash(text: str) -> str:
    """The content hash a snapshot is stored under."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


class Store:
    """Read side of the database, plus small writes that are not part of a live session."""

    def __init__(self, path: str | Path):
        self.path = Path(path)
        self.db = connect(self.path)
        migrate(self.db)

    def close(self) -> None:
        self.db.conn.close()

    def session(self, session_id: str) -> dict[str, Any] | None:
        """One session row; `outcome` reads `incomplete` when it never ended."""
        rows = list(self.db.query("select * from sessions where id = ?", [session_id]))
        if not rows:
            return None
        row = rows[0]
        row["outcome"] = row["outcome"] or "incomplete"
        return row

    def sessions(self) -> list[dict[str, Any]]:
        """Every session, newest first."""
        rows = list(self.db.query("select * from sessions order by started_at desc, rowid desc"))
        for row in rows:
            row["outcome"] = row["outcome"] or "incomplete"
        return rows

    def events(self, session_id: str) -> Iterator[dict[str, Any]]:
        """A session's events in order, with `data` decoded."""
        for row in self.db.query("select * from events where session_id = ? order by seq", [session_id]):
            row["data"] = json.loads(row["data"])
            yield row

    def tags(self, session_id: str) -> list[dict[str, Any]]:
        """A session's stored automatic tags."""
        return list(self.db.query("select * from tags where session_id = ? order by turn, start, id", [session_id]))

    def scores(self, session_id: str) -> dict[str, dict[str, Any]]:
        """A session's stored scores by dimension."""
        out = {}
        for row in self.db.query("select * from scores where session_id = ?", [session_id]):
            row["evidence"] = json.loads(row["evidence"] or "[]")
            out[row["dimension"]] = row
        return out

    def snapshot(self, digest: str) -> str | None:
        """The stored text of a scenario or persona, by hash."""
        rows = list(self.db.query("select text from snapshots where hash = ?", [digest]))
        return rows[0]["text"] if rows else None
