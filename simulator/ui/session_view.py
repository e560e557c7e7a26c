"""One session for review: transcript with timings and highlighted evidence, scores with reasons."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.content import Content
from textual.message import Message
from textual.screen import Screen
from textual.widgets import Footer, Sparkline, Static

from ..i18n import Messages
from ..report import dimension_title, html_report, markdown
from ..scoring import describe
from ..scoring import load_rubrics
from ..store import ReviewStore
from ..text import display_safe
from ..transcript import ReviewTurn, Transcript, load_transcript, stored_source
from ..yamlsource import LoadError
from .localize import localize_bindings
from .review_modals import NoteDialog, RecommendDialog, ScoreDialog, TagOverrideDialog

POSITIVE = "black on #a5d6a7"
NEGATIVE = "white on #c62828"


def highlighted(text: str, tags) -> Content:
    """The text exactly as written (made display-safe piece by piece), evidence words highlighted."""
    spans = sorted(((t.start, t.end, t.polarity) for t in tags if t.end > t.start), key=lambda s: (s[0], -s[1]))
    out = Content("")
    pos = 0
    for start, end, polarity in spans:
        if start < pos:
            continue  # overlapping evidence: the first span keeps its colour
        out += Content(display_safe(text[pos:start]))
        out += Content(display_safe(text[start:end])).stylize(POSITIVE if polarity > 0 else NEGATIVE)
        pos = end
    return out + Content(display_safe(text[pos:]))


class TurnView(Static, can_focus=True):
    """One turn; focus it (↑/↓ or click) to note or override it."""

    DEFAULT_CSS = """
    TurnView { height: auto; padding: 0 1; margin-bottom: 1; border-left: tall $panel; }
    TurnView.candidate { border-left: tall $accent; margin-left: 2; }
    TurnView:focus { background: $boost; border-left: tall $warning; }
    """

    def __init__(self, turn: ReviewTurn, notes: list[dict], customer: str, candidate: str, messages: Messages):
        super().__init__(classes=turn.role)
        self.messages = messages
        self.turn = turn
        self.notes = notes
        self.customer = customer
        self.candidate = candidate

    def on_mount(self) -> None:
        self.refresh_content()

    def refresh_content(self) -> None:
        turn = self.turn
        m = self.messages
        clock = lambda seconds: m.clock(seconds, tenths=True)  # noqa: E731
        who = self.customer if turn.role == "customer" else self.candidate
        head = m("review.session.turn_head", who=display_safe(who), clock=clock(turn.t), turn=turn.index)
        if turn.nudge:
            head += m("review.session.nudge")
        lines = [Content(head).stylize("bold")]
        if turn.timing:
            t = turn.timing
            lines.append(Content(
                m("review.session.timing", first_key=clock(t.first_key), to_send=clock(t.to_send), typing=clock(t.typing), edits=m("count.edits", n=t.edits), deleted=t.deleted, pastes=m("count.pastes", n=t.pastes))
                + (m("review.session.interrupted") if t.interrupted else "")
            ).stylize("dim"))
        lines.append(highlighted(turn.text, turn.tags))
        for tag in turn.tags:
            sign = "+" if tag.polarity > 0 else "−"
            lines.append(Content(f"  {sign} {tag.dimension} / {tag.behaviour}: “{display_safe(tag.evidence)}”  ({display_safe(tag.rule)})").stylize("green" if tag.polarity > 0 else "red"))
        kept = {(t.behaviour, t.start) for t in turn.tags}
        for stored in turn.auto_tags:
            if (stored["behaviour"], stored["start"]) not in kept:
                lines.append(Content(f"  ✗ {stored['dimension']} / {stored['behaviour']}: “{display_safe(stored['evidence'])}” {m('review.session.overridden')}").stylize("dim strike"))
        for note in self.notes:
            lines.append(Content(f"  ✎ {display_safe(note['author'])}: {display_safe(note['text'])}").stylize("italic"))
        self.update(Content("\n").join(lines))


class SessionScreen(Screen):
    """The transcript on the left; scores, charts and reviewers on the right."""

    CSS_PATH = Path(__file__).with_suffix(".tcss")
    BINDINGS = [
        Binding("escape", "app.pop_screen", "Back", id="session.back"),
        Binding("n", "note", "Note on turn", id="session.note"),
        Binding("N", "session_note", "Note on session", id="session.session_note"),
        Binding("o", "override", "Override tags", id="session.override"),
        Binding("s", "score", "Score", id="session.score"),
        Binding("R", "recommend", "Recommend", id="session.recommend"),
        Binding("p", "replay", "Replay", id="session.replay"),
        Binding("e", "export('md')", "Export .md", id="session.export_md"),
        # Not in the footer (it would push keys off at 110 columns): saving the .md names it, as docs/reviewing.md does.
        Binding("E", "export('html')", "Export .html", id="session.export_html", show=False),
    ]

    @dataclass
    class Replay(Message):
        """Replay this session."""

        transcript: Transcript

    def __init__(self, store: ReviewStore, session_id: str, reviewer: str, blind: bool, export_dir: Path | None, messages: Messages, report_lang: str | None = None):
        super().__init__()
        self.messages = messages
        self.report_lang = report_lang  # None: exports in the session's own language
        localize_bindings(self, self.messages)
        self.store = store
        self.session_id = session_id
        self.reviewer = reviewer
        self.blind = blind
        self.export_dir = export_dir or Path.cwd()
        self.transcript = load_transcript(store, session_id)

    def candidate_name(self) -> str:
        if self.blind and not self.store.has_reviewed(self.session_id, self.reviewer):
            return self.messages("review.candidate")
        return self.transcript.session["candidate"] or self.messages("review.candidate")

    def compose(self) -> ComposeResult:
        yield Static(Content(""), id="session-title")
        with Horizontal(id="session-body"):
            yield VerticalScroll(id="turns")
            with VerticalScroll(id="side"):
                m = self.messages
                yield Static(Content(m("review.session.scores")), classes="side-heading")
                yield Static(Content(""), id="scores")
                yield Static(Content(m("review.session.latency")), classes="side-heading")
                yield Sparkline([], id="latency")
                yield Static(Content(""), id="latency-text")
                yield Static(Content(m("review.session.mood")), classes="side-heading")
                yield Sparkline([], id="mood")
                yield Static(Content(""), id="mood-text")
                yield Static(Content(m("review.session.reviewers")), classes="side-heading")
                yield Static(Content(""), id="reviewers")
        # Compact, and without the palette's hint: every key shown fits at 110 columns, in every language.
        yield Footer(compact=True, show_command_palette=False)

    def on_mount(self) -> None:
        self.render_all()
        first = self.query(TurnView).first() if self.query(TurnView) else None
        if first:
            first.focus()

    def render_all(self) -> None:
        t = self.transcript
        s = t.session
        persona = self._customer_name()
        m = self.messages
        self.query_one("#session-title", Static).update(Content(m(
            "review.session.title",
            candidate=display_safe(self.candidate_name()),
            scenario=display_safe(s["scenario_id"] or ""),
            started=m.datetime(s["started_at"]),
            duration=m.clock(t.duration, tenths=True),
            outcome=m(f"outcome.{s['outcome']}"),
            source=m.get(f"source.{s['source']}", s["source"]),
        )))
        turns = self.query_one("#turns", VerticalScroll)
        focused = self.focused.turn.index if isinstance(self.focused, TurnView) else None
        turns.remove_children()
        views = [TurnView(turn, [n for n in t.notes if n["turn"] == turn.index], persona, self.candidate_name(), m) for turn in t.turns]
        turns.mount_all(views)
        if focused is not None:
            for view in views:
                if view.turn.index == focused:
                    self.call_after_refresh(view.focus)
        self._render_side()

    def _customer_name(self) -> str:
        try:
            return stored_source(self.store, self.transcript.session, "persona").name
        except (KeyError, LoadError):
            return self.messages("review.customer")

    def _render_side(self) -> None:
        t = self.transcript
        automatic = t.automatic_scores()
        reviewed = t.scores()
        human = t.score_overrides()
        rubrics = load_rubrics()
        m = self.messages
        lines = []
        for dim, score in reviewed.items():
            if score.score is None and dim not in human:
                continue
            line = m("review.session.score_line", title=dimension_title(dim, m, rubrics), score=score.score)
            if automatic[dim].score != score.score:
                line += m("review.session.automatic", score=automatic[dim].score)
            if dim in human:
                line += m("review.session.reviewer_score", name=display_safe(human[dim]["author"]), score=human[dim]["score"], reason=display_safe(human[dim]["reason"]))
            evidence = sum(1 for e in score.evidence if e.get("kind") == "tag")
            lines.append(Content(line).stylize("bold"))
            lines.append(Content(m("review.session.evidence", descriptor=describe(score, m.lang, rubrics), n=evidence)))
        self.query_one("#scores", Static).update(Content("\n").join(lines))
        latencies = [r.timing.to_send for r in t.replies() if r.timing and r.timing.to_send is not None]
        self.query_one("#latency", Sparkline).data = latencies or [0]
        self.query_one("#latency-text", Static).update(Content(" ".join(m("review.session.seconds", n=round(x)) for x in latencies) or m("review.session.no_replies")))
        moods = [value for _, value in t.moods]
        self.query_one("#mood", Sparkline).data = moods or [0]
        self.query_one("#mood-text", Static).update(Content(
            (m("review.session.mood_range", start=f"{moods[0]:.0f}", end=f"{moods[-1]:.0f}") if moods else m("review.session.no_change"))
            + m("review.session.states") + " → ".join(name for _, name in t.states)
        ))
        reviewers = [m("review.session.recommends", name=display_safe(r["reviewer"]), recommendation=m.get(f"recommendation.{r['recommendation']}", r["recommendation"]), reason=display_safe(r["reason"] or "")) for r in t.recommendations]
        reviewers += [f"✎ {display_safe(n['author'])}: {display_safe(n['text'])}" for n in t.notes if n["turn"] is None]
        reviewers += [m("review.session.override", name=display_safe(o["author"]), action=o["action"], reason=display_safe(o["reason"])) for o in t.overrides]
        self.query_one("#reviewers", Static).update(Content("\n".join(reviewers) or m("review.session.nothing_yet")))

    def _reload(self) -> None:
        self.transcript = load_transcript(self.store, self.session_id)
        self.render_all()

    def _focused_turn(self) -> ReviewTurn | None:
        return self.focused.turn if isinstance(self.focused, TurnView) else None

    def action_note(self) -> None:
        turn = self._focused_turn()
        self._note_turn = turn.index if turn else None
        self.app.push_screen(NoteDialog(self._note_turn, self.messages), self._save_note)

    def action_session_note(self) -> None:
        self._note_turn = None
        self.app.push_screen(NoteDialog(None, self.messages), self._save_note)

    def _save_note(self, result) -> None:
        if result:
            self.store.add_note(self.session_id, self.reviewer, result, turn=self._note_turn)
            self._reload()

    def action_override(self) -> None:
        turn = self._focused_turn()
        if turn is None or turn.role != "candidate":
            self.notify(self.messages("review.session.focus_turn"), severity="warning", markup=False)
            return
        self.app.push_screen(TagOverrideDialog(turn.index, turn.auto_tags, self.messages), self._save_override)

    def _save_override(self, result) -> None:
        if result:
            reason = result.pop("reason")
            action = result.pop("action")
            self.store.override(self.session_id, self.reviewer, reason, action, **result)
            self._reload()

    def action_score(self) -> None:
        self.app.push_screen(ScoreDialog(self.messages), self._save_score)

    def _save_score(self, result) -> None:
        if result:
            self.store.override(self.session_id, self.reviewer, result["reason"], "score", dimension=result["dimension"], score=result["score"])
            self._reload()

    def action_recommend(self) -> None:
        self.app.push_screen(RecommendDialog(self.messages), self._save_recommendation)

    def _save_recommendation(self, result) -> None:
        if result:
            self.store.recommend(self.session_id, self.reviewer, result["recommendation"], result["reason"])
            self._reload()

    def action_replay(self) -> None:
        self.post_message(self.Replay(self.transcript))

    def action_export(self, kind: str) -> None:
        self._export(kind)

    @work(thread=True, exclusive=True, group="export")
    def _export(self, kind: str) -> None:
        lang = self.report_lang or self.transcript.session.get("language")
        text = html_report(self.transcript, lang) if kind == "html" else markdown(self.transcript, lang)
        path = self.export_dir / f"rolesim-{self.session_id[:8]}.{kind}"
        path.write_text(text, encoding="utf-8")
        saved = "review.session.saved" if kind == "html" else "review.session.saved_md"  # E is not in the footer: say it
        self.app.call_from_thread(self.notify, display_safe(self.messages(saved, path=path)), markup=False)
