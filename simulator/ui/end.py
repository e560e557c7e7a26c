"""After the chat: thanks, and no scores."""

from __future__ import annotations

from pathlib import Path

from textual import on
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Button, Static

REASONS = {
    "resolved": "The customer has ended the chat.",
    "escalated": "The customer has ended the chat.",
    "customer_left": "The customer has left the chat.",
    "time_up": "The time is up.",
    "abandoned": "You left the session.",
}


class EndScreen(ModalScreen[None]):
    """Thanks the candidate over the finished chat (still readable behind); never hints at a score."""

    CSS_PATH = Path(__file__).with_suffix(".tcss")

    def __init__(self, outcome: str | None):
        super().__init__()
        self.outcome = outcome

    def compose(self) -> ComposeResult:
        with Vertical(id="end"):
            yield Static(Content("Thank you"), id="thanks")
            yield Static(Content(REASONS.get(self.outcome or "", "The chat has ended.")), id="reason")
            yield Static(Content("Your session has been saved for review. Please tell the invigilator you have finished."), id="saved")
            yield Button("Close", id="close", variant="primary")

    def on_mount(self) -> None:
        self.query_one("#close", Button).focus()

    @on(Button.Pressed, "#close")
    def close(self) -> None:
        self.app.exit(self.outcome)
