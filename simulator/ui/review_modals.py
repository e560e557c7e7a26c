"""Small dialogs for reviewers: who they are, notes, overrides and the recommendation."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Select, Static

from ..model import DIMENSIONS
from ..text import display_safe

CSS = Path(__file__).with_name("review_modals.tcss")
RECOMMENDATIONS = ("advance", "consider", "do not advance")


class Missing(str):
    """What a form still needs; anything else a dialog returns is its value (a note is a str too)."""


class _Dialog(ModalScreen[Any]):
    """A titled form with Save and Cancel; Escape cancels."""

    CSS_PATH = CSS
    BINDINGS = [Binding("escape", "cancel", "Cancel", show=False)]
    title_text = ""

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Static(Content(self.title_text), classes="dialog-title")
            yield from self.fields()
            yield Static(Content(""), id="error", classes="error")
            with Horizontal(classes="buttons"):
                yield Button("Cancel", id="cancel")
                yield Button("Save", id="save", variant="primary")

    def fields(self) -> ComposeResult:
        yield from ()

    def action_cancel(self) -> None:
        self.dismiss(None)

    @on(Button.Pressed, "#cancel")
    def cancelled(self) -> None:
        self.dismiss(None)

    @on(Button.Pressed, "#save")
    @on(Input.Submitted)
    def saved(self) -> None:
        result = self.result()
        if isinstance(result, Missing):
            self.query_one("#error", Static).update(Content(result))
        else:
            self.dismiss(result)

    def result(self) -> Any:
        """The form's value, or a message saying what is missing (each dialog defines its own)."""
        return Missing("Nothing to save.")

    def value(self, selector: str) -> str:
        return self.query_one(selector, Input).value.strip()


class ReviewerName(_Dialog):
    """Who is reviewing: written to the audit log with everything they do."""

    title_text = "Your name, as it will appear in the audit log"

    def fields(self) -> ComposeResult:
        yield Input(placeholder="Reviewer name", id="name")

    def action_cancel(self) -> None:
        self.app.exit()

    def result(self) -> Any:
        return self.value("#name") or Missing("Please give your name.")


class NoteDialog(_Dialog):
    """A note on the session or on one turn."""

    def __init__(self, turn: int | None):
        super().__init__()
        self.turn = turn
        self.title_text = "Note on the whole session" if turn is None else f"Note on turn {turn}"

    def fields(self) -> ComposeResult:
        yield Input(placeholder="Your note", id="note")

    def result(self) -> Any:
        return self.value("#note") or Missing("Write a note first.")


class TagOverrideDialog(_Dialog):
    """Remove or change an automatic tag, or add one the tagger missed; a reason is required."""

    def __init__(self, turn: int, tags: list[dict[str, Any]]):
        super().__init__()
        self.turn = turn
        self.tags = tags
        self.title_text = f"Change the tags of turn {turn}"

    def fields(self) -> ComposeResult:
        options = [(f"remove: {t['dimension']} / {t['behaviour']} “{display_safe(t['evidence'])[:40]}”", f"remove:{t['id']}") for t in self.tags]
        options += [(f"change dimension of: {t['behaviour']} “{display_safe(t['evidence'])[:30]}”", f"change:{t['id']}") for t in self.tags]
        options.append(("add a tag the tagger missed", "add"))
        yield Select(options, prompt="What to do", id="action", allow_blank=False, value=options[0][1])
        yield Select([(d, d) for d in DIMENSIONS], prompt="Dimension (for add or change)", id="dimension")
        yield Select([("for (+)", 1), ("against (−)", -1)], prompt="Polarity (for add or change)", id="polarity")
        yield Input(placeholder="Behaviour (for add), e.g. clarifying_question", id="behaviour")
        yield Input(placeholder="Reason (required)", id="reason")

    def result(self) -> Any:
        reason = self.value("#reason")
        if not reason:
            return Missing("Give a reason: it is kept with the override.")
        action = str(self.query_one("#action", Select).value)
        dimension = self.query_one("#dimension", Select).value
        polarity = self.query_one("#polarity", Select).value
        dimension = None if dimension is Select.NULL else dimension
        polarity = None if polarity is Select.NULL else polarity
        if action == "add":
            if dimension is None:
                return Missing("Choose the dimension of the tag to add.")
            return {"action": "add", "turn": self.turn, "dimension": dimension, "polarity": polarity or 1, "behaviour": self.value("#behaviour") or "reviewer", "reason": reason}
        kind, tag_id = action.split(":")
        if kind == "change" and dimension is None and polarity is None:
            return Missing("Choose the new dimension or polarity.")
        return {"action": kind, "tag_id": int(tag_id), "turn": self.turn, "dimension": dimension if kind == "change" else None, "polarity": polarity if kind == "change" else None, "reason": reason}


class ScoreDialog(_Dialog):
    """Set a dimension's score by hand; the automatic score is kept beside it."""

    title_text = "Your score for a dimension"

    def fields(self) -> ComposeResult:
        yield Select([(d, d) for d in DIMENSIONS], prompt="Dimension", id="dimension")
        yield Select([(str(n), n) for n in range(1, 6)], prompt="Score", id="score")
        yield Input(placeholder="Reason (required)", id="reason")

    def result(self) -> Any:
        dimension = self.query_one("#dimension", Select).value
        score = self.query_one("#score", Select).value
        if dimension is Select.NULL or score is Select.NULL:
            return Missing("Choose a dimension and a score.")
        reason = self.value("#reason")
        return {"dimension": dimension, "score": score, "reason": reason} if reason else Missing("Give a reason.")


class RecommendDialog(_Dialog):
    """The interviewer's recommendation: rolesim never fills it in."""

    title_text = "Your recommendation"

    def fields(self) -> ComposeResult:
        yield Select([(r, r) for r in RECOMMENDATIONS], prompt="Recommendation", id="recommendation")
        yield Input(placeholder="Reason", id="reason")

    def result(self) -> Any:
        value = self.query_one("#recommendation", Select).value
        if value is Select.NULL:
            return Missing("Choose a recommendation.")
        return {"recommendation": value, "reason": self.value("#reason")}


class JumpDialog(_Dialog):
    """Jump the replay to a turn by its number."""

    title_text = "Jump to turn number"

    def fields(self) -> ComposeResult:
        yield Input(placeholder="Turn number", id="turn", type="integer")

    def result(self) -> Any:
        value = self.value("#turn")
        return int(value) if value.isdigit() else Missing("Give a turn number.")
