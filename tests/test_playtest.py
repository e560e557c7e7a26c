"""Play-test: the author's view, a start state and preset mood, and hot reload that replays replies."""

from __future__ import annotations

import os
import shutil

from simulator.loader import load_persona, load_scenario
from simulator.ui.playtest import PlaytestScreen, build_playtest_app

from .conftest import FIXTURES
from .test_ui import Clock, screen_text


def copy_fixtures(tmp_path):
    shutil.copy(FIXTURES / "scenarios" / "mini.yaml", tmp_path / "mini.yaml")
    shutil.copy(FIXTURES / "personas" / "test-persona.yaml", tmp_path / "persona.yaml")
    return load_scenario(tmp_path / "mini.yaml"), load_persona(tmp_path / "persona.yaml")


async def tick_to(app, pilot, seconds):
    app.session.clock.t = app.session._t0 + seconds
    app.screen.tick()
    await pilot.pause()


async def test_editing_the_yaml_replays_the_replies_on_the_new_version(tmp_path):
    scenario, persona = copy_fixtures(tmp_path)
    app = build_playtest_app(scenario, persona, clock=Clock(), tick_interval=3600)
    async with app.run_test(size=(120, 34)) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, PlaytestScreen)
        await tick_to(app, pilot, 1.0)
        await pilot.press(*"I'm so sorry.", "enter")
        await tick_to(app, pilot, 10.0)
        drawn = screen_text(app)
        assert "state: talking" in drawn
        log = [line.plain for line in app.screen.log_lines]
        assert "→ talking (from opening, on reply)" in log
        assert any(line.startswith("reply: +apologise “sorry”") for line in log)
        text = (tmp_path / "mini.yaml").read_text().replace('say: ["What now?", "So?"]', 'say: "Edited: what now?"')
        (tmp_path / "mini.yaml").write_text(text)
        os.utime(tmp_path / "mini.yaml", (1, 1))  # a different mtime, whatever the clock
        app.screen.check_reload()
        await pilot.pause()
        drawn = screen_text(app)
        log = [line.plain for line in app.screen.log_lines]
        assert log[0] == "reloaded; replayed 1 reply on the new version"
        assert "Edited: what now?" in drawn and "state: talking" in drawn
        (tmp_path / "mini.yaml").write_text(text.replace("states:", "states:\n\tbroken: tab"))
        os.utime(tmp_path / "mini.yaml", (2, 2))
        app.screen.check_reload()
        await pilot.pause()
        assert app.screen.log_lines[-1].plain.startswith("reload failed: ")
        assert "state: talking" in screen_text(app)  # the last good version keeps running
    assert not list(tmp_path.glob("*.sqlite"))  # play-tests are not stored


async def test_start_in_any_state_with_a_preset_mood_and_fact(tmp_path):
    scenario, persona = copy_fixtures(tmp_path)
    app = build_playtest_app(scenario, persona, start_state="hostile", mood=80, facts={"order_number": "Z-9"}, clock=Clock(), tick_interval=3600)
    async with app.run_test(size=(120, 34)) as pilot:
        await pilot.pause()
        await tick_to(app, pilot, 2.0)
        drawn = screen_text(app)
        assert "state: hostile" in drawn and "mood: 80" in drawn and "How dare you." in drawn
        assert app.session.scenario.facts["order_number"] == "Z-9"
