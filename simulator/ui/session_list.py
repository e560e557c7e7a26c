"""The interviewer's list of sessions: filter, sort, search what candidates wrote, blind mode."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from rich.text import Text
from textual import events, on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.content import Content
from textual.message import Message
from textual.screen import Screen
from textual.validation import Function
from textual.widgets import DataTable, Footer, Input, Select, Static

from ..i18n import Messages, parse_date
from ..store import ReviewStore
from ..text import display_safe
from .localize import localize_bindings

COLUMNS = [  # (column key, sort column in the store); labels are review.list.<key>
    ("candidate", "candidate"),
    ("scenario", "scenario_id"),
    ("date", "started_at"),
    ("duration", "ended_ms"),
    ("outcome", "outcome"),
    ("patience", "score_patience"),
    ("empathy", "score_empathy"),
    ("problem_solving", "score_problem_solving"),
]
OUTCOMES = ("resolved", "escalated", "customer_left", "time_up", "abandoned", "incomplete")
PAGE = 200  # rows drawn at a time: sorting and filtering run in SQL over every session
# When the table is wider than the screen, these columns of free text give way (ending in …),
# the widest first, down to MIN_WIDTH cells or their header; the other columns keep their width.
SHRINKABLE = ("candidate", "scenario")
MIN_WIDTH = 12


def duration_text(ms: int | None) -> str:
    return "—" if ms is None else f"{ms // 60000}:{ms // 1000 % 60:02d}"


def header_label(text: str) -> Text:
    """A column header on two lines when it has two words: "Problem-solving" as "Problem-" over "solving".

    A catalog may break a one-word header itself with a new line (Danish "Problem-\\nløsning").
    """
    if "\n" in text:
        return Text(text)
    breaks = [i + 1 for i, c in enumerate(text) if c in " -" and 0 < i < len(text) - 1]
    if not breaks:
        return Text(text)
    cut = min(breaks, key=lambda i: max(Text(text[:i].rstrip()).cell_len, Text(text[i:]).cell_len))
    return Text(text[:cut].rstrip() + "\n" + text[cut:])


def label_width(label: Text) -> int:
    return max(Text(line).cell_len for line in label.plain.split("\n"))


def fit_widths(natural: dict[str, int], minimum: dict[str, int], room: int, padding: int) -> dict[str, int]:
    """Column content widths that fit `room` cells: the widest SHRINKABLE column gives a cell at a time."""
    widths = dict(natural)
    excess = sum(w + 2 * padding for w in widths.values()) - room
    while excess > 0:
        can = [k for k in SHRINKABLE if k in widths and widths[k] > minimum[k]]
        if not can:
            break  # too narrow even so: the table scrolls sideways
        widest = max(can, key=lambda k: widths[k])
        widths[widest] -= 1
        excess -= 1
    return widths


class SessionListScreen(Screen):
    """Every recorded session; Enter opens one, Space marks it for comparison."""

    CSS_PATH = Path(__file__).with_suffix(".tcss")
    BINDINGS = [
        Binding("r", "refresh", "Refresh", id="review.refresh", tooltip="Read the database again (new sessions appear)"),
        Binding("b", "toggle_blind", "Blind mode", id="review.blind", tooltip="Hide candidate names until you have scored"),
        Binding("space", "mark", "Mark", id="review.mark", tooltip="Mark a session to compare"),
        Binding("c", "compare", "Compare marked", id="review.compare"),
        Binding("m", "more", "More rows", id="review.more", tooltip=f"Show {PAGE} more sessions"),
        Binding("q", "app.quit", "Quit", id="review.quit"),
    ]

    @dataclass
    class Open(Message):
        """The reviewer chose a session."""

        session_id: str

    @dataclass
    class Compare(Message):
        """The reviewer wants these sessions side by side."""

        session_ids: list[str]

    def __init__(self, store: ReviewStore, reviewer: str, blind: bool, messages: Messages):
        super().__init__()
        self.messages = messages
        localize_bindings(self, self.messages, n=PAGE)
        self.store = store
        self.reviewer = reviewer
        self.blind = blind
        self.sort = "started_at"
        self.descending = True
        self.marked: list[str] = []
        self.limit = PAGE
        self.labels = {key: header_label(self.messages(f"review.list.{key}")) for key, _ in COLUMNS}
        self.cells: list[tuple[Text, ...]] = []  # the rows as drawn, kept to fit them again on a resize
        self.widths: dict[str, int | None] = {}  # the fixed width of each shrunk column (None: as wide as its text)
        self.since: str | None = None  # the date filter in force: a half-typed date changes nothing
        self.ids: list[str] = []
        self.natural: dict[str, int] = {}  # each column's width for its widest text, worked out once a load

    def compose(self) -> ComposeResult:
        t = self.messages
        yield Static(Content(""), id="list-title")
        with Horizontal(id="filters"):
            yield Input(placeholder=t("review.list.filter_candidate"), id="f-candidate")
            yield Input(placeholder=t("review.list.filter_scenario"), id="f-scenario")
            yield Select([(t(f"outcome.{o}"), o) for o in OUTCOMES], prompt=t("review.list.any_outcome"), id="f-outcome")
            # A date it cannot read turns the box red (as typed and after leaving it) and filters nothing.
            yield Input(placeholder=t("review.list.filter_since"), id="f-since", validators=[Function(lambda v: parse_date(v) is not None)], valid_empty=True)
            yield Input(placeholder=t("review.list.filter_search"), id="f-search")
        yield DataTable(id="sessions", cursor_type="row", zebra_stripes=True, header_height=2)
        yield Footer(compact=True)

    def on_mount(self) -> None:
        self.load()
        self.query_one(DataTable).focus()

    def on_resize(self, event: events.Resize) -> None:
        # A narrower screen shrinks the name columns, a wider one gives them back; the rows are put in again
        # only when a width changes (the first resize comes with the mount, right after load() filled them).
        if self.query(DataTable) and (widths := self.fitted()) != self.widths:
            self.fill(widths)

    def load(self) -> None:
        """Query the store with the filters and sort, and fill the table."""
        value = lambda selector: self.query_one(selector, Input).value.strip() or None  # noqa: E731
        outcome = self.query_one("#f-outcome", Select).value
        self.since = since = parse_date(self.query_one("#f-since", Input).value)  # None: not (yet) a date, no filter
        filters = dict(
            candidate=value("#f-candidate"),
            scenario=value("#f-scenario"),
            outcome=None if outcome is Select.NULL else str(outcome),
            since=since,
            search=value("#f-search"),
        )
        rows = self.store.list_sessions(**filters, sort=self.sort, descending=self.descending, limit=self.limit)
        total = len(rows) if len(rows) < self.limit else self.store.list_sessions(**filters, count=True)
        reviewed = self._reviewed() if self.blind else set()
        t = self.messages
        hidden = t("review.list.hidden")
        self.cells = [
            (
                # Rich Text is literal; a plain str cell would be parsed as markup.
                Text(display_safe(r["candidate"] or "") if not self.blind or r["id"] in reviewed else hidden, overflow="ellipsis"),
                Text(display_safe(r["scenario_id"] or ""), overflow="ellipsis"),
                Text(t.datetime(r["started_at"]) if r["started_at"] else ""),
                Text(duration_text(r["ended_ms"])),
                Text(t(f"outcome.{r['outcome']}")),
                *(Text(str(r[c]) if r[c] is not None else "—") for c in ("score_patience", "score_empathy", "score_problem_solving")),
            )
            for r in rows
        ]
        self.ids = [r["id"] for r in rows]
        self.natural = {key: label_width(label) for key, label in self.labels.items()}
        for cells in self.cells:
            for (key, _), cell in zip(COLUMNS, cells):
                self.natural[key] = max(self.natural[key], cell.cell_len)
        self.fill()
        marks = t("review.list.marked", n=len(self.marked)) if self.marked else ""
        arrow = "↓" if self.descending else "↑"
        count = t("review.list.count", n=len(rows)) if total == len(rows) else t("review.list.count_of", n=total, shown=t.number(len(rows)), total=t.number(total))
        self.query_one("#list-title", Static).update(
            Content(
                count
                + t("review.list.sorted", column=t(f"review.list.sort.{self.sort}"), arrow=arrow)
                + (t("review.list.blind") if self.blind else "")
                + marks
                + t("review.list.reviewer", name=display_safe(self.reviewer))
            )
        )

    def fitted(self) -> dict[str, int | None]:
        """Each column's fixed width where it had to shrink to fit the screen; None: as wide as its text."""
        table = self.query_one(DataTable)
        room = (self.size.width or self.app.size.width) - table.styles.scrollbar_size_vertical  # the gutter is kept (tcss)
        minimum = {key: max(label_width(self.labels[key]), MIN_WIDTH) for key in SHRINKABLE}
        fitted = fit_widths(self.natural, minimum, room, table.cell_padding)
        return {key: (fitted[key] if fitted[key] < self.natural[key] else None) for key, _ in COLUMNS}

    def fill(self, widths: dict[str, int | None] | None = None) -> None:
        """Put the rows in the table, with columns as wide as their text unless the screen is narrower."""
        table = self.query_one(DataTable)
        widths = widths or self.fitted()
        row = table.cursor_row
        if widths != self.widths:
            table.clear(columns=True)
            for key, _ in COLUMNS:
                table.add_column(self.labels[key], key=key, width=widths[key])
            self.widths = widths
        else:
            table.clear()
        table.add_rows(self.cells)
        if self.cells:
            table.move_cursor(row=min(row, len(self.cells) - 1))  # marking or refreshing keeps the reviewer's place

    def _reviewed(self) -> set[str]:
        rows = self.store.db.execute(
            "select session_id from overrides where author = ? and action = 'score' union select session_id from recommendations where reviewer = ?",
            [self.reviewer, self.reviewer],
        ).fetchall()
        return {r[0] for r in rows}

    @on(Input.Submitted)
    @on(Input.Changed, "#f-search, #f-candidate, #f-scenario")
    @on(Select.Changed)
    def filters_changed(self) -> None:
        self.load()

    @on(Input.Changed, "#f-since")
    def since_changed(self, event: Input.Changed) -> None:
        if parse_date(event.value) != self.since:  # a half-typed date filters nothing new: no query
            self.load()

    @on(DataTable.HeaderSelected)
    def header_selected(self, event: DataTable.HeaderSelected) -> None:
        column = next(store_column for key, store_column in COLUMNS if key == event.column_key.value)
        self.descending = not self.descending if column == self.sort else column == "started_at"
        self.sort = column
        self.load()

    @on(DataTable.RowSelected)
    def row_selected(self, event: DataTable.RowSelected) -> None:
        self.post_message(self.Open(self.ids[event.cursor_row]))

    def action_refresh(self) -> None:
        self.load()

    def action_more(self) -> None:
        self.limit += PAGE
        self.load()

    def action_toggle_blind(self) -> None:
        self.blind = not self.blind
        self.load()

    def action_mark(self) -> None:
        table = self.query_one(DataTable)
        if not self.ids:
            return
        session_id = self.ids[table.cursor_row]
        if session_id in self.marked:
            self.marked.remove(session_id)
        else:
            self.marked.append(session_id)
        self.load()

    def action_compare(self) -> None:
        if len(self.marked) >= 2:
            self.post_message(self.Compare(list(self.marked)))
        else:
            self.notify(self.messages("review.list.mark_first"), severity="warning", markup=False)
