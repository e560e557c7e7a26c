"""The chat: the customer's messages, the countdown, the reply input and the brief."""

from __future__ import annotations

from pathlib import Path

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.content import Content
from textual.screen import Screen
from textual.widgets import Static, TextArea

from ..engine import Event
from ..i18n import Messages
from ..session import MAX_REPLY, LiveSession
from ..text import display_safe, reflow
from .confirm import ConfirmQuit
from .localize import localize_bindings
from .reply_box import ReplyBox


def clock_text(seconds: float) -> str:
    """Seconds as m:ss, rounded up so 0:00 means the time is really over."""
    whole = int(seconds) + (seconds % 1 > 0)
    return f"{whole // 60}:{whole % 60:02d}"


class ChatMessage(Vertical):
    """One message: who and when, then the text exactly as written."""

    DEFAULT_CSS = """
    ChatMessage { height: auto; margin: 0 0 1 0; }
    ChatMessage .who { text-style: bold; }
    ChatMessage.customer .who { color: $warning; }
    ChatMessage.candidate .who { color: $accent; }
    ChatMessage.candidate { padding-left: 4; }
    ChatMessage.nudge .body { text-style: italic; }
    """

    def __init__(self, who: str, text: str, t: float, role: str, nudge: bool = False):
        super().__init__(classes=role + (" nudge" if nudge else ""))
        self.who = who
        self.text = text
        self.t = t

    def compose(self) -> ComposeResult:
        yield Static(Content(f"{display_safe(self.who)} · {clock_text(self.t)}"), classes="who")
        yield Static(Content(display_safe(self.text)), classes="body")


READ_LAST_MESSAGE = 4.0  # seconds the chat stays up after the customer's farewell, to read it


class ChatScreen(Screen):
    """The candidate's timed chat; it drives the engine from one timer."""

    CSS_PATH = Path(__file__).with_suffix(".tcss")
    BINDINGS = [
        Binding("pageup", "scroll('transcript', -1)", "Scroll chat up", show=False, id="chat.scroll_up"),
        Binding("pagedown", "scroll('transcript', 1)", "Scroll chat down", show=False, id="chat.scroll_down"),
        Binding("ctrl+up", "scroll('side', -1)", "Scroll notes up", show=False, id="chat.notes_up"),
        Binding("ctrl+down", "scroll('side', 1)", "Scroll notes down", show=False, id="chat.notes_down"),
    ]

    def __init__(self, session: LiveSession, first_events: list[Event], tick_interval: float, messages: Messages):
        super().__init__()
        self.messages = messages
        localize_bindings(self, self.messages)
        self.session = session
        self.first_events = first_events
        self.tick_interval = tick_interval
        self.ended = False
        self.ended_at: float | None = None
        self.outcome: str | None = None

    def compose(self) -> ComposeResult:
        scenario = self.session.scenario
        with Horizontal(id="topbar"):
            yield Static(Content(display_safe(scenario.title)), id="title")
            yield Static(Content(""), id="countdown")
        yield Static(Content(""), id="banner")
        with Horizontal(id="body"):
            with Vertical(id="chat"):
                # Nothing but the reply box takes focus, so a keystroke can never land anywhere else.
                yield VerticalScroll(id="transcript", can_focus=False)
                yield Static(Content(""), id="typing")
                yield ReplyBox(id="reply")
                yield Static(Content(""), id="hint")
            with VerticalScroll(id="side", can_focus=False):
                yield from self.side_widgets()

    def side_widgets(self) -> ComposeResult:
        """The side panel: the brief and reference notes (a play-test adds the author's view)."""
        scenario = self.session.scenario
        yield Static(Content(self.messages("chat.brief")), classes="side-heading")
        yield Static(Content(display_safe(reflow(scenario.brief))), id="brief")
        yield Static(Content(self.messages("chat.reference")), classes="side-heading")
        yield Static(Content(display_safe(reflow(scenario.reference))), id="reference")

    def on_mount(self) -> None:
        self.query_one(ReplyBox).focus()
        self._show(self.first_events)
        self.tick()  # anything already due (a customer with no think time) shows in this first frame
        self.set_interval(self.tick_interval, self.tick)
        self.call_after_refresh(self.session.start_recording)  # the database opens after the first frame
        # The tagger (70-90 ms to build) is ready before the first reply, instead of delaying its send.
        self.call_after_refresh(lambda: self.run_worker(self.session.warm_up, thread=True, exit_on_error=False))

    def action_scroll(self, panel: str, direction: int) -> None:
        """Scroll the chat or the notes without moving the focus off the reply box."""
        box = self.query_one(f"#{panel}", VerticalScroll)
        (box.scroll_page_down if direction > 0 else box.scroll_page_up)(animate=False)

    def tick(self) -> None:
        """One beat of the clock: let the customer act, redraw the countdown."""
        if not self.ended:
            self._show(self.session.advance())
            self._refresh_status()
        if self.ended_at is not None and self.session.now() >= self.ended_at + READ_LAST_MESSAGE:
            self.ended_at = None
            self.app.session_ended(self.outcome)

    def _show(self, events: list[Event]) -> None:
        transcript = self.query_one("#transcript", VerticalScroll)
        persona = self.session.persona.name
        for event in events:
            if event.kind == "customer_message":
                transcript.mount(ChatMessage(persona, event.data["text"], event.t, "customer", event.data.get("nudge", False)))
                transcript.scroll_end(animate=False)
                self.app.first_message_drawn()
            elif event.kind == "send":
                transcript.mount(ChatMessage(self.messages("chat.you"), event.data["text"], event.t, "candidate"))
                transcript.scroll_end(animate=False)
            elif event.kind == "end":
                self._end(event.data.get("outcome"), event.t)

    def _end(self, outcome: str | None, at: float) -> None:
        self.ended = True
        self.outcome = outcome
        box = self.query_one(ReplyBox)
        box.read_only = True
        box.blur()
        if outcome in ("time_up", "abandoned"):
            self.app.session_ended(outcome)
        else:  # the customer said goodbye: leave the farewell on screen a moment
            self.ended_at = at
            if isinstance(self.app.screen, ConfirmQuit):
                self.app.screen.dismiss(False)  # whether to leave is moot now: show her last line, not the question

    def _refresh_status(self) -> None:
        remaining = self.session.remaining()
        countdown = self.query_one("#countdown", Static)
        t = self.messages
        countdown.update(Content(t("chat.time_left", clock=clock_text(remaining))))
        countdown.set_class(remaining <= 60, "low")
        if self.ended:
            status = t("chat.ended")
        elif self.session.conversation.customer_typing:
            status = t("chat.typing", name=display_safe(self.session.persona.name))
        else:
            status = ""
        self.query_one("#typing", Static).update(Content(status))
        recorder = self.session.recorder
        if recorder and recorder.degraded:
            banner = self.query_one("#banner", Static)
            banner.update(Content(t("chat.recording_problem", detail=display_safe(recorder.degraded))))
            banner.add_class("shown")

    @on(ReplyBox.Submitted)
    def submitted(self, event: ReplyBox.Submitted) -> None:
        if self.ended or not event.text.strip():
            return
        self._show(self.session.send(event.text))
        event.reply_box.clear()
        self._refresh_status()

    @on(TextArea.Changed, "#reply")
    def changed(self, event: TextArea.Changed) -> None:
        text = event.text_area.text
        self.session.edit(text)
        hint = self.query_one("#hint", Static)
        if len(text) < MAX_REPLY:
            hint.remove_class("truncated")  # the cut paste was sent, emptied or shortened: the notice is old news
        if not hint.has_class("truncated"):
            hint.update(Content(f"{self.messages('chat.hint')} · {len(text)}/{MAX_REPLY}"))

    @on(ReplyBox.Pasted)
    def pasted(self, event: ReplyBox.Pasted) -> None:
        self.session.paste(event.text, event.kept)
        hint = self.query_one("#hint", Static)
        if event.kept < len(event.text):
            t = self.messages
            hint.update(Content(t("chat.paste_cut", n=len(event.text), kept=t.number(MAX_REPLY), total=t.number(len(event.text)))))
            hint.add_class("truncated")
        else:
            hint.remove_class("truncated")
