"""After the chat: thanks, and no scores."""

from __future__ import annotations

from pathlib import Path

from textual import on
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Button, Static

from ..i18n import Messages
from ..model import OUTCOMES  # each has its end.reason.<outcome>


class EndScreen(ModalScreen[None]):
    """Thanks the candidate over the finished chat (still readable behind); never hints at a score."""

    CSS_PATH = Path(__file__).with_suffix(".tcss")

    def __init__(self, outcome: str | None, messages: Messages):
        super().__init__()
        self.outcome = outcome
        self.messages = messages

    def compose(self) -> ComposeResult:
        t = self.messages
        reason = f"end.reason.{self.outcome}" if self.outcome in OUTCOMES else "end.reason.other"
        with Vertical(id="end"):
            yield Static(Content(t("end.thanks")), id="thanks")
            yield Static(Content(t(reason)), id="reason")
            yield Static(Content(t("end.saved")), id="saved")
            yield Button(t("end.close"), id="close", variant="primary")

    def on_mount(self) -> None:
        self.query_one("#close", Button).focus()

    @on(Button.Pressed, "#close")
    def close(self) -> None:
        self.app.exit(self.outcome)
