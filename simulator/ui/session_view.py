"""One session for review: transcript with timings and highlighted evidence, scores with reasons."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.content import Content
from textual.message import Message
from textual.screen import Screen
from textual.widgets import Footer, Sparkline, Static

from ..report import clock, html_report, markdown
from ..scoring import load_rubrics
from ..store import ReviewStore
from ..text import display_safe
from ..transcript import ReviewTurn, Transcript, load_transcript
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

    def __init__(self, turn: ReviewTurn, notes: list[dict], customer: str, candidate: str):
        super().__init__(classes=turn.role)
        self.turn = turn
        self.notes = notes
        self.customer = customer
        self.candidate = candidate

    def on_mount(self) -> None:
        self.refresh_content()

    def refresh_content(self) -> None:
        turn = self.turn
        who = self.customer if turn.role == "customer" else self.candidate
        head = f"{display_safe(who)} · {clock(turn.t)} · turn {turn.index}"
        if turn.nudge:
            head += " · nudge"
        lines = [Content(head).stylize("bold")]
        if turn.timing:
            t = turn.timing
            lines.append(Content(
                f"first key {clock(t.first_key)} · sent after {clock(t.to_send)} · typing {clock(t.typing)} · "
                f"{t.edits} edits · {t.deleted} deleted · {t.pastes} pastes" + (" · SENT WHILE THE CUSTOMER WAS TYPING" if t.interrupted else "")
            ).stylize("dim"))
        lines.append(highlighted(turn.text, turn.tags))
        for tag in turn.tags:
            sign = "+" if tag.polarity > 0 else "−"
            lines.append(Content(f"  {sign} {tag.dimension} / {tag.behaviour}: “{display_safe(tag.evidence)}”  ({display_safe(tag.rule)})").stylize("green" if tag.polarity > 0 else "red"))
        kept = {(t.behaviour, t.start) for t in turn.tags}
        for stored in turn.auto_tags:
            if (stored["behaviour"], stored["start"]) not in kept:
                lines.append(Content(f"  ✗ {stored['dimension']} / {stored['behaviour']}: “{display_safe(stored['evidence'])}” (automatic, overridden)").stylize("dim strike"))
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
        Binding("E", "export('html')", "Export .html", id="session.export_html"),
    ]

    @dataclass
    class Replay(Message):
        """Replay this session."""

        transcript: Transcript

    def __init__(self, store: ReviewStore, session_id: str, reviewer: str, blind: bool = False, export_dir: Path | None = None):
        super().__init__()
        self.store = store
        self.session_id = session_id
        self.reviewer = reviewer
        self.blind = blind
        self.export_dir = export_dir or Path.cwd()
        self.transcript = load_transcript(store, session_id)

    def candidate_name(self) -> str:
        if self.blind and not self.store.has_reviewed(self.session_id, self.reviewer):
            return "Candidate"
        return self.transcript.session["candidate"] or "Candidate"

    def compose(self) -> ComposeResult:
        yield Static(Content(""), id="session-title")
        with Horizontal(id="session-body"):
            yield VerticalScroll(id="turns")
            with VerticalScroll(id="side"):
                yield Static(Content("Scores"), classes="side-heading")
                yield Static(Content(""), id="scores")
                yield Static(Content("Seconds to send, per reply"), classes="side-heading")
                yield Sparkline([], id="latency")
                yield Static(Content(""), id="latency-text")
                yield Static(Content("Customer mood over time (0 calm – 100 furious)"), classes="side-heading")
                yield Sparkline([], id="mood")
                yield Static(Content(""), id="mood-text")
                yield Static(Content("Reviewers"), classes="side-heading")
                yield Static(Content(""), id="reviewers")
        yield Footer()

    def on_mount(self) -> None:
        self.render_all()
        first = self.query(TurnView).first() if self.query(TurnView) else None
        if first:
            first.focus()

    def render_all(self) -> None:
        t = self.transcript
        s = t.session
        persona = self._customer_name()
        self.query_one("#session-title", Static).update(Content(
            f"{display_safe(self.candidate_name())} · {display_safe(s['scenario_id'] or '')} · {s['started_at'][:16].replace('T', ' ')} · "
            f"{clock(t.duration)} · outcome {s['outcome']} · {s['source']}"
        ))
        turns = self.query_one("#turns", VerticalScroll)
        focused = self.focused.turn.index if isinstance(self.focused, TurnView) else None
        turns.remove_children()
        views = [TurnView(turn, [n for n in t.notes if n["turn"] == turn.index], persona, self.candidate_name()) for turn in t.turns]
        turns.mount_all(views)
        if focused is not None:
            for view in views:
                if view.turn.index == focused:
                    self.call_after_refresh(view.focus)
        self._render_side()

    def _customer_name(self) -> str:
        text = self.store.snapshot(self.transcript.session.get("persona_hash") or "") or ""
        for line in text.splitlines():
            if line.startswith("name:"):
                return line.split(":", 1)[1].strip().strip("\"'")
        return "Customer"

    def _render_side(self) -> None:
        t = self.transcript
        automatic = t.automatic_scores()
        reviewed = t.scores()
        human = t.score_overrides()
        rubrics = load_rubrics()
        lines = []
        for dim, score in reviewed.items():
            if score.score is None and dim not in human:
                continue
            title = rubrics[dim].title if dim in rubrics else dim
            line = f"{title}: {score.score}"
            if automatic[dim].score != score.score:
                line += f" (automatic {automatic[dim].score})"
            if dim in human:
                line += f" · reviewer {display_safe(human[dim]['author'])}: {human[dim]['score']} — {display_safe(human[dim]['reason'])}"
            evidence = sum(1 for e in score.evidence if e.get("kind") == "tag")
            lines.append(Content(line).stylize("bold"))
            lines.append(Content(f"  {score.descriptor} ({evidence} tags of evidence)"))
        self.query_one("#scores", Static).update(Content("\n").join(lines))
        latencies = [r.timing.to_send for r in t.replies() if r.timing and r.timing.to_send is not None]
        self.query_one("#latency", Sparkline).data = latencies or [0]
        self.query_one("#latency-text", Static).update(Content(" ".join(f"{x:.0f}s" for x in latencies) or "no replies"))
        moods = [m for _, m in t.moods]
        self.query_one("#mood", Sparkline).data = moods or [0]
        self.query_one("#mood-text", Static).update(Content(
            (f"from {moods[0]:.0f} to {moods[-1]:.0f}" if moods else "no change") + " · states: " + " → ".join(name for _, name in t.states)
        ))
        reviewers = [f"{display_safe(r['reviewer'])} recommends: {r['recommendation']} — {display_safe(r['reason'] or '')}" for r in t.recommendations]
        reviewers += [f"✎ {display_safe(n['author'])}: {display_safe(n['text'])}" for n in t.notes if n["turn"] is None]
        reviewers += [f"{display_safe(o['author'])} {o['action']}: {display_safe(o['reason'])}" for o in t.overrides]
        self.query_one("#reviewers", Static).update(Content("\n".join(reviewers) or "No notes or overrides yet."))

    def _reload(self) -> None:
        self.transcript = load_transcript(self.store, self.session_id)
        self.render_all()

    def _focused_turn(self) -> ReviewTurn | None:
        return self.focused.turn if isinstance(self.focused, TurnView) else None

    def action_note(self) -> None:
        turn = self._focused_turn()
        self._note_turn = turn.index if turn else None
        self.app.push_screen(NoteDialog(self._note_turn), self._save_note)

    def action_session_note(self) -> None:
        self._note_turn = None
        self.app.push_screen(NoteDialog(None), self._save_note)

    def _save_note(self, result) -> None:
        if result:
            self.store.add_note(self.session_id, self.reviewer, result, turn=self._note_turn)
            self._reload()

    def action_override(self) -> None:
        turn = self._focused_turn()
        if turn is None or turn.role != "candidate":
            self.notify("Focus a candidate's turn first (↑/↓).", severity="warning")
            return
        self.app.push_screen(TagOverrideDialog(turn.index, turn.auto_tags), self._save_override)

    def _save_override(self, result) -> None:
        if result:
            reason = result.pop("reason")
            action = result.pop("action")
            self.store.override(self.session_id, self.reviewer, reason, action, **result)
            self._reload()

    def action_score(self) -> None:
        self.app.push_screen(ScoreDialog(), self._save_score)

    def _save_score(self, result) -> None:
        if result:
            self.store.override(self.session_id, self.reviewer, result["reason"], "score", dimension=result["dimension"], score=result["score"])
            self._reload()

    def action_recommend(self) -> None:
        self.app.push_screen(RecommendDialog(), self._save_recommendation)

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
        text = html_report(self.transcript) if kind == "html" else markdown(self.transcript)
        path = self.export_dir / f"rolesim-{self.session_id[:8]}.{kind}"
        path.write_text(text, encoding="utf-8")
        self.app.call_from_thread(self.notify, display_safe(f"Saved {path}"), markup=False)
