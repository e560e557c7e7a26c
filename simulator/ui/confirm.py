"""Ask before the candidate leaves: a wrong key must never end a session."""

from __future__ import annotations

from pathlib import Path

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Button, Static

from ..i18n import Messages


class ConfirmQuit(ModalScreen[bool]):
    """Leave or stay; staying is the default and what Escape does."""

    CSS_PATH = Path(__file__).with_suffix(".tcss")
    BINDINGS = [
        Binding("escape", "stay", "Stay", show=False),
        Binding("left", "app.focus_previous", "Previous button", show=False),
        Binding("right", "app.focus_next", "Next button", show=False),
    ]

    def __init__(self, question: str, detail: str, messages: Messages):
        super().__init__()
        self.messages = messages
        self.question = question
        self.detail = detail

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog"):
            yield Static(Content(self.question), id="question")
            yield Static(Content(self.detail), id="detail")
            with Horizontal(id="buttons"):
                yield Button(self.messages("confirm.stay"), id="stay", variant="primary")
                yield Button(self.messages("confirm.leave"), id="leave", variant="error")

    def on_mount(self) -> None:
        self.query_one("#stay", Button).focus()

    def action_stay(self) -> None:
        self.dismiss(False)

    @on(Button.Pressed, "#stay")
    def stay(self) -> None:
        self.dismiss(False)

    @on(Button.Pressed, "#leave")
    def leave(self) -> None:
        self.dismiss(True)
