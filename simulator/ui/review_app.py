"""The interviewer's app: sessions, one session, replay, compare; one factory for CLI and tests."""

from __future__ import annotations

import os
import time
from pathlib import Path
from typing import Callable

from textual import on
from textual.app import App

from ..i18n import Messages, catalog
from ..store import ReviewStore
from ..transcript import load_transcript
from .compare import CompareScreen
from .replay import ReplayScreen
from .review_modals import ReviewerName
from .session_list import SessionListScreen
from .session_view import SessionScreen


class ReviewApp(App[None]):
    """Review recorded sessions; everything a reviewer changes is stored with their name."""

    TITLE = "rolesim review"

    def __init__(self, db_path: str | Path, reviewer: str | None = None, *, blind: bool = False, clock: Callable[[], float] = time.monotonic, replay_tick: float = 0.05, export_dir: Path | None = None, lang: str | None = None):
        super().__init__()
        # The interface speaks the reviewer's language (English unless --lang); transcripts stay as written.
        self.messages: Messages = catalog(lang or "en")
        self.report_lang = lang  # exports: --lang if given, else each session's own language
        self.db_path = Path(db_path)
        self.reviewer = reviewer
        self.blind = blind
        self.clock = clock
        self.replay_tick = replay_tick
        self.export_dir = export_dir
        self.store: ReviewStore | None = None

    def on_mount(self) -> None:
        # WAL: this reader never blocks a candidate session writing to the same file.
        self.store = ReviewStore(self.db_path)
        if self.reviewer:
            self._open_list()
        else:
            self.push_screen(ReviewerName(self.messages), self._named)

    def _named(self, name: str | None) -> None:
        if name:
            self.reviewer = name
            self._open_list()

    def _open_list(self) -> None:
        self.push_screen(SessionListScreen(self.store, self.reviewer, self.blind, self.messages))

    @on(SessionListScreen.Open)
    def open_session(self, event: SessionListScreen.Open) -> None:
        self.push_screen(SessionScreen(self.store, event.session_id, self.reviewer, self.blind, self.export_dir, self.messages, self.report_lang))

    @on(SessionListScreen.Compare)
    def compare(self, event: SessionListScreen.Compare) -> None:
        transcripts = [load_transcript(self.store, sid) for sid in event.session_ids]
        names = [t.session["candidate"] if not self.blind or self.store.has_reviewed(t.session["id"], self.reviewer) else self.messages("review.candidate_n", n=i + 1) for i, t in enumerate(transcripts)]
        self.push_screen(CompareScreen(transcripts, names, self.messages))

    @on(SessionScreen.Replay)
    def replay(self, event: SessionScreen.Replay) -> None:
        screen = self.screen
        customer = screen._customer_name() if isinstance(screen, SessionScreen) else self.messages("review.customer")
        candidate = screen.candidate_name() if isinstance(screen, SessionScreen) else self.messages("review.candidate")
        self.push_screen(ReplayScreen(event.transcript, customer, candidate, clock=self.clock, tick_interval=self.replay_tick, messages=self.messages))

    def on_screen_resume(self) -> None:
        if isinstance(self.screen, SessionListScreen):
            self.screen.load()  # scores or recommendations may have lifted blind mode


def build_review_app(db_path: str | Path, reviewer: str | None = None, **options) -> ReviewApp:
    """The one way to make the review app (CLI, tests, benchmark)."""
    return ReviewApp(db_path, reviewer, **options)


def run_review(args) -> int:
    """`rolesim review`: open the review screens on the database."""
    from ..cli import CliError
    from ..store import default_db_path

    path = Path(args.db) if args.db else default_db_path()
    if not path.exists():
        raise CliError(f"no database at {path} (run a session first, or pass --db)")
    reviewer = args.reviewer or os.environ.get("ROLESIM_REVIEWER")
    build_review_app(path, reviewer, blind=args.blind, lang=getattr(args, "lang", None)).run()
    return 0
