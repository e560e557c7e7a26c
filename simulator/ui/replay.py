"""A session re-enacted with its real timing, keystroke by keystroke, at 1x to 8x."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Callable

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.content import Content
from textual.screen import Screen
from textual.widgets import Footer, Static

from ..i18n import Messages
from ..text import display_safe
from ..transcript import Replay, Transcript
from .chat import ChatMessage
from .localize import localize_bindings
from .review_modals import JumpDialog

SPEEDS = (1, 2, 4, 8)


class ReplayScreen(Screen):
    """Play, pause, change speed, step between turns; the draft shows typing and deleting."""

    CSS_PATH = Path(__file__).with_suffix(".tcss")
    BINDINGS = [
        Binding("escape", "app.pop_screen", "Back", id="replay.back"),
        Binding("space", "toggle", "Play/pause", id="replay.toggle"),
        Binding("1", "speed(1)", "1×", id="replay.speed1"),
        Binding("2", "speed(2)", "2×", id="replay.speed2"),
        Binding("4", "speed(4)", "4×", id="replay.speed4"),
        Binding("8", "speed(8)", "8×", id="replay.speed8"),
        Binding("right", "next_turn", "Next turn", id="replay.next"),
        Binding("left", "previous_turn", "Previous turn", id="replay.previous"),
        Binding("g", "jump", "Jump to turn", id="replay.jump"),
        Binding("home", "restart", "Restart", id="replay.restart"),
    ]

    def __init__(self, transcript: Transcript, customer: str, candidate: str, clock: Callable[[], float] = time.monotonic, tick_interval: float = 0.05, *, messages: Messages):
        super().__init__()
        self.messages = messages
        localize_bindings(self, self.messages)
        self.transcript = transcript
        self.replay = Replay(transcript)
        self.customer = customer
        self.candidate = candidate
        self.clock = clock
        self.tick_interval = tick_interval
        self.position = 0.0
        self.speed = 1
        self.playing = True
        self._last = 0.0
        self._shown = 0

    def compose(self) -> ComposeResult:
        yield Static(Content(""), id="replay-title")
        yield VerticalScroll(id="replay-transcript")
        yield Static(Content(""), id="replay-typing")
        yield Static(Content(""), id="replay-draft")
        yield Footer(compact=True)

    def on_mount(self) -> None:
        self._last = self.clock()
        self.show()
        self.set_interval(self.tick_interval, self.tick)

    def tick(self) -> None:
        """Advance the replay by the time passed, times the speed."""
        now = self.clock()
        if self.playing:
            self.position = min(self.replay.end, self.position + (now - self._last) * self.speed)
            if self.position >= self.replay.end:
                self.playing = False
        self._last = now
        self.show()

    def show(self) -> None:
        frame = self.replay.at(self.position)
        box = self.query_one("#replay-transcript", VerticalScroll)
        if frame.messages < self._shown:  # stepped back: draw again from the start
            box.remove_children()
            self._shown = 0
        new = []
        for turn in self.transcript.turns[self._shown : frame.messages]:
            who = self.customer if turn.role == "customer" else self.candidate
            new.append(ChatMessage(who, turn.text, turn.t, turn.role, turn.nudge))
        if new:
            box.mount_all(new)
            box.scroll_end(animate=False)
        self._shown = frame.messages
        m = self.messages
        self.query_one("#replay-typing", Static).update(Content(m("chat.typing", name=display_safe(self.customer)) if frame.customer_typing else ""))
        self.query_one("#replay-draft", Static).update(Content(display_safe(frame.draft) or " "))
        state = m("review.replay.playing") if self.playing else (m("review.replay.at_end") if self.position >= self.replay.end else m("review.replay.paused"))
        self.query_one("#replay-title", Static).update(Content(m(
            "review.replay.title", position=m.clock(self.position, tenths=True), end=m.clock(self.replay.end, tenths=True), speed=self.speed, state=state
        )))

    @property
    def draft(self) -> str:
        """What the candidate's input box shows now (for tests and the screen)."""
        return self.replay.at(self.position).draft

    def action_toggle(self) -> None:
        if self.position >= self.replay.end:
            self.position = 0.0
        self.playing = not self.playing
        self._last = self.clock()
        self.show()

    def action_speed(self, speed: int) -> None:
        self.speed = speed
        self.show()

    def action_restart(self) -> None:
        self.position = 0.0
        self.show()

    def action_next_turn(self) -> None:
        later = [t for t in self.replay.turn_starts() if t > self.position + 1e-6]
        if later:
            self.position = later[0]
            self.show()

    def action_previous_turn(self) -> None:
        earlier = [t for t in self.replay.turn_starts() if t < self.position - 1e-6]
        self.position = earlier[-1] if earlier else 0.0
        self.show()

    def action_jump(self) -> None:
        self.app.push_screen(JumpDialog(self.messages), self._jump)

    def _jump(self, number: int | None) -> None:
        for turn in self.transcript.turns:
            if number is not None and turn.index == number:
                self.position = turn.t
                self.show()
                return
        if number is not None:
            self.notify(self.messages("review.replay.no_turn", n=number), severity="warning", markup=False)
