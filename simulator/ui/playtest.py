"""Play-test for authors: the candidate screen plus the machine's view, reloading the YAML as you edit."""

from __future__ import annotations

import time
from dataclasses import replace
from pathlib import Path
from typing import Callable

from textual.app import ComposeResult
from textual.content import Content
from textual.widgets import Static

from ..engine import Event
from ..i18n import Messages
from ..loader import load_persona, load_scenario
from ..model import Persona, Scenario
from ..session import LiveSession
from ..text import display_safe
from ..yamlsource import LoadError
from .app import CandidateApp
from .chat import ChatMessage, ChatScreen


class PlaytestScreen(ChatScreen):
    """The chat as a candidate sees it, with the state, mood, tags and transitions beside it."""

    def __init__(self, session: LiveSession, first_events: list[Event], tick_interval: float, reload_interval: float = 0.5, *, messages: Messages):
        super().__init__(session, first_events, tick_interval, messages)
        self.reload_interval = reload_interval
        self.log_lines: list[Content] = []
        self._mtimes = self._stamp()

    def side_widgets(self) -> ComposeResult:
        yield Static(Content(self.messages("playtest.heading")), classes="side-heading")
        yield Static(Content(""), id="machine")
        yield Static(Content(""), id="author-log")
        yield from super().side_widgets()

    def on_mount(self) -> None:
        super().on_mount()
        self.set_interval(self.reload_interval, self.check_reload)

    def _show(self, events: list[Event]) -> None:
        super()._show(events)
        m = self.messages
        for event in events:
            d = event.data
            if event.kind == "state":
                self.log_lines.append(Content(m("playtest.state", to=d["to"], origin=d["from"] or m("playtest.start"), trigger=d["trigger"])).stylize("bold"))
            elif event.kind == "send":
                tags = ", ".join(f"{'+' if t['polarity'] > 0 else '−'}{t['behaviour']} “{display_safe(t['evidence'])}” [{t['rule']}]" for t in d["tags"]) or m("playtest.no_tags")
                cues = ", ".join(d.get("cues", [])) or m("playtest.none")
                self.log_lines.append(Content(m("playtest.reply", tags=tags, cues=cues)))
            elif event.kind == "mood":
                self.log_lines.append(Content(m("playtest.mood", value=f"{d['value']:g}", delta=f"{d['delta']:+g}", reason=d["reason"])).stylize("dim"))
            elif event.kind == "nudge":
                self.log_lines.append(Content(m("playtest.nudge", count=d["count"])).stylize("dim"))
        self.log_lines = self.log_lines[-14:]
        if self.is_mounted:
            self._refresh_machine()

    def _refresh_machine(self) -> None:
        c = self.session.conversation
        persona = self.session.persona
        self.query_one("#machine", Static).update(Content(self.messages("playtest.machine", state=c.state, mood=f"{c.mood:g}", calm=persona.mood_calm, leave=persona.mood_leave)))
        self.query_one("#author-log", Static).update(Content("\n").join(self.log_lines))

    def _stamp(self) -> tuple[float, float]:
        paths = (self.session.scenario.path, self.session.persona.path)
        return tuple(Path(p).stat().st_mtime if p and Path(p).exists() else 0.0 for p in paths)

    def check_reload(self) -> None:
        """Reload the YAML when a file changed; replay the replies so far on the new version."""
        stamp = self._stamp()
        if stamp == self._mtimes:
            return
        self._mtimes = stamp
        try:
            scenario = load_scenario(self.session.scenario.path)
            persona = load_persona(self.session.persona.path)
        except LoadError as exc:
            self.log_lines.append(Content(self.messages("playtest.reload_failed", problem=display_safe(str(exc.problems[0])))).stylize("red"))
            self._refresh_machine()
            return
        scenario = replace(scenario, facts={**scenario.facts, **self.app.fact_overrides})
        replies = sum(1 for t in self.session.conversation.turns if t.role == "candidate")
        events = self.session.reload(scenario, persona)
        transcript = self.query_one("#transcript")
        transcript.remove_children()
        self.ended = False
        self.log_lines = [Content(self.messages("playtest.reloaded", n=replies)).stylize("green")]
        self._show([e for e in events if e.kind not in ("customer_message", "send")])
        for turn in self.session.conversation.turns:
            who = persona.name if turn.role == "customer" else self.messages("chat.you")
            transcript.mount(ChatMessage(who, turn.text, turn.t, turn.role, turn.nudge))
        self._refresh_status()


class PlaytestApp(CandidateApp):
    """No notice and no storage: straight into the chat, with the author's view."""

    TITLE = "rolesim playtest"

    def __init__(self, session: LiveSession, fact_overrides: dict[str, str], **options):
        super().__init__(session, "author", **options)  # speaks the scenario's language, or lang=
        self.fact_overrides = fact_overrides

    def first_screen(self) -> None:
        # Textual calls every class's on_mount, so the switch happens in this hook instead.
        first = self.session.begin("author")
        self.push_screen(PlaytestScreen(self.session, first, self.tick_interval, messages=self.messages))

    def session_ended(self, outcome: str | None) -> None:
        self.notify(self.messages("playtest.ended", outcome=outcome), timeout=10, markup=False)


def build_playtest_app(
    scenario: Scenario,
    persona: Persona,
    *,
    start_state: str | None = None,
    mood: float | None = None,
    facts: dict[str, str] | None = None,
    seed: int = 0,
    clock: Callable[[], float] = time.monotonic,
    tick_interval: float = 0.1,
    lang: str | None = None,
) -> PlaytestApp:
    """The play-test app (CLI and tests)."""
    facts = facts or {}
    scenario = replace(scenario, facts={**scenario.facts, **facts})
    session = LiveSession(scenario, persona, None, seed=seed, clock=clock, start_state=start_state, mood=mood)
    return PlaytestApp(session, facts, tick_interval=tick_interval, lang=lang)
