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

from ..report import clock
from ..model import DIMENSIONS
from ..scoring import load_rubrics
from ..text import display_safe
from ..transcript import Transcript


class CompareScreen(Screen):
    """Scores, outcomes, latencies and key replies, one column per session."""

    CSS_PATH = Path(__file__).with_suffix(".tcss")
    BINDINGS = [Binding("escape", "app.pop_screen", "Back", id="compare.back")]

    def __init__(self, transcripts: list[Transcript], names: list[str]):
        super().__init__()
        self.transcripts = transcripts
        self.names = names

    def compose(self) -> ComposeResult:
        scenarios = {t.session["scenario_id"] for t in self.transcripts}
        note = "" if len(scenarios) == 1 else " — different scenarios: compare with care"
        yield Static(Content(f"Comparing {len(self.transcripts)} sessions of {', '.join(sorted(map(display_safe, scenarios)))}{note}"), id="compare-title")
        yield DataTable(id="compare", cursor_type="row", zebra_stripes=True)
        yield Footer()

    def on_mount(self) -> None:
        table = self.query_one(DataTable)
        table.add_column("")
        for name in self.names:
            table.add_column(Text(display_safe(name)))
        rubrics = load_rubrics()

        def row(label: str, values) -> None:
            table.add_row(Text(label), *(v if isinstance(v, Text) else Text(str(v)) for v in values))

        row("Outcome", [t.session["outcome"] for t in self.transcripts])
        row("Duration", [clock(t.duration) for t in self.transcripts])
        row("Replies", [len(t.replies()) for t in self.transcripts])
        row("Median seconds to send", [self._median(t, "to_send") for t in self.transcripts])
        row("Median seconds to first key", [self._median(t, "first_key") for t in self.transcripts])
        row("Sent while customer typed", [sum(r.interrupted for r in t.replies()) for t in self.transcripts])
        all_scores = [(t.scores(), t.score_overrides()) for t in self.transcripts]
        for dim in (d for d in DIMENSIONS if d in rubrics):  # core dimensions first
            rubric = rubrics[dim]
            values = []
            for scores, human in all_scores:
                value = "—" if scores[dim].score is None else str(scores[dim].score)
                if dim in human:
                    value += f" (reviewer {human[dim]['score']})"
                values.append(value)
            row(rubric.title, values)
        row("States", [" → ".join(name for _, name in t.states) for t in self.transcripts])
        row("First reply", [Text(display_safe(t.replies()[0].text[:200])) if t.replies() else "—" for t in self.transcripts])
        row("Last reply", [Text(display_safe(t.replies()[-1].text[:200])) if t.replies() else "—" for t in self.transcripts])

    @staticmethod
    def _median(t: Transcript, field: str) -> str:
        values = [getattr(r.timing, field) for r in t.replies() if r.timing and getattr(r.timing, field) is not None]
        return f"{statistics.median(values):.1f}" if values else "—"
