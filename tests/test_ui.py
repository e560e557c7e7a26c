"""The candidate's screens driven by Pilot, with the clock in the test's hands."""

from __future__ import annotations

import html
import re
import sqlite3
import json

import pytest
from textual import events

from simulator.session import NOTICE_VERSION, apply_edit
from simulator.store import Store
from simulator.ui.app import build_candidate_app
from simulator.ui.chat import ChatMessage, ChatScreen
from simulator.ui.confirm import ConfirmQuit
from simulator.ui.end import EndScreen
from simulator.ui.notice import NoticeScreen
from simulator.ui.reply_box import ReplyBox


class Clock:
    """A monotonic clock the test moves by hand."""

    def __init__(self):
        self.t = 1000.0

    def __call__(self) -> float:
        return self.t


def make_app(mini, tmp_path, candidate="Test Candidate", clock=None):
    scenario, persona = mini
    # A tick interval of an hour: the timer never fires by itself; the test calls tick().
    return build_candidate_app(scenario, persona, tmp_path / "db.sqlite", candidate, seed=1, clock=clock or Clock(), tick_interval=3600)


async def start_chat(app, pilot) -> ChatScreen:
    await pilot.pause()
    assert isinstance(app.screen, NoticeScreen)
    await pilot.press("enter")  # the Start button has focus
    await pilot.pause()
    assert isinstance(app.screen, ChatScreen)
    return app.screen


async def at(app, pilot, seconds: float) -> None:
    """Move the clock to `seconds` after the start and let the chat tick (a dialog may be open over it)."""
    app.session.clock.t = app.session._t0 + seconds
    next(s for s in reversed(app.screen_stack) if isinstance(s, ChatScreen)).tick()
    await pilot.pause()


def stored_events(app) -> list[dict]:
    app.session.recorder.flush()
    store = Store(app.session.db_path)
    return list(store.events(app.session.recorder.session_id))


def screen_text(app) -> str:
    """What is drawn, as text: the SVG screenshot's text runs, unescaped, line by line."""
    svg = app.export_screenshot()
    rows: dict[str, list[str]] = {}
    for y, text in re.findall(r'<text[^>]*\by="([\d.]+)"[^>]*>(.*?)</text>', svg, flags=re.S):
        rows.setdefault(y, []).append(html.unescape(re.sub(r"<[^>]+>", "", text)))
    return "\n".join("".join(parts).replace("\xa0", " ") for _, parts in sorted(rows.items(), key=lambda kv: float(kv[0])))


async def test_consent_is_stored_with_the_notice_version(mini, tmp_path):
    app = make_app(mini, tmp_path)
    async with app.run_test(size=(100, 30)) as pilot:
        await start_chat(app, pilot)
        first = stored_events(app)[0]
        assert first["kind"] == "consent" and first["data"]["notice_version"] == NOTICE_VERSION


async def test_the_candidate_types_a_name_before_starting(mini, tmp_path):
    app = make_app(mini, tmp_path, candidate=None)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        assert app.screen.query_one("#start").disabled
        await pilot.press(*"Jānis Bērziņš", "enter")
        await pilot.pause()
        assert isinstance(app.screen, ChatScreen)
        assert Store(app.session.db_path).session(app.session.recorder.session_id)["candidate"] == "Jānis Bērziņš"


async def test_customer_is_typing_then_the_message_appears_and_time_is_shown(mini, tmp_path):
    app = make_app(mini, tmp_path)
    async with app.run_test(size=(100, 30)) as pilot:
        chat = await start_chat(app, pilot)
        assert "Ada Berg is typing" in screen_text(app)
        assert not chat.query(ChatMessage)
        await at(app, pilot, 1.0)
        assert [m.text for m in chat.query(ChatMessage)] == ["Where is A-1?"]
        assert "Time left 4:59" in screen_text(app)


async def test_recorded_edits_rebuild_every_intermediate_value(mini, tmp_path):
    app = make_app(mini, tmp_path)
    async with app.run_test(size=(100, 30)) as pilot:
        await start_chat(app, pilot)
        await at(app, pilot, 1.0)
        await pilot.press("h", "e", "l", "o", "backspace", "l", "o", "enter")
        await pilot.pause()
        evs = stored_events(app)
        value, values = "", []
        for e in evs:
            if e["kind"] == "edit":
                value = apply_edit(value, e["data"])
                values.append(value)
        assert values == ["h", "he", "hel", "helo", "hel", "hell", "hello", ""]
        sends = [e["data"]["text"] for e in evs if e["kind"] == "send"]
        assert sends == ["hello"]
        assert app.screen.query_one(ReplyBox).text == ""


async def test_a_multi_line_paste_keeps_its_lines_and_is_recorded_whole(mini, tmp_path):
    app = make_app(mini, tmp_path)
    async with app.run_test(size=(100, 30)) as pilot:
        await start_chat(app, pilot)
        box = app.screen.query_one(ReplyBox)
        box.post_message(events.Paste("first line\nsecond line\nthird"))
        await pilot.pause()
        assert box.text == "first line\nsecond line\nthird"
        paste = [e for e in stored_events(app) if e["kind"] == "paste"]
        assert paste[0]["data"]["text"] == "first line\nsecond line\nthird" and not paste[0]["data"]["truncated"]


async def test_a_huge_paste_is_recorded_whole_and_the_input_keeps_4000_with_a_note(mini, tmp_path):
    app = make_app(mini, tmp_path)
    async with app.run_test(size=(100, 30)) as pilot:
        await start_chat(app, pilot)
        box = app.screen.query_one(ReplyBox)
        huge = ("0123456789" * 1000)[:10_000]
        box.post_message(events.Paste(huge))
        await pilot.pause()
        assert len(box.text) == 4000
        assert "keeps the first 4,000 of 10,000 characters" in screen_text(app)
        paste = [e for e in stored_events(app) if e["kind"] == "paste"][0]["data"]
        assert paste["length"] == 10_000 and paste["kept"] == 4000 and len(paste["text"]) == 10_000
        await pilot.press("x")  # full: a further key is refused
        await pilot.pause()
        assert len(box.text) == 4000
        await pilot.press("enter")  # sent: the note about the cut goes with it
        await pilot.pause()
        drawn = screen_text(app)
        assert box.text == "" and "keeps the first" not in drawn and "0/4000" in drawn


async def test_app_blur_and_focus_are_recorded(mini, tmp_path):
    app = make_app(mini, tmp_path)
    async with app.run_test(size=(100, 30)) as pilot:
        await start_chat(app, pilot)
        app.post_message(events.AppBlur())
        app.post_message(events.AppFocus())
        await pilot.pause()
        focus = [e["data"]["focused"] for e in stored_events(app) if e["kind"] == "focus"]
        assert focus == [False, True]


@pytest.mark.parametrize("key", ["ctrl+q", "ctrl+c", "escape"])
async def test_each_quit_key_asks_and_the_session_runs_on_until_confirmed(mini, tmp_path, key):
    app = make_app(mini, tmp_path)
    async with app.run_test(size=(100, 30)) as pilot:
        await start_chat(app, pilot)
        await pilot.press(key)
        await pilot.pause()
        assert isinstance(app.screen, ConfirmQuit)
        await pilot.press("escape")  # escape means stay
        await pilot.pause()
        assert isinstance(app.screen, ChatScreen) and not app.session.conversation.finished
        await pilot.press(key)
        await pilot.pause()
        await pilot.click("#leave")
        await pilot.pause()
        assert isinstance(app.screen, EndScreen)
        assert app.session.conversation.outcome == "abandoned"
    app.session.close()
    assert Store(tmp_path / "db.sqlite").session(app.session.recorder.session_id)["outcome"] == "abandoned"


async def test_the_command_palette_is_off(mini, tmp_path):
    app = make_app(mini, tmp_path)
    async with app.run_test(size=(100, 30)) as pilot:
        await start_chat(app, pilot)
        await pilot.press("ctrl+p")
        await pilot.pause()
        assert isinstance(app.screen, ChatScreen)


HOSTILE = "[red]x [/] [link=x]y[/link] \x1b[2J\tend"


async def test_markup_and_escape_sequences_show_literally(mini, tmp_path):
    app = make_app(mini, tmp_path)
    async with app.run_test(size=(110, 32)) as pilot:
        await start_chat(app, pilot)
        await at(app, pilot, 1.0)
        app.screen.query_one(ReplyBox).post_message(events.Paste(HOSTILE))
        await pilot.pause()
        await pilot.press("enter")
        await pilot.pause()
        drawn = screen_text(app)
        assert "[red]x [/] [link=x]y[/link] ␛[2J" in drawn
        assert "Where is A-1?" in drawn  # nothing was cleared
        sent = [e["data"]["text"] for e in stored_events(app) if e["kind"] == "send"]
        assert sent == [HOSTILE]  # stored exactly as written


async def test_silence_brings_a_nudge_on_the_test_clock(mini, tmp_path):
    app = make_app(mini, tmp_path)
    async with app.run_test(size=(100, 30)) as pilot:
        chat = await start_chat(app, pilot)
        await at(app, pilot, 1.0)
        await at(app, pilot, 25.0)
        assert not chat.query(".nudge")
        await at(app, pilot, 31.0)  # nudge after 30 s of silence
        await at(app, pilot, 33.0)  # ... once typed
        assert [m.text for m in chat.query(".nudge")] == ["Hello?"]


async def test_the_end_screen_thanks_and_shows_no_scores(mini, tmp_path):
    app = make_app(mini, tmp_path)
    async with app.run_test(size=(100, 30)) as pilot:
        await start_chat(app, pilot)
        await at(app, pilot, 1.0)
        for text in ("I'm so sorry.", "I will refund you today."):
            await pilot.press(*text, "enter")
            await pilot.pause()
        await at(app, pilot, 5.0)  # the farewell has arrived: it stays readable for a moment
        assert isinstance(app.screen, ChatScreen) and "The chat has ended." in screen_text(app)
        assert app.screen.query_one(ReplyBox).read_only
        await at(app, pilot, 60.0)
        assert isinstance(app.screen, EndScreen)
        drawn = screen_text(app).lower()
        assert "thank you" in drawn and "score" not in drawn and "empathy" not in drawn
    await app.workers.wait_for_complete() if app.workers else None
    app.session.close()
    store = Store(tmp_path / "db.sqlite")
    assert store.session(app.session.recorder.session_id)["outcome"] == "resolved"
    assert store.scores(app.session.recorder.session_id)["empathy"]["score"] >= 1


async def test_time_up_ends_the_chat(mini, tmp_path):
    app = make_app(mini, tmp_path)
    async with app.run_test(size=(100, 30)) as pilot:
        await start_chat(app, pilot)
        for t in range(1, 300, 4):  # keep typing so no nudge comes: only the clock ends it
            app.session.conversation.keystroke(float(t))
            await at(app, pilot, float(t))
        await at(app, pilot, 301.0)
        assert isinstance(app.screen, EndScreen)
        assert "time is up" in screen_text(app).lower()


async def test_focus_never_leaves_the_reply_box_so_no_keystroke_is_lost(mini, tmp_path):
    app = make_app(mini, tmp_path)
    async with app.run_test(size=(100, 30)) as pilot:
        await start_chat(app, pilot)
        await pilot.press("tab", "a", "tab", "tab", "b", "pagedown", "ctrl+down", "c")
        await pilot.pause()
        assert app.screen.query_one(ReplyBox).text == "abc"


async def test_declining_to_leave_is_recorded_each_time(mini, tmp_path):
    app = make_app(mini, tmp_path)
    async with app.run_test(size=(100, 30)) as pilot:
        await start_chat(app, pilot)
        for _ in range(2):
            await pilot.press("escape")
            await pilot.pause()
            await pilot.press("escape")
            await pilot.pause()
        kinds = [e["kind"] for e in stored_events(app)]
        assert kinds[-4:] == ["leave_asked", "leave_declined", "leave_asked", "leave_declined"]


async def test_a_customer_who_leaves_while_the_leave_dialog_is_open_is_seen_to_leave(mini, tmp_path):
    app = make_app(mini, tmp_path)
    async with app.run_test(size=(100, 30)) as pilot:
        await start_chat(app, pilot)
        await at(app, pilot, 5)
        await pilot.press(*"This is your fault.", "enter")
        await at(app, pilot, 10)
        assert "How dare you." in screen_text(app)
        await pilot.press("escape")  # the candidate thinks of leaving ...
        await pilot.pause()
        assert isinstance(app.screen, ConfirmQuit)
        for second in range(11, 60):  # ... while the customer, left in silence, asks for a manager
            await at(app, pilot, second)
            if app.session.conversation.finished:
                break
        assert app.session.conversation.outcome == "escalated"
        # The question is moot: the dialog closes and her last line is on screen to read.
        assert isinstance(app.screen, ChatScreen) and "Manager. Now." in screen_text(app)
        await pilot.press("escape")  # nor is it asked again while her last line shows
        await pilot.pause()
        assert isinstance(app.screen, ChatScreen)
        await at(app, pilot, second + 5)
        assert isinstance(app.screen, EndScreen)
        kinds = [e["kind"] for e in stored_events(app)]
        assert "leave_asked" in kinds and "leave_declined" not in kinds


async def test_the_notice_shows_name_and_start_at_80x24(mini, tmp_path):
    app = make_app(mini, tmp_path, candidate=None)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        drawn = screen_text(app)
        assert "Customer support role-play" in drawn and "Start" in drawn and "Your full name" in drawn
        assert "Press Escape to leave without starting" in drawn


async def test_the_tagger_is_built_before_the_first_reply(mini, tmp_path):
    from simulator.tagger import get_tagger

    get_tagger.cache_clear()
    app = make_app(mini, tmp_path)
    async with app.run_test(size=(100, 30)) as pilot:
        await start_chat(app, pilot)
        await app.workers.wait_for_complete()
        assert get_tagger.cache_info().currsize == 1  # warmed after the first frame, not on the first send
