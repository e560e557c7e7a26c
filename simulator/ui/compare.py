"""Two or more sessions of the same scenario side by side."""

from __future__ import annotations

import statistics
from pathlib import Path

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.content import Content
from textual.screen import Screen
from textual.widgets import DataTable, Footer, Static

from ..i18n import Messages
from ..model import DIMENSIONS
from ..report import dimension_title
from ..scoring import load_rubrics
from ..text import display_safe
from ..transcript import Transcript
from .localize import localize_bindings


class CompareScreen(Screen):
    """Scores, outcomes, latencies and key replies, one column per session."""

    CSS_PATH = Path(__file__).with_suffix(".tcss")
    BINDINGS = [Binding("escape", "app.pop_screen", "Back", id="compare.back")]

    def __init__(self, transcripts: list[Transcript], names: list[str], messages: Messages):
        super().__init__()
        self.messages = messages
        localize_bindings(self, self.messages)
        self.transcripts = transcripts
        self.names = names

    def compose(self) -> ComposeResult:
        scenarios = {t.session["scenario_id"] for t in self.transcripts}
        m = self.messages
        note = "" if len(scenarios) == 1 else m("review.compare.different")
        yield Static(Content(m("review.compare.title", n=len(self.transcripts), scenarios=", ".join(sorted(map(display_safe, scenarios))), note=note)), id="compare-title")
        yield DataTable(id="compare", cursor_type="row", zebra_stripes=True)
        yield Footer(compact=True)

    def on_mount(self) -> None:
        table = self.query_one(DataTable)
        table.add_column("")
        for name in self.names:
            table.add_column(Text(display_safe(name)))
        rubrics = load_rubrics()

        def row(label: str, values) -> None:
            table.add_row(Text(label), *(v if isinstance(v, Text) else Text(str(v)) for v in values))

        m = self.messages
        row(m("review.compare.outcome"), [m(f"outcome.{t.session['outcome']}") for t in self.transcripts])
        row(m("review.compare.duration"), [m.clock(t.duration, tenths=True) for t in self.transcripts])
        row(m("review.compare.replies"), [len(t.replies()) for t in self.transcripts])
        row(m("review.compare.median_send"), [self._median(t, "to_send") for t in self.transcripts])
        row(m("review.compare.median_first_key"), [self._median(t, "first_key") for t in self.transcripts])
        row(m("review.compare.interrupted"), [sum(r.interrupted for r in t.replies()) for t in self.transcripts])
        all_scores = [(t.scores(), t.score_overrides()) for t in self.transcripts]
        for dim in (d for d in DIMENSIONS if d in rubrics):  # core dimensions first
            values = []
            for scores, human in all_scores:
                value = "—" if scores[dim].score is None else str(scores[dim].score)
                if dim in human:
                    value += m("review.compare.reviewer_score", score=human[dim]["score"])
                values.append(value)
            row(dimension_title(dim, m, rubrics), values)
        row(m("review.compare.states"), [" → ".join(name for _, name in t.states) for t in self.transcripts])
        row(m("review.compare.first_reply"), [Text(display_safe(t.replies()[0].text[:200])) if t.replies() else "—" for t in self.transcripts])
        row(m("review.compare.last_reply"), [Text(display_safe(t.replies()[-1].text[:200])) if t.replies() else "—" for t in self.transcripts])

    def _median(self, t: Transcript, field: str) -> str:
        values = [getattr(r.timing, field) for r in t.replies() if r.timing and getattr(r.timing, field) is not None]
        return self.messages.number(statistics.median(values), decimals=1, grouping=False) if values else "—"
