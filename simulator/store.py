"""The SQLite store: sessions, their events and tags, reviewers' notes, overrides and the audit log."""

from __future__ import annotations

import hashlib
import json
import os
import sqlite3
from datetime import datetime, timezone
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable, Iterable, Iterator

from .text import fold

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
    conn.create_function("fold", 1, lambda text: fold(text or ""), deterministic=True)
    return db


def _like(text: str) -> str:
    """A LIKE pattern that matches the text literally."""
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


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


CORE_SCORE_COLUMNS = {"patience": "score_patience", "empathy": "score_empathy", "problem_solving": "score_problem_solving"}


def write_scores(db: "sqlite_utils.Database", session_id: str, scores: dict[str, dict[str, Any]], version: str) -> None:
    """A session's scores (Score.to_dict() by dimension) into `scores`, and the core ones onto its `sessions` row."""
    db["sessions"].update(session_id, {column: scores[dim]["score"] for dim, column in CORE_SCORE_COLUMNS.items() if dim in scores})
    db["scores"].upsert_all(
        [
            {"session_id": session_id, "dimension": dim, "score": s["score"], "anchor": s["anchor"], "descriptor": s["descriptor"], "evidence": json.dumps(s["evidence"], ensure_ascii=False), "tagger_version": version}
            for dim, s in scores.items()
        ],
        pk=("session_id", "dimension"),
    )


def tag_rows(session_id: str, send: dict[str, Any], tags: Iterable[dict[str, Any]], version: str) -> list[dict[str, Any]]:
    """The `tags` rows of one reply, from its stored `send` event (turn, sequence, conversation)."""
    turn = send["data"]["turn"]
    return [{"session_id": session_id, "conversation_id": send["conversation_id"], "turn": turn, "event_seq": send["seq"], **tag, "tagger_version": version} for tag in tags]


def _review(db: "sqlite_utils.Database") -> None:
    """What review needs fast: replies searchable with FTS5, core scores on the session row, a recommendation."""
    db["replies"].create(
        {"id": int, "session_id": str, "turn": int, "t_ms": int, "text": str},
        pk="id",
        foreign_keys=[("session_id", "sessions", "id")],
    )
    db["replies"].create_index(["session_id", "turn"], unique=True)
    db.execute(
        "insert into replies (session_id, turn, t_ms, text) "
        "select session_id, json_extract(data, '$.turn'), t_ms, json_extract(data, '$.text') from events where kind = 'send'"
    )
    # remove_diacritics: a reviewer typing "Janis" finds "Jānis".
    db["replies"].enable_fts(["text"], create_triggers=True, tokenize="unicode61 remove_diacritics 2")
    db["replies"].populate_fts(["text"])
    for column in CORE_SCORE_COLUMNS.values():
        db["sessions"].add_column(column, int)
    for dimension, column in CORE_SCORE_COLUMNS.items():
        db.execute(f"update sessions set {column} = (select score from scores where scores.session_id = sessions.id and dimension = ?)", [dimension])
    db["sessions"].create_index(["candidate"])
    db["sessions"].create_index(["scenario_id"])
    db["sessions"].create_index(["outcome"])
    db["recommendations"].create(
        {"session_id": str, "reviewer": str, "recommendation": str, "reason": str, "updated_at": str},
        pk=("session_id", "reviewer"),
        foreign_keys=[("session_id", "sessions", "id")],
    )


# Named, ordered, never edited once shipped: a new schema change is a new entry.
MIGRATIONS: list[tuple[str, Callable[["sqlite_utils.Database"], None]]] = [
    ("0001_initial", _initial),
    ("0002_review", _review),
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

    def events(self, session_id: str) -> Iterator[dict[str, Any]]:
        """A session's events in order, with `data` decoded."""
        for row in self.db.query("select * from events where session_id = ? order by seq", [session_id]):
            row["data"] = json.loads(row["data"])
            yield row

    def tags(self, session_id: str) -> list[dict[str, Any]]:
        """A session's stored automatic tags."""
        # The tags of the session's current tagger version: `rolesim retag` adds a new set and keeps the old.
        return list(self.db.query(
            "select tags.* from tags join sessions on sessions.id = tags.session_id "
            "where session_id = ? and coalesce(tags.tagger_version, '') = coalesce(sessions.tagger_version, '') order by turn, start, tags.id",
            [session_id],
        ))

    def tag_row(self, tag_id: int) -> dict[str, Any] | None:
        """One stored tag by id, of any version (an override may name a tag from before a retag)."""
        rows = list(self.db.query("select * from tags where id = ?", [tag_id]))
        return rows[0] if rows else None

    def scores(self, session_id: str) -> dict[str, dict[str, Any]]:
        """A session's stored scores by dimension."""
        out = {}
        for row in self.db.query("select * from scores where session_id = ?", [session_id]):
            row["evidence"] = json.loads(row["evidence"] or "[]")
            out[row["dimension"]] = row
        return out

    def overrides(self, session_id: str) -> list[dict[str, Any]]:
        """Reviewers' overrides of one session, oldest first."""
        return list(self.db.query("select * from overrides where session_id = ? order by id", [session_id]))

    def recommendations(self, session_id: str) -> list[dict[str, Any]]:
        if "recommendations" not in self.db.table_names():
            return []
        return list(self.db.query("select * from recommendations where session_id = ? order by updated_at", [session_id]))

    def notes(self, session_id: str) -> list[dict[str, Any]]:
        return list(self.db.query("select * from notes where session_id = ? order by id", [session_id]))

    def snapshot(self, digest: str) -> str | None:
        """The stored text of a scenario or persona, by hash."""
        rows = list(self.db.query("select text from snapshots where hash = ?", [digest]))
        return rows[0]["text"] if rows else None


SORTABLE = ("started_at", "candidate", "scenario_id", "outcome", "ended_ms", "score_patience", "score_empathy", "score_problem_solving")


class ReviewStore(Store):
    """The interviewer's side: list and search sessions, and write notes, overrides and recommendations."""

    def list_sessions(
        self,
        *,
        candidate: str | None = None,
        scenario: str | None = None,
        outcome: str | None = None,
        since: str | None = None,
        until: str | None = None,
        search: str | None = None,
        sort: str = "started_at",
        descending: bool = True,
        limit: int | None = None,
        count: bool = False,
    ) -> list[dict[str, Any]] | int:
        """Sessions with their core scores (or with count=True, how many match); filters combine.

        Reads sessions (and replies for search), never events.
        """
        if sort not in SORTABLE:
            raise ValueError(f"cannot sort by {sort!r}; choose from {', '.join(SORTABLE)}")
        where, args = [], []
        if candidate:
            # SQLite's LIKE folds ASCII only: "šimkūnaitė" must find "Šimkūnaitė", and "simkunaite" too.
            where.append("fold(candidate) like ? escape '\\'")
            args.append("%" + _like(fold(candidate)) + "%")
        if scenario:
            where.append("scenario_id = ?")
            args.append(scenario)
        if outcome == "incomplete":
            where.append("outcome is null")
        elif outcome:
            where.append("outcome = ?")
            args.append(outcome)
        if since:
            where.append("started_at >= ?")
            args.append(since)
        if until:
            where.append("started_at < ?")
            args.append(until)
        if search:
            # Quoted as one phrase per word: what a candidate wrote is never FTS syntax.
            query = " ".join('"' + word.replace('"', '""') + '"' for word in search.split())
            where.append("id in (select session_id from replies where rowid in (select rowid from replies_fts where replies_fts match ?))")
            args.append(query)
        if count:
            return self.db.execute("select count(*) from sessions" + (" where " + " and ".join(where) if where else ""), args).fetchone()[0]
        sql = (
            "select id, started_at, candidate, scenario_id, language, source, coalesce(outcome, 'incomplete') as outcome, "
            "ended_ms, extra_time_pct, flagged, score_patience, score_empathy, score_problem_solving from sessions"
            + (" where " + " and ".join(where) if where else "")
            + f" order by {sort} {'desc' if descending else 'asc'}, rowid {'desc' if descending else 'asc'}"
            + (f" limit {int(limit)}" if limit else "")
        )
        return list(self.db.query(sql, args))

    def audit(self, actor: str, action: str, session_id: str | None, detail: dict[str, Any]) -> None:
        """One line in the audit log: who did what, when."""
        self.db["audit_log"].insert({"at": now_iso(), "actor": actor, "action": action, "session_id": session_id, "detail": json.dumps(detail, ensure_ascii=False)})

    def add_note(self, session_id: str, author: str, text: str, turn: int | None = None) -> int:
        """A reviewer's note on the session or one turn."""
        with self.db.conn:
            note_id = self.db["notes"].insert({"session_id": session_id, "turn": turn, "author": author, "text": text, "created_at": now_iso()}).last_pk
            self.audit(author, "note", session_id, {"note_id": note_id, "turn": turn, "text": text})
        return note_id

    def override(self, session_id: str, author: str, reason: str, action: str, **fields: Any) -> int:
        """Remove, add or change a tag, or set a score; the automatic value is never touched."""
        if action not in ("remove", "add", "change", "score"):
            raise ValueError(f"unknown override action {action!r}")
        if not reason.strip():
            raise ValueError("an override needs a reason")
        row = {"session_id": session_id, "action": action, "reason": reason, "author": author, "created_at": now_iso()}
        row.update({k: fields.get(k) for k in ("tag_id", "turn", "dimension", "polarity", "behaviour", "score")})
        with self.db.conn:
            override_id = self.db["overrides"].insert(row).last_pk
            self.audit(author, f"override.{action}", session_id, {"override_id": override_id, **{k: v for k, v in row.items() if v is not None and k not in ("session_id", "author", "created_at")}})
        return override_id

    def recommend(self, session_id: str, reviewer: str, recommendation: str, reason: str = "") -> None:
        """The interviewer's final recommendation; rolesim never fills this in."""
        with self.db.conn:
            self.db["recommendations"].upsert({"session_id": session_id, "reviewer": reviewer, "recommendation": recommendation, "reason": reason, "updated_at": now_iso()}, pk=("session_id", "reviewer"))
            self.audit(reviewer, "recommendation", session_id, {"recommendation": recommendation, "reason": reason})

    def audit_log(self, session_id: str | None = None) -> list[dict[str, Any]]:
        sql = "select * from audit_log" + (" where session_id = ?" if session_id else "") + " order by id"
        return list(self.db.query(sql, [session_id] if session_id else []))

    def has_reviewed(self, session_id: str, reviewer: str) -> bool:
        """Whether this reviewer has scored or recommended: blind mode shows the name after that."""
        rows = self.db.execute(
            "select 1 from overrides where session_id = ? and author = ? and action = 'score' union "
            "select 1 from recommendations where session_id = ? and reviewer = ? limit 1",
            [session_id, reviewer, session_id, reviewer],
        ).fetchall()
        return bool(rows)
