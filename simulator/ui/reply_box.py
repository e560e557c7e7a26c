"""The candidate's reply input: multi-line, Enter sends, pastes recorded whole and capped."""

from __future__ import annotations

from dataclasses import dataclass

from textual import events
from textual.message import Message
from textual.widgets import TextArea

from ..session import MAX_REPLY


class ReplyBox(TextArea):
    """A TextArea where Enter sends; Ctrl+J (or Shift+Enter) starts a new line."""

    DEFAULT_CSS = """
    ReplyBox { height: 5; border: round $primary; }
    ReplyBox:focus { border: round $accent; }
    """

    @dataclass
    class Submitted(Message):
        """The candidate pressed Enter."""

        reply_box: "ReplyBox"
        text: str

    @dataclass
    class Pasted(Message):
        """A paste arrived: `text` whole, `kept` characters of it went into the input."""

        reply_box: "ReplyBox"
        text: str
        kept: int

    def __init__(self, **kwargs):
        super().__init__(soft_wrap=True, tab_behavior="focus", show_line_numbers=False, compact=False, **kwargs)

    async def _on_key(self, event: events.Key) -> None:
        if event.key == "enter":
            event.stop()
            event.prevent_default()
            self.post_message(self.Submitted(self, self.text))
            return
        if event.key in ("ctrl+j", "shift+enter"):
            event.stop()
            event.prevent_default()
            self._insert_capped("\n")
            return
        if event.is_printable and len(self.text) >= MAX_REPLY and self.selection.is_empty:
            event.stop()
            event.prevent_default()
            self.app.bell()
            return
        await super()._on_key(event)

    async def _on_paste(self, event: events.Paste) -> None:
        # Textual's own paste would insert everything; we keep lines but cap the reply's length.
        event.stop()
        event.prevent_default()
        kept = self._insert_capped(event.text.replace("\r\n", "\n").replace("\r", "\n"))
        self.post_message(self.Pasted(self, event.text, kept))

    def _insert_capped(self, text: str) -> int:
        start, end = self.selection
        selected = len(self.get_text_range(start, end)) if start != end else 0
        room = max(0, MAX_REPLY - len(self.text) + selected)
        keep = text[:room]
        if keep or start != end:
            result = self.replace(keep, start, end, maintain_selection_offset=False)
            self.move_cursor(result.end_location)
        return len(keep)
