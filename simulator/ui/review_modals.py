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

from ..i18n import Messages
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
    title_key = ""  # review.dialog.<title_key>

    def __init__(self, messages: Messages):
        super().__init__()
        self.messages = messages
        self.title_text = self.messages(f"review.dialog.{self.title_key}") if self.title_key else ""

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Static(Content(self.title_text), classes="dialog-title")
            yield from self.fields()
            yield Static(Content(""), id="error", classes="error")
            with Horizontal(classes="buttons"):
                yield Button(self.messages("review.dialog.cancel"), id="cancel")
                yield Button(self.messages("review.dialog.save"), id="save", variant="primary")

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
        return self.missing("nothing")

    def missing(self, key: str) -> Missing:
        """What the form still needs, in the reviewer's language."""
        return Missing(self.messages(f"review.dialog.{key}"))

    def value(self, selector: str) -> str:
        return self.query_one(selector, Input).value.strip()


class ReviewerName(_Dialog):
    """Who is reviewing: written to the audit log with everything they do."""

    title_key = "reviewer_title"

    def fields(self) -> ComposeResult:
        yield Input(placeholder=self.messages("review.dialog.reviewer_placeholder"), id="name")

    def action_cancel(self) -> None:
        self.app.exit()

    def result(self) -> Any:
        return self.value("#name") or self.missing("reviewer_missing")


class NoteDialog(_Dialog):
    """A note on the session or on one turn."""

    def __init__(self, turn: int | None, messages: Messages):
        super().__init__(messages)
        self.turn = turn
        self.title_text = self.messages("review.dialog.note_session") if turn is None else self.messages("review.dialog.note_turn", turn=turn)

    def fields(self) -> ComposeResult:
        yield Input(placeholder=self.messages("review.dialog.note_placeholder"), id="note")

    def result(self) -> Any:
        return self.value("#note") or self.missing("note_missing")


class TagOverrideDialog(_Dialog):
    """Remove or change an automatic tag, or add one the tagger missed; a reason is required."""

    def __init__(self, turn: int, tags: list[dict[str, Any]], messages: Messages):
        super().__init__(messages)
        self.turn = turn
        self.tags = tags
        self.title_text = self.messages("review.dialog.tags_title", turn=turn)

    def fields(self) -> ComposeResult:
        m = lambda key, **values: self.messages(f"review.dialog.{key}", **values)  # noqa: E731
        options = [(m("remove", dimension=t["dimension"], behaviour=t["behaviour"], evidence=f"“{display_safe(t['evidence'])[:40]}”"), f"remove:{t['id']}") for t in self.tags]
        options += [(m("change", behaviour=t["behaviour"], evidence=f"“{display_safe(t['evidence'])[:30]}”"), f"change:{t['id']}") for t in self.tags]
        options.append((m("add"), "add"))
        yield Select(options, prompt=m("what"), id="action", allow_blank=False, value=options[0][1])
        yield Select([(d, d) for d in DIMENSIONS], prompt=m("dimension_for"), id="dimension")
        yield Select([(m("for"), 1), (m("against"), -1)], prompt=m("polarity_for"), id="polarity")
        yield Input(placeholder=m("behaviour"), id="behaviour")
        yield Input(placeholder=m("reason_required"), id="reason")

    def result(self) -> Any:
        reason = self.value("#reason")
        if not reason:
            return self.missing("give_reason_kept")
        action = str(self.query_one("#action", Select).value)
        dimension = self.query_one("#dimension", Select).value
        polarity = self.query_one("#polarity", Select).value
        dimension = None if dimension is Select.NULL else dimension
        polarity = None if polarity is Select.NULL else polarity
        if action == "add":
            if dimension is None:
                return self.missing("choose_dimension")
            return {"action": "add", "turn": self.turn, "dimension": dimension, "polarity": polarity or 1, "behaviour": self.value("#behaviour") or "reviewer", "reason": reason}
        kind, tag_id = action.split(":")
        if kind == "change" and dimension is None and polarity is None:
            return self.missing("choose_change")
        return {"action": kind, "tag_id": int(tag_id), "turn": self.turn, "dimension": dimension if kind == "change" else None, "polarity": polarity if kind == "change" else None, "reason": reason}


class ScoreDialog(_Dialog):
    """Set a dimension's score by hand; the automatic score is kept beside it."""

    title_key = "score_title"

    def fields(self) -> ComposeResult:
        m = self.messages
        yield Select([(d, d) for d in DIMENSIONS], prompt=m("review.dialog.dimension"), id="dimension")
        yield Select([(str(n), n) for n in range(1, 6)], prompt=m("review.dialog.score"), id="score")
        yield Input(placeholder=m("review.dialog.reason_required"), id="reason")

    def result(self) -> Any:
        dimension = self.query_one("#dimension", Select).value
        score = self.query_one("#score", Select).value
        if dimension is Select.NULL or score is Select.NULL:
            return self.missing("choose_score")
        reason = self.value("#reason")
        return {"dimension": dimension, "score": score, "reason": reason} if reason else self.missing("give_reason")


class RecommendDialog(_Dialog):
    """The interviewer's recommendation: rolesim never fills it in."""

    title_key = "recommend_title"

    def fields(self) -> ComposeResult:
        m = self.messages
        yield Select([(m(f"recommendation.{r}"), r) for r in RECOMMENDATIONS], prompt=m("review.dialog.recommendation"), id="recommendation")
        yield Input(placeholder=m("review.dialog.reason"), id="reason")

    def result(self) -> Any:
        value = self.query_one("#recommendation", Select).value
        if value is Select.NULL:
            return self.missing("choose_recommendation")
        return {"recommendation": value, "reason": self.value("#reason")}


class JumpDialog(_Dialog):
    """Jump the replay to a turn by its number."""

    title_key = "jump_title"

    def fields(self) -> ComposeResult:
        yield Input(placeholder=self.messages("review.dialog.jump_placeholder"), id="turn", type="integer")

    def result(self) -> Any:
        value = self.value("#turn")
        return int(value) if value.isdigit() else self.missing("jump_missing")
