"""Before the chat: what will happen, the time limit, and that replies are recorded and tagged."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.content import Content
from textual.message import Message
from textual.screen import Screen
from textual.widgets import Button, Input, Static

from ..i18n import Messages
from ..text import display_safe, reflow


class NoticeScreen(Screen):
    """The notice the candidate reads and accepts; consent is stored with its version."""

    CSS_PATH = Path(__file__).with_suffix(".tcss")
    # The name box keeps the focus, so the keys scroll the notice for it: the consent paragraph is last and,
    # in the longer translations, below the fold at 80x24.
    BINDINGS = [
        Binding("pagedown", "scroll_notice(1)", show=False),
        Binding("pageup", "scroll_notice(-1)", show=False),
        Binding("down", "scroll_notice(0.2)", show=False),
        Binding("up", "scroll_notice(-0.2)", show=False),
    ]

    @dataclass
    class Accepted(Message):
        """The candidate gave their name and started."""

        candidate: str

    def __init__(self, title: str, brief: str, time_limit: float, extra_time_pct: float, candidate: str | None, messages: Messages):
        super().__init__()
        self.messages = messages
        self.scenario_title = title
        self.brief = brief
        self.time_limit = time_limit
        self.extra_time_pct = extra_time_pct
        self.candidate = candidate

    def compose(self) -> ComposeResult:
        t = self.messages
        limit = t("notice.minutes", n=round(self.time_limit / 60, 1))  # '10 minutes', '12.5 minutes', '10 minūtes'
        if self.extra_time_pct:
            limit = t("notice.with_extra_time", limit=limit, pct=t.number(self.extra_time_pct))
        with VerticalScroll(id="notice", can_focus=False):
            yield Static(Content(t("notice.heading")), id="heading")
            yield Static(Content(display_safe(self.scenario_title)), id="scenario-title")
            yield Static(Content(t("notice.intro", limit=limit)), id="intro", classes="para")
            yield Static(Content(t("notice.situation")), classes="subheading")
            yield Static(Content(display_safe(reflow(self.brief))), id="brief", classes="para")
            yield Static(Content(t("notice.recording_heading")), classes="subheading")
            yield Static(Content(t("notice.recording")), id="recording", classes="para")
        # Pinned below the text, so the name box and Start are on screen at 80x24 too.
        with Vertical(id="start-area"):
            with Horizontal(id="start-row"):
                if not self.candidate:
                    yield Input(placeholder=t("notice.name_placeholder"), id="name", max_length=120)
                yield Button(t("notice.start"), id="start", variant="primary", disabled=not self.candidate)
            yield Static(Content(t("notice.leave_hint")), id="leave-hint")

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

    def action_scroll_notice(self, pages: float) -> None:
        notice = self.query_one("#notice", VerticalScroll)
        notice.scroll_relative(y=pages * max(1, notice.scrollable_content_region.height), animate=False)

    def _accept(self, name: str) -> None:
        self.post_message(self.Accepted(name))
