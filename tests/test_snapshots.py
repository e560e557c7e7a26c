"""Committed pictures of the candidate's screens; `make test` compares, never updates."""

from __future__ import annotations

import pytest
from textual.widgets import Input, TextArea

from simulator.library import Library
from simulator.ui.app import build_candidate_app

from .conftest import SHIPPED
from .test_ui import Clock

SIZES = [(80, 24), (110, 32)]


def app_for_snapshot(tmp_path, candidate="Anna Kalniņa"):
    library = Library.load([SHIPPED / "scenarios", SHIPPED / "personas"])
    scenario = library.scenario("late-parcel")
    return build_candidate_app(scenario, library.persona_for(scenario), tmp_path / "db.sqlite", candidate, seed=3, clock=Clock(), tick_interval=3600)


def still(app) -> None:
    """No blinking cursors: a snapshot must not depend on when it was taken."""
    for widget in app.screen.query("Input, TextArea"):
        widget.cursor_blink = False
        if isinstance(widget, TextArea):
            # With the blink off a focused TextArea draws a steady cursor, but its line cache (Textual 8.2.8) is
            # keyed without focus or blink: a line drawn a frame earlier, cursor off, could be reused or not.
            # Drop the cache so the picture is always drawn afresh, steady cursor and all.
            widget._cursor_visible = False
            widget._line_cache.clear()
            widget.refresh()


async def to_chat(pilot, reply: str | None = "I'm so sorry to hear that, Marta. Could you confirm your order number?"):
    app = pilot.app
    await pilot.press("enter")
    await pilot.pause()
    app.session.clock.t = app.session._t0 + 3.0
    app.screen.tick()
    await pilot.pause()
    if reply:
        await pilot.press(*reply, "enter")
        app.session.clock.t = app.session._t0 + 40.0
        app.screen.tick()
        await pilot.pause()
    still(app)


@pytest.mark.parametrize("size", SIZES)
def test_notice_screen(snap_compare, tmp_path, size):
    async def before(pilot):
        await pilot.pause()
        still(pilot.app)

    assert snap_compare(app_for_snapshot(tmp_path, candidate=None), terminal_size=size, run_before=before)


@pytest.mark.parametrize("size", SIZES)
def test_chat_screen(snap_compare, tmp_path, size):
    assert snap_compare(app_for_snapshot(tmp_path), terminal_size=size, run_before=to_chat)


@pytest.mark.parametrize("size", SIZES)
def test_end_screen(snap_compare, tmp_path, size):
    async def before(pilot):
        await to_chat(pilot, reply=None)
        await pilot.press("ctrl+q")
        await pilot.pause()
        await pilot.click("#leave")
        await pilot.pause()
        still(pilot.app)

    assert snap_compare(app_for_snapshot(tmp_path), terminal_size=size, run_before=before)


def test_latvian_chat_screen(snap_compare, tmp_path):
    library = Library.load([SHIPPED / "scenarios", SHIPPED / "personas"])
    scenario = library.scenario("lv-pakomats")
    app = build_candidate_app(scenario, library.persona_for(scenario), tmp_path / "db.sqlite", "Anna Bērziņa", seed=3, clock=Clock(), tick_interval=3600)
    assert snap_compare(app, terminal_size=(80, 24), run_before=lambda pilot: to_chat(pilot, reply="Labdien, Ilze! Ļoti atvainojos, tūlīt pārbaudīšu pasūtījumu."))
