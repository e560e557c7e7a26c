"""The review screens driven by Pilot on a real database; the replay clock is the test's."""

from __future__ import annotations

import re

import pytest
from textual.widgets import DataTable, Input

from simulator.i18n import LANGUAGES, catalog
from simulator.library import Library
from simulator.play import load_replies, play
from simulator.recorder import SessionRecorder
from simulator.store import ReviewStore
from simulator.ui.compare import CompareScreen
from simulator.ui.replay import ReplayScreen
from simulator.ui.review_app import build_review_app
from simulator.ui.review_modals import NoteDialog, TagOverrideDialog
from simulator.ui.session_list import COLUMNS, MIN_WIDTH, SessionListScreen
from simulator.ui.session_view import SessionScreen, TurnView

from .conftest import ROOT, SHIPPED
from .test_review_core import Clock, live_session, scripted
from .test_ui import screen_text

HIDDEN = catalog("en")("review.list.hidden")  # what blind mode shows for a name

FIXED = [
    ("11111111-aaaa-4000-8000-000000000001", "late-parcel", "good", "Anna Good", "2026-11-02T09:00:00+00:00"),
    ("22222222-bbbb-4000-8000-000000000002", "late-parcel", "rude", "Rob Rude", "2026-11-03T10:30:00+00:00"),
    ("33333333-cccc-4000-8000-000000000003", "locked-out", "good", "Carl Care", "2026-11-04T14:15:00+00:00"),
]


def make_db(path):
    library = Library.load([SHIPPED / "scenarios", SHIPPED / "personas"])
    for sid, scenario_id, kind, name, started in FIXED:
        scenario = library.scenario(scenario_id)
        persona = library.persona_for(scenario)
        recorder = SessionRecorder(path, scenario, persona, name, source="scripted", session_id=sid).start()
        play(scenario, persona, load_replies(ROOT / "tests" / "replies" / f"{scenario_id}.{kind}.yaml"), recorder=recorder)
        recorder.close()
        ReviewStore(path).db.execute("update sessions set started_at = ? where id = ?", [started, sid]).connection.commit()
    return path


@pytest.fixture
def db(tmp_path):
    return make_db(tmp_path / "review.sqlite")


def rows(app) -> list[str]:
    table = app.screen.query_one(DataTable)
    return [str(table.get_row_at(i)[0]) for i in range(table.row_count)]


async def test_filter_sort_and_search_the_session_list(db):
    app = build_review_app(db, "Ieva")
    async with app.run_test(size=(120, 34)) as pilot:
        await pilot.pause()
        assert rows(app) == ["Carl Care", "Rob Rude", "Anna Good"]  # newest first
        app.screen.query_one("#f-scenario", Input).value = "late-parcel"
        await pilot.pause()
        assert rows(app) == ["Rob Rude", "Anna Good"]
        app.screen.query_one("#f-scenario", Input).value = ""
        app.screen.query_one("#f-search", Input).value = "calm down"
        await pilot.pause()
        assert rows(app) == ["Rob Rude"]
        app.screen.query_one("#f-search", Input).value = ""
        await pilot.pause()
        await pilot.click("DataTable", offset=(3, 0))  # the Candidate header: sort by name
        await pilot.pause()
        assert rows(app) == ["Anna Good", "Carl Care", "Rob Rude"]


@pytest.mark.parametrize("lang,typed", [("en", "2026-11-03"), ("lv", "03.11.2026."), ("da", "3.11.2026")])
async def test_the_date_filter_reads_the_date_as_the_list_shows_it(db, lang, typed):
    app = build_review_app(db, "Ieva", lang=lang)
    async with app.run_test(size=(120, 34)) as pilot:
        await pilot.pause()
        box = app.screen.query_one("#f-since", Input)
        box.value = typed  # filters as it is typed, like the other boxes
        await pilot.pause()
        assert rows(app) == ["Carl Care", "Rob Rude"] and not box.has_class("-invalid")
        box.focus()
        box.value = "3rd of November"  # no date: said on the box, and nothing is hidden
        await pilot.pause()
        assert rows(app) == ["Carl Care", "Rob Rude", "Anna Good"] and box.has_class("-invalid")
        await pilot.press("tab")  # and still said once the reviewer moves on
        await pilot.pause()
        assert app.focused is not box and box.has_class("-invalid")
        box.value = ""
        await pilot.pause()
        assert not box.has_class("-invalid")


async def test_blind_mode_hides_names_until_the_reviewer_has_scored(db):
    app = build_review_app(db, "Ieva", blind=True)
    async with app.run_test(size=(120, 34)) as pilot:
        await pilot.pause()
        assert set(rows(app)) == {HIDDEN}
        ReviewStore(db).override(FIXED[0][0], "Ieva", "clear and kind", "score", dimension="empathy", score=5)
        await pilot.press("r")
        await pilot.pause()
        assert rows(app).count("Anna Good") == 1 and rows(app).count(HIDDEN) == 2


async def test_open_a_session_note_override_export_and_the_audit_log_holds_it(db, tmp_path):
    app = build_review_app(db, "Ieva", export_dir=tmp_path)
    async with app.run_test(size=(120, 34)) as pilot:
        await pilot.pause()
        app.screen.query_one("#f-candidate", Input).value = "rob"
        await pilot.pause()
        app.screen.query_one(DataTable).focus()
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, SessionScreen)
        drawn = screen_text(app)
        assert "Rob Rude" in drawn and "patience / " in drawn and "Patience and composure" in drawn
        # Focus the first candidate turn that has a negative tag, and note it.
        view = next(v for v in app.screen.query(TurnView) if any(t.polarity < 0 for t in v.turn.tags))
        view.focus()
        await pilot.press("n")
        await pilot.pause()
        assert isinstance(app.screen, NoteDialog)
        await pilot.press(*"Provoked twice first", "enter")
        await pilot.pause()
        await pilot.pause()
        assert "Provoked twice first" in screen_text(app)
        noted = view.turn.index
        view = next(v for v in app.screen.query(TurnView) if v.turn.index == noted)
        view.focus()
        await pilot.press("o")
        await pilot.pause()
        assert isinstance(app.screen, TagOverrideDialog)
        app.screen.query_one("#reason", Input).value = "quoting the customer"
        await pilot.click("#save")
        await pilot.pause()
        assert "(automatic, overridden)" in screen_text(app)
        await pilot.press("E")
        await app.workers.wait_for_complete()
        await pilot.pause()
    html = (tmp_path / f"rolesim-{FIXED[1][0][:8]}.html").read_text()
    assert "Provoked twice first" in html
    log = ReviewStore(db).audit_log(FIXED[1][0])
    assert [row["action"] for row in log] == ["note", "override.remove"]
    assert all(row["actor"] == "Ieva" for row in log)
    assert len(ReviewStore(db).tags(FIXED[1][0])) > 0  # automatic tags untouched


async def test_replay_at_8x_runs_to_the_end_on_the_test_clock(db):
    clock = Clock()
    app = build_review_app(db, "Ieva", clock=clock, replay_tick=3600)
    async with app.run_test(size=(120, 34)) as pilot:
        await pilot.pause()
        app.post_message(SessionListScreen.Open(FIXED[0][0]))
        await pilot.pause()
        await pilot.press("p", "8")
        await pilot.pause()
        replay = app.screen
        assert isinstance(replay, ReplayScreen)
        clock.t += 10.0
        replay.tick()
        assert replay.position == pytest.approx(80.0)
        clock.t += 100.0
        replay.tick()
        await pilot.pause()
        assert not replay.playing and replay.position == replay.replay.end
        assert "at the end" in screen_text(app)
        assert "Enjoy your dinner" in screen_text(app) or len(replay.query("ChatMessage")) == len(replay.transcript.turns)


async def test_replay_shows_the_half_typed_draft_with_its_deletion(tmp_path, mini):
    path = tmp_path / "live.sqlite"
    session_id = live_session(mini, path, Clock())
    clock = Clock()
    app = build_review_app(path, "Ieva", clock=clock, replay_tick=3600)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        app.post_message(SessionListScreen.Open(session_id))
        await pilot.pause()
        await pilot.press("p")
        await pilot.pause()
        replay = app.screen
        for at, draft in ((4.7, "helo"), (5.2, "hel"), (6.2, "hello")):
            clock.t += at - replay.position
            replay.tick()
            await pilot.pause()
            assert replay.draft == draft
            assert f"\n{draft}" in screen_text(app) or draft in screen_text(app).split("Replay")[1]
        await pilot.press("left")  # back to the start of the customer's message
        await pilot.pause()
        assert replay.position == pytest.approx(1.0)


async def test_compare_marked_sessions(db):
    app = build_review_app(db, "Ieva")
    async with app.run_test(size=(140, 34)) as pilot:
        await pilot.pause()
        app.screen.query_one(DataTable).focus()
        await pilot.press("down", "space", "down", "space", "c")
        await pilot.pause()
        assert isinstance(app.screen, CompareScreen)
        drawn = screen_text(app)
        assert "Rob Rude" in drawn and "Anna Good" in drawn and "Patience and composure" in drawn


async def test_the_review_screen_sees_a_session_written_while_it_is_open(db, mini):
    app = build_review_app(db, "Ieva")
    async with app.run_test(size=(120, 34)) as pilot:
        await pilot.pause()
        assert len(rows(app)) == 3
        live_session(mini, db, Clock())  # a candidate session writing to the same file (WAL)
        await pilot.press("r")
        await pilot.pause()
        assert "Keystroke Kate" in rows(app)


LONG_NAME = "Kristīne Bērziņa-Ozoliņa"  # with the longest scenario id, wider than 110 columns leave


def header_lines(app) -> list[str]:
    """The two lines of the session list's column headers, as drawn (scrolled sideways or not)."""
    table = app.screen.query_one(DataTable)
    return [table.render_line(y).text for y in (0, 1)]


@pytest.mark.parametrize("blind", [False, True], ids=["names", "blind"])
@pytest.mark.parametrize("lang", LANGUAGES)
async def test_the_session_list_fits_110_columns_with_every_header_readable(db, lang, blind):
    scripted(db, "express-exception", "good", LONG_NAME)
    app = build_review_app(db, "Ieva", blind=blind, lang=lang)
    async with app.run_test(size=(110, 32)) as pilot:
        await pilot.pause()
        table = app.screen.query_one(DataTable)
        assert table.max_scroll_x == 0  # nothing hides to the right
        headers = " ".join(header_lines(app))
        for key, _ in COLUMNS:
            label = catalog(lang)(f"review.list.{key}")
            assert all(word in headers for word in re.split(r"[\s-]+", label)), (key, label, headers)
        drawn = screen_text(app)
        assert catalog(lang).datetime(FIXED[0][4]) in drawn  # dates, outcomes and scores keep their width
        assert catalog(lang)("outcome.customer_left") in drawn
        # Only the names and scenario ids give way, ending in an ellipsis, and not below MIN_WIDTH.
        assert "…" in drawn
        assert min(table.columns[key].get_render_width(table) - 2 for key in table.columns if key.value in ("candidate", "scenario")) >= MIN_WIDTH
        # The filter boxes show their whole hint.
        for box in app.screen.query("#filters Input"):
            assert len(box.placeholder) <= box.content_size.width, (box.id, box.placeholder, box.content_size.width)


@pytest.mark.parametrize("lang", LANGUAGES)
async def test_every_key_of_the_session_screen_shows_whole_at_110_columns(db, lang):
    app = build_review_app(db, "Ieva", lang=lang)
    async with app.run_test(size=(110, 32)) as pilot:
        await pilot.pause()
        app.post_message(SessionListScreen.Open(FIXED[0][0]))
        for _ in range(100):  # until the session screen's footer is drawn
            await pilot.pause(0.02)
            footer = screen_text(app).splitlines()[-1]
            if isinstance(app.screen, SessionScreen) and footer.startswith("esc"):
                break
        shown = [b for b in SessionScreen.BINDINGS if b.show]
        assert len(shown) >= 8
        for binding in shown:
            assert f"{app.get_key_display(binding)} {catalog(lang)('keys.' + binding.id)}" in footer, (binding.id, footer)


async def test_at_80_columns_the_list_scrolls_sideways_and_a_wider_screen_gives_the_names_back(db):
    scripted(db, "express-exception", "good", LONG_NAME)
    app = build_review_app(db, "Ieva")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        table = app.screen.query_one(DataTable)
        assert "Candidate" in header_lines(app)[0] and "solving" not in header_lines(app)[1]
        assert LONG_NAME not in screen_text(app) and "Kristīne Bē…" in screen_text(app)
        assert table.max_scroll_x > 0
        for _ in range(30):
            await pilot.press("right")
        await pilot.pause()
        assert "Problem-" in header_lines(app)[0] and "solving" in header_lines(app)[1]
        await pilot.press("enter")  # the row cursor still opens a session
        await pilot.pause()
        assert isinstance(app.screen, SessionScreen)
        await pilot.press("escape")
        await pilot.resize_terminal(140, 34)
        await pilot.pause()
        assert LONG_NAME in screen_text(app) and table.max_scroll_x == 0


async def test_counts_read_in_the_singular_for_one(db):
    app = build_review_app(db, "Ieva")
    async with app.run_test(size=(120, 34)) as pilot:
        await pilot.pause()
        app.post_message(SessionListScreen.Open(FIXED[1][0]))  # Rob Rude: replies with one edit, a score with one tag
        await pilot.pause()
        timings = [str(view.content).splitlines()[1] for view in app.screen.query(TurnView) if view.turn.timing]
        assert timings and all(" · 1 edit · " in line and "0 pastes" in line for line in timings)
        scores = str(app.screen.query_one("#scores").content)
        assert "(1 tag of evidence)" in scores and "(3 tags of evidence)" in scores
        assert not re.search(r"\b1 (edits|pastes|tags)\b", "\n".join(timings) + scores)


def test_session_list_snapshot(snap_compare, db):
    assert snap_compare(build_review_app(db, "Ieva"), terminal_size=(120, 34))


def test_session_view_snapshot(snap_compare, db):
    async def open_session(pilot):
        await pilot.pause()
        pilot.app.post_message(SessionListScreen.Open(FIXED[1][0]))
        await pilot.pause()

    assert snap_compare(build_review_app(db, "Ieva"), terminal_size=(120, 34), run_before=open_session)


async def test_candidate_text_shows_literally_in_the_review_screens(tmp_path):
    import json as json_module

    from simulator.cli import main

    hostile = "[red]x[/] [link=x]y[/link] \x1b[2J sorry"
    replies = tmp_path / "r.yaml"
    replies.write_text(json_module.dumps([hostile]))
    db = tmp_path / "h.sqlite"
    assert main(["play", "late-parcel", "--replies", str(replies), "--db", str(db), "--candidate", "[bold]Eve[/]", "--format", "json"]) == 0
    app = build_review_app(db, "Ieva")
    async with app.run_test(size=(120, 34)) as pilot:
        await pilot.pause()
        assert "[bold]Eve[/]" in screen_text(app)
        app.screen.query_one(DataTable).focus()
        await pilot.press("enter")
        await pilot.pause()
        drawn = screen_text(app)
        assert "[red]x[/] [link=x]y[/link] ␛[2J sorry" in drawn
        assert "[bold]Eve[/]" in drawn
