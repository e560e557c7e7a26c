"""Before the chat: what will happen, the time limit, and that replies are recorded and tagged."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from textual import on
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.content import Content
from textual.message import Message
from textual.screen import Screen
from textual.widgets import Button, Input, Static

from ..text import display_safe, reflow


def minutes(seconds: float) -> str:
    """A duration as people say it: '10 minutes', '12.5 minutes'."""
    value = round(seconds / 60, 1)
    return f"{value:g} minute" + ("" if value == 1 else "s")


class NoticeScreen(Screen):
    """The notice the candidate reads and accepts; consent is stored with its version."""

    CSS_PATH = Path(__file__).with_suffix(".tcss")

    @dataclass
    class Accepted(Message):
        """The candidate gave their name and started."""

        candidate: str

    def __init__(self, title: str, brief: str, time_limit: float, extra_time_pct: float, candidate: str | None):
        super().__init__()
        self.scenario_title = title
        self.brief = brief
        self.time_limit = time_limit
        self.extra_time_pct = extra_time_pct
        self.candidate = candidate

    def compose(self) -> ComposeResult:
        limit = minutes(self.time_limit)
        if self.extra_time_pct:
            limit += f" (including {self.extra_time_pct:g}% extra time)"
        with VerticalScroll(id="notice", can_focus=False):
            yield Static(Content("Customer support role-play"), id="heading")
            yield Static(Content(display_safe(self.scenario_title)), id="scenario-title")
            yield Static(
                Content(
                    "You will chat with a customer as a support agent. The customer is simulated: "
                    "they react to what you write and to how long you take.\n\n"
                    f"You have {limit}. The time left is always shown at the top.\n\n"
                    "Your brief and reference notes stay in the side panel during the chat."
                ),
                classes="para",
            )
            yield Static(Content("Your situation"), classes="subheading")
            yield Static(Content(display_safe(reflow(self.brief))), id="brief", classes="para")
            yield Static(Content("Recording and review"), classes="subheading")
            yield Static(
                Content(
                    "Everything you type is recorded with its timing, including edits and pauses. "
                    "Your replies are tagged automatically against rubrics (such as patience, empathy "
                    "and problem-solving) for review by a person, who makes every decision. "
                    "Pressing Start records your consent to this."
                ),
                id="recording",
                classes="para",
            )
        # Pinned below the text, so the name box and Start are on screen at 80x24 too.
        with Vertical(id="start-area"):
            with Horizontal(id="start-row"):
                if not self.candidate:
                    yield Input(placeholder="Your full name", id="name", max_length=120)
                yield Button("Start", id="start", variant="primary", disabled=not self.candidate)
            yield Static(Content("Not ready? Press Escape to leave without starting."), id="leave-hint")

    def on_mount(self) -> None:
        (self.query_one("#name", Input) if not self.candidate else self.query_one("#start", Button)).focus()

    @on(Input.Changed, "#name")
    def name_changed(self, event: Input.Changed) -> None:
        self.query_one("#start", Button).disabled = not event.value.strip()

    @on(Input.Submitted, "#name")
    def name_submitted(self, event: Input.Submitted) -> None:
        if event.value.strip():
            self._accept(event.value.strip())

    @on(Button.Pressed, "#start")
    def start_pressed(self) -> None:
        name = self.candidate or self.query_one("#name", Input).value.strip()
        if name:
            self._accept(name)

    def _accept(self, name: str) -> None:
        self.post_message(self.Accepted(name))
