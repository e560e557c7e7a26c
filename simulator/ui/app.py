"""The candidate app: notice, chat, end; one factory used by the CLI, tests and benchmarks."""

from __future__ import annotations

import signal
import sys
import time
from typing import Callable

from textual import events, on, work
from textual.app import App
from textual.binding import Binding

from ..i18n import Messages, catalog
from ..model import Persona, Scenario
from ..session import LiveSession
from .chat import ChatScreen
from .confirm import ConfirmQuit
from .end import EndScreen
from .localize import localize_bindings
from .notice import NoticeScreen


class CandidateApp(App[str | None]):
    """The candidate's session; no key ends it without a confirmation."""

    TITLE = "rolesim"
    ENABLE_COMMAND_PALETTE = False
    BINDINGS = [
        Binding("ctrl+q", "request_quit", "Leave", priority=True, show=False, id="candidate.leave", tooltip="Ask to leave the session"),
        Binding("ctrl+c", "request_quit", "Leave", priority=True, show=False, id="candidate.leave_ctrl_c"),
        Binding("escape", "request_quit", "Leave", priority=True, show=False, id="candidate.leave_escape"),
    ]

    def __init__(
        self,
        session: LiveSession,
        candidate: str | None = None,
        *,
        tick_interval: float = 0.1,
        auto_consent: bool = False,
        exit_after_first_message: bool = False,
        lang: str | None = None,
    ):
        super().__init__()
        self.session = session
        # The interface speaks --lang if given, else the scenario's language (English if we have no catalog).
        self.messages: Messages = catalog(lang or session.scenario.language)
        session.language = self.messages.lang  # stored with the consent: the notice was read in it
        localize_bindings(self, self.messages)
        self.candidate = candidate
        self.tick_interval = tick_interval
        self.auto_consent = auto_consent
        self.exit_after_first_message = exit_after_first_message
        self.outcome: str | None = None
        self.first_message_at: float | None = None  # wall clock, for the cold-start benchmark
        self._asking = False

    def on_mount(self) -> None:
        self.first_screen()

    def first_screen(self) -> None:
        """The notice (a play-test goes straight to the chat)."""
        s = self.session
        self.push_screen(NoticeScreen(s.scenario.title, s.scenario.brief, s.time_limit, s.extra_time_pct, self.candidate, self.messages))
        if self.auto_consent and self.candidate:
            self.call_after_refresh(self._begin, self.candidate)

    @on(NoticeScreen.Accepted)
    def accepted(self, event: NoticeScreen.Accepted) -> None:
        self._begin(event.candidate)

    def _begin(self, candidate: str) -> None:
        if self.session.started:
            return
        first = self.session.begin(candidate)
        self.switch_screen(ChatScreen(self.session, first, self.tick_interval, self.messages))

    def first_message_drawn(self) -> None:
        """Called when a customer message is mounted; notes when the frame showing it is drawn."""
        if self.first_message_at is None:
            self.call_after_refresh(self._first_frame)

    def _first_frame(self) -> None:
        self.first_message_at = time.time()
        if self.exit_after_first_message:
            self.exit("first_message")

    def session_ended(self, outcome: str | None) -> None:
        """The engine reached an end: store scores off the UI thread, thank the candidate."""
        self.outcome = outcome
        self._close_session()
        if isinstance(self.screen, ConfirmQuit):
            self.screen.dismiss(False)
        self.push_screen(EndScreen(outcome, self.messages))

    @work(thread=True, exclusive=True, group="close")
    def _close_session(self) -> None:
        self.session.close()

    def action_request_quit(self) -> None:
        """Ctrl+Q, Ctrl+C or Escape: ask first; a second press while asking means 'stay'."""
        if isinstance(self.screen, ConfirmQuit):
            self.screen.dismiss(False)
            return
        if isinstance(self.screen, EndScreen) or self._asking:
            if isinstance(self.screen, EndScreen):
                self.exit(self.outcome)
            return
        if self.session.started and self.session.conversation.finished:
            return  # the customer has ended the chat: nothing to leave, and the end screen follows her last line
        t = self.messages
        if not self.session.started:
            question, detail = t("confirm.before_start"), t("confirm.before_start_detail")
        else:
            question, detail = t("confirm.during"), t("confirm.during_detail")
        self._asking = True
        self.session.note("leave_asked")
        self.push_screen(ConfirmQuit(question, detail, messages=t), self._quit_answered)

    def _quit_answered(self, leave: bool | None) -> None:
        self._asking = False
        if not leave:
            self.session.note("leave_declined")
            return
        if not self.session.started:
            self.exit(None)
            return
        chat = self.screen if isinstance(self.screen, ChatScreen) else None
        events_ = self.session.abandon()
        if chat:
            chat._show(events_)
        elif not isinstance(self.screen, EndScreen):
            self.session_ended(self.session.conversation.outcome)

    def on_app_blur(self, event: events.AppBlur) -> None:
        self.session.focus(False)

    def on_app_focus(self, event: events.AppFocus) -> None:
        self.session.focus(True)


def build_candidate_app(
    scenario: Scenario,
    persona: Persona,
    db_path,
    candidate: str | None = None,
    *,
    seed: int | None = None,
    extra_time_pct: float = 0.0,
    clock: Callable[[], float] = time.monotonic,
    tick_interval: float = 0.1,
    auto_consent: bool = False,
    exit_after_first_message: bool = False,
    lang: str | None = None,
) -> CandidateApp:
    """The one way to make the candidate app: the CLI, the tests and the benchmark all use it."""
    session = LiveSession(scenario, persona, db_path, seed=seed, extra_time_pct=extra_time_pct, clock=clock)
    return CandidateApp(session, candidate, tick_interval=tick_interval, auto_consent=auto_consent, exit_after_first_message=exit_after_first_message, lang=lang)


DEFAULT_SCENARIO = "late-parcel"


def default_scenario(library, lang: str | None) -> str | None:
    """With no --scenario: the angry customer in the language asked for (late-parcel in English), else any."""
    if lang and lang != "en":
        found = sorted(s.id for s in library.scenarios.values() if s.language == lang and s.archetype == "angry")
        if found:
            return found[0]
    if DEFAULT_SCENARIO in library.scenarios:
        return DEFAULT_SCENARIO
    return next(iter(sorted(library.scenarios)), None)


def prepare_candidate_app(args, **options) -> CandidateApp:
    """Resolve `rolesim run`'s arguments into the app (the benchmark starts here too)."""
    from ..cli import CliError, _extra, _library
    from ..library import Library
    from ..store import default_db_path

    lang = getattr(args, "lang", None)
    # In English the default is known without reading the library (default_scenario's first choice).
    scenario_id = args.scenario or (DEFAULT_SCENARIO if lang in (None, "en") else None)
    if scenario_id:  # only its files are read: the first frame does not wait for the whole library
        library = Library.for_scenario(scenario_id, _extra(args))
        if scenario_id not in library.scenarios and not args.scenario:
            scenario_id = default_scenario(library, lang)
    else:
        library = _library(args)
        scenario_id = default_scenario(library, lang)
    if scenario_id is None:
        raise CliError("no scenarios found; see docs/authoring.md")
    scenario = library.scenario(scenario_id)
    persona = library.persona_for(scenario)
    if args.extra_time < 0:
        raise CliError("--extra-time must be 0 or more")
    return build_candidate_app(scenario, persona, args.db or default_db_path(), args.candidate, seed=args.seed, extra_time_pct=args.extra_time, lang=lang, **options)


def run_candidate(args) -> int:
    """`rolesim run`: open the app in this terminal; flush every event on the way out."""
    from ..cli import CliError

    if not sys.stdin.isatty() or not sys.stdout.isatty():
        raise CliError("rolesim run needs a terminal (for scripted sessions use: rolesim play)")
    app = prepare_candidate_app(args)

    def on_signal(signum, frame):
        # Commit what is queued, then leave cleanly so the terminal is restored; no end event: incomplete.
        app.session.flush()
        app.exit(None)

    for sig in (signal.SIGTERM, signal.SIGHUP):
        signal.signal(sig, on_signal)
    try:
        app.run()
    finally:
        app.session.close()
    recorder = app.session.recorder
    if recorder:
        values = dict(id=recorder.session_id, path=app.session.db_path, problems=recorder.degraded)
        print(app.messages("app.saved_with_problems" if recorder.degraded else "app.saved", **values))
    return 0
