"""A live candidate session: the conversation, the clock and the recorder, with no screen attached."""

from __future__ import annotations

import random
import time
from pathlib import Path
from typing import Callable

from .engine import Conversation, Event
from .model import Persona, Scenario
from .recorder import SessionRecorder
from .scoring import score_session

NOTICE_VERSION = "2026-11-1"  # bump when the notice text changes: consent is stored against it
MAX_REPLY = 4000


def edit_diff(before: str, after: str) -> dict:
    """The smallest single replacement turning `before` into `after`: {at, remove, insert}."""
    start = 0
    limit = min(len(before), len(after))
    while start < limit and before[start] == after[start]:
        start += 1
    end_b, end_a = len(before), len(after)
    while end_b > start and end_a > start and before[end_b - 1] == after[end_a - 1]:
        end_b -= 1
        end_a -= 1
    return {"at": start, "remove": end_b - start, "insert": after[start:end_a]}


def apply_edit(value: str, edit: dict) -> str:
    """Replay one recorded edit on the input's value."""
    at = edit["at"]
    return value[:at] + edit["insert"] + value[at + edit["remove"] :]


class LiveSession:
    """Ties the engine to a clock and a recorder; the screen calls it and draws what it returns."""

    def __init__(
        self,
        scenario: Scenario,
        persona: Persona,
        db_path: str | Path | None,
        *,
        seed: int | None = None,
        extra_time_pct: float = 0.0,
        clock: Callable[[], float] = time.monotonic,
        start_state: str | None = None,
        mood: float | None = None,
    ):
        self.scenario = scenario
        self.persona = persona
        self.db_path = Path(db_path) if db_path is not None else None  # None: a play-test, never stored
        self.seed = random.SystemRandom().randrange(2**31) if seed is None else seed
        self.extra_time_pct = extra_time_pct
        self.clock = clock
        self.start_state = start_state
        self.start_mood = mood
        self.conversation = Conversation(scenario, persona, seed=self.seed, extra_time_pct=extra_time_pct, start_state=start_state, mood=mood)
        self.recorder: SessionRecorder | None = None
        self.candidate: str | None = None
        self._t0: float | None = None
        self._value = ""
        self._closed = False
        self.language = scenario.language  # the interface's language, set by the app; stored with consent

    @property
    def time_limit(self) -> float:
        """The limit with any extra time."""
        return self.conversation.time_limit

    @property
    def started(self) -> bool:
        return self._t0 is not None

    def now(self) -> float:
        """Seconds since the candidate started."""
        return 0.0 if self._t0 is None else self.clock() - self._t0

    def remaining(self) -> float:
        """Seconds left on the visible countdown."""
        return max(0.0, self.time_limit - self.now())

    def begin(self, candidate: str) -> list[Event]:
        """Consent given: open the store (in the writer thread), record consent, start the customer."""
        self.candidate = candidate
        if self.db_path is None:
            self._t0 = self.clock()
            return self._engine(self.conversation.start(0.0))
        self.recorder = SessionRecorder(
            self.db_path,
            self.scenario,
            self.persona,
            candidate,
            seed=self.seed,
            extra_time_pct=self.extra_time_pct,
            source="live",
        )  # it stores the tagger version of the scenario's language; its writer thread starts after the first frame: start_recording()
        self._t0 = self.clock()
        # The notice was read in this language: consent is stored against its version and language.
        consent = {"notice_version": NOTICE_VERSION, "notice_language": self.language, "extra_time_pct": self.extra_time_pct, "time_limit": self.time_limit}
        self._record("consent", 0.0, consent)
        return self._engine(self.conversation.start(0.0))

    def start_recording(self) -> None:
        """Start the writer thread (events queued until now are kept and written first)."""
        if self.recorder:
            self.recorder.start()

    def warm_up(self) -> None:
        """Build the tagger and load the rubrics ahead of the first reply (both cached; safe on any thread)."""
        from .scoring import load_rubrics
        from .tagger import get_tagger

        get_tagger(self.scenario.language)
        load_rubrics()

    def advance(self) -> list[Event]:
        """Let the customer act on the clock."""
        if not self.started or self.conversation.finished:
            return []
        return self._engine(self.conversation.advance(self.now()))

    def edit(self, value: str) -> None:
        """The input changed: record the keystroke-level edit."""
        if not self.started or value == self._value:
            return
        now = self.now()
        self._record("edit", now, edit_diff(self._value, value))
        self._value = value
        self.conversation.keystroke(now)

    def paste(self, text: str, kept: int) -> None:
        """A paste, recorded whole, with how much of it the input kept."""
        if self.started:
            self._record("paste", self.now(), {"text": text, "length": len(text), "kept": kept, "truncated": kept < len(text)})

    def send(self, text: str) -> list[Event]:
        """The candidate sends a reply."""
        if not self.started or not text.strip() or self.conversation.finished:
            return []
        events = self._engine(self.conversation.reply(text, self.now()))
        return events

    def focus(self, focused: bool) -> None:
        """The terminal reported focus lost or regained."""
        if self.started:
            self._record("focus", self.now(), {"focused": focused})

    def reload(self, scenario: Scenario, persona: Persona) -> list[Event]:
        """Swap in an edited scenario and replay the replies sent so far at their times (play-test)."""
        sent = [(t.t, t.text) for t in self.conversation.turns if t.role == "candidate"]
        conversation = Conversation(scenario, persona, seed=self.seed, extra_time_pct=self.extra_time_pct, start_state=self.start_state if self.start_state in scenario.states else None, mood=self.start_mood)
        events = conversation.start(0.0)
        for at, text in sent:
            events += conversation.reply(text, at)
        events += conversation.advance(self.now())
        self.scenario, self.persona, self.conversation = scenario, persona, conversation
        return events

    def note(self, kind: str) -> None:
        """A screen event worth keeping (e.g. the leave dialog opened or was declined)."""
        if self.started and not self.conversation.finished:
            self._record(kind, self.now(), {})

    def abandon(self) -> list[Event]:
        """The candidate confirmed leaving."""
        if not self.started:
            return []
        return self._engine(self.conversation.abandon(self.now()))

    def flush(self) -> None:
        """Commit what is queued now (on SIGTERM/SIGHUP)."""
        if self.recorder:
            self.recorder.start()
            self.recorder.flush(timeout=2.0)

    def close(self) -> None:
        """Store the scores (when the session ended) and stop the writer."""
        if self._closed or not self.recorder:
            return
        self._closed = True
        if self.conversation.finished:
            scores = score_session(self.conversation.turns)
            self.recorder.save_scores({dim: s.to_dict() for dim, s in scores.items()})
        self.recorder.start()  # a session closed before its first frame still gets written
        self.recorder.close()

    def _engine(self, events: list[Event]) -> list[Event]:
        if self.recorder:
            self.recorder.record_events(events)
        return events

    def _record(self, kind: str, t: float, data: dict, conversation: int = 1) -> None:
        if self.recorder:
            self.recorder.record(kind, round(t * 1000), data, conversation)
