"""Interface languages: complete catalogs, Latvian screens, English review of a Latvian session, local formats."""

from __future__ import annotations

import json
import re
from datetime import date, datetime
from pathlib import Path

import pytest

from simulator import i18n, model
from simulator.cli import main
from simulator.i18n import LANGUAGES, catalog, catalog_problems, format_clock, format_date, format_datetime, format_money, format_number, load_table
from simulator.library import Library
from simulator.model import DIMENSIONS
from simulator.play import load_replies, play
from simulator.recorder import SessionRecorder
from simulator.report import html_report, markdown
from simulator.store import SORTABLE, ReviewStore
from simulator.transcript import load_transcript
from simulator.ui.app import build_candidate_app
from simulator.ui.chat import ChatScreen
from simulator.ui.end import EndScreen
from simulator.ui.notice import NoticeScreen
from simulator.ui.review_app import build_review_app
from simulator.ui.review_modals import RECOMMENDATIONS
from simulator.ui.session_list import COLUMNS, OUTCOMES
from simulator.ui.session_view import SessionScreen

from .conftest import ROOT
from .test_ui import Clock, at, screen_text, stored_events

# Beside tests/fixtures, not in it: `validate tests/fixtures` must stay clean before the Latvian cue set ships.
I18N = ROOT / "tests" / "fixtures_i18n"
SOURCES = sorted((ROOT / "simulator").rglob("*.py"))


@pytest.fixture
def latvian():
    """The Latvian fixture scenario and persona."""
    library = Library.load([I18N / "scenarios", I18N / "personas"])
    scenario = library.scenario("mini-lv")
    return scenario, library.persona_for(scenario)


# --- the catalogs -------------------------------------------------------------------------------


@pytest.mark.parametrize("lang", [lang for lang in LANGUAGES if lang != "en"])
def test_every_catalog_has_every_english_key_with_the_same_placeholders(lang):
    assert catalog_problems(lang) == []


def test_the_catalog_check_catches_a_missing_key_and_a_changed_placeholder(monkeypatch):
    english = load_table("en")
    broken = dict(load_table("lv"))
    del broken["end.thanks"]
    broken["chat.typing"] = "{vards} raksta…"
    monkeypatch.setattr(i18n, "load_table", lambda lang: english if lang == "en" else broken)
    problems = catalog_problems("lv")
    assert "missing key end.thanks" in problems
    assert any(p.startswith("chat.typing: placeholders") for p in problems)


def test_a_missing_key_falls_back_to_english_at_run_time(monkeypatch):
    messages = i18n.Messages("lv")
    messages.table = {k: v for k, v in messages.table.items() if k != "end.thanks"}
    assert messages("end.thanks") == "Thank you"
    assert messages("no.such.key") == "no.such.key"  # never a crash
    assert messages("chat.typing") == "{name} raksta…"  # a placeholder with no value stays visible


def test_an_unknown_language_gets_english():
    assert catalog("xx").lang == "en" and catalog(None).lang == "en" and catalog("lv_LV.UTF-8").lang == "lv"
    assert catalog("xx")("end.thanks") == "Thank you"


def test_values_are_inserted_once_and_never_parsed():
    assert catalog("en")("chat.typing", name="{path} [red]x[/]") == "{path} [red]x[/] is typing…"


def keys_in_code() -> set[str]:
    """Catalog keys written literally in the code: messages("a.b"), t("a.b"), m("a.b"), get("a.b")."""
    pattern = re.compile(r"""\b(?:t|m|messages|self\.messages|get)\(\s*["']([a-z_]+(?:\.[a-z_]+)+)["']""")
    return {key for path in SOURCES for key in pattern.findall(path.read_text("utf-8")) if not key.endswith("_") and not key.startswith("keys.")}


def test_every_key_the_code_asks_for_is_in_the_english_catalog():
    english = load_table("en")
    used = keys_in_code()
    assert len(used) > 100
    families = {f"outcome.{o}" for o in OUTCOMES} | {f"end.reason.{r}" for r in model.OUTCOMES} | {f"dimension.{d}" for d in DIMENSIONS}
    families |= {f"review.list.sort.{c}" for c in SORTABLE} | {f"review.list.{key}" for key, _ in COLUMNS} | {f"recommendation.{r}" for r in RECOMMENDATIONS}
    assert sorted(k for k in used | families if k not in english) == []


def test_every_shown_key_binding_has_a_catalog_entry():
    from simulator.ui import app, chat, compare, replay, session_list, session_view

    english = load_table("en")
    classes = [app.CandidateApp, chat.ChatScreen, compare.CompareScreen, replay.ReplayScreen, session_list.SessionListScreen, session_view.SessionScreen]
    ids = [b.id for cls in classes for b in cls.BINDINGS if b.id and b.show and not b.id.startswith("replay.speed")]
    assert ids and [i for i in ids if f"keys.{i}" not in english] == []


def test_no_literal_interface_text_is_left_in_the_screens():
    """Content("Words") or a label written in the code would not be translated."""
    literal = re.compile(r"""(?:Content|Button|notify)\(\s*f?["'][A-Z][a-z]+ [a-z]|placeholder=f?["'][A-Z]|prompt=f?["'][A-Z]""")
    offenders = [f"{p.name}: {line.strip()}" for p in (ROOT / "simulator" / "ui").glob("*.py") for line in p.read_text("utf-8").splitlines() if literal.search(line)]
    assert offenders == []


# --- local formats ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "lang, number, money, day, moment",
    [
        ("en", "1,234.5", "€349.00", "2026-11-23", "2026-11-23 13:05"),
        ("lv", "1\u00a0234,5", "349,00\u00a0€", "23.11.2026.", "23.11.2026. 13:05"),
        ("lt", "1\u00a0234,5", "349,00\u00a0€", "2026-11-23", "2026-11-23 13:05"),
        ("da", "1.234,5", "349,00\u00a0€", "23.11.2026", "23.11.2026 13.05"),
    ],
)
def test_numbers_money_and_dates_in_the_local_format(lang, number, money, day, moment):
    assert format_number(1234.5, lang) == number
    assert format_money(349, lang) == money
    assert format_date(date(2026, 11, 23), lang) == day
    assert format_date("2026-11-23T13:05:00+00:00", lang) == day
    assert format_datetime(datetime(2026, 11, 23, 13, 5), lang) == moment
    assert format_number(4000, lang, grouping=False) == "4000"


def test_durations_keep_minutes_and_seconds_with_a_local_decimal_mark():
    assert format_clock(65.25, "en", tenths=True) == "1:05.2"
    assert format_clock(65.25, "lv", tenths=True) == "1:05,2"
    assert format_clock(65.25, "da") == "1:05" and format_clock(None, "lt") == "—"


@pytest.mark.parametrize(
    "lang, expected",
    [
        ("en", ["1 minute", "2 minutes", "10 minutes", "12.5 minutes", "21 minutes"]),
        ("lv", ["1 minūte", "2 minūtes", "10 minūtes", "12,5 minūtes", "21 minūte"]),
        ("lt", ["1 minutę", "2 minutes", "10 minučių", "12,5 minutės", "21 minutę"]),
        ("da", ["1 minut", "2 minutter", "10 minutter", "12,5 minutter", "21 minutter"]),
    ],
)
def test_plural_forms_follow_each_language(lang, expected):
    assert [catalog(lang)("notice.minutes", n=n) for n in (1, 2, 10, 12.5, 21)] == expected


def test_no_english_text_puts_one_before_a_plural_noun():
    """Not "1 tags", "1 of 1 sessions" or "Show 1 more sessions": every count has its singular for one."""
    m = catalog("en")
    wrong = []
    for key, value in load_table("en").items():
        text = m(key, n=1, **{name: "1" for name in i18n.placeholders(value) if name != "n"})
        if re.search(r"\b1 (?:of 1 |more )?(?:sessions|tags|edits|pastes|replies|characters|minutes)\b", text):
            wrong.append(f"{key}: {text}")
    assert wrong == []


@pytest.mark.parametrize(
    "lang, edits, of_sessions",
    [
        ("en", ["1 edit", "2 edits", "10 edits", "21 edits"], ["200 of 221 sessions", "200 of 222 sessions", "200 of 210 sessions"]),
        ("lv", ["1 labojums", "2 labojumi", "10 labojumi", "21 labojums"], ["200 no 221 sesijas", "200 no 222 sesijām", "200 no 210 sesijām"]),
        ("lt", ["1 taisymas", "2 taisymai", "10 taisymų", "21 taisymas"], ["200 iš 221 sesijos", "200 iš 222 sesijų", "200 iš 210 sesijų"]),
        ("da", ["1 rettelse", "2 rettelser", "10 rettelser", "21 rettelser"], ["200 af 221 sessioner", "200 af 222 sessioner", "200 af 210 sessioner"]),
    ],
)
def test_counts_shown_with_a_noun_take_the_plural_form_of_their_number(lang, edits, of_sessions):
    m = catalog(lang)
    assert [m("count.edits", n=n) for n in (1, 2, 10, 21)] == edits
    shown = [m("review.list.count_of", n=total, shown=200, total=total) for total in (221, 222, 210)]
    assert [text.split(" (")[0] for text in shown] == of_sessions


# --- the candidate's screens --------------------------------------------------------------------


def latvian_app(latvian, tmp_path, lang=None, candidate="Anna Kalniņa"):
    scenario, persona = latvian
    return build_candidate_app(scenario, persona, tmp_path / "db.sqlite", candidate, seed=1, clock=Clock(), tick_interval=3600, lang=lang)


async def test_a_latvian_scenario_speaks_latvian_from_notice_to_end(latvian, tmp_path):
    app = latvian_app(latvian, tmp_path, candidate=None)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, NoticeScreen)
        text = screen_text(app)
        assert "Klientu atbalsta lomu spēle" in text and "Sākt" in text and "Customer support" not in text
        recording = str(app.screen.query_one("#recording").render())
        assert "Nospiežot „Sākt”, Jūs tam piekrītat" in recording
        assert "Jums ir 10 minūtes." in str(app.screen.query_one("#intro").render())
        await pilot.press(*"Anna", "enter")
        await pilot.pause()
        assert isinstance(app.screen, ChatScreen)
        await at(app, pilot, 2.0)
        text = screen_text(app)
        assert "Atlikušais laiks" in text and "Kur ir mans pasūtījums A-1?" in text and "Jūsu uzdevums" in text
        await pilot.press(*"Labdien", "enter")
        await pilot.pause()
        assert "Jūs · 0:02" in screen_text(app)
        consent = stored_events(app)[0]
        assert consent["kind"] == "consent" and consent["data"]["notice_language"] == "lv"
        await pilot.press("ctrl+q")
        await pilot.pause()
        assert "Iziet no sesijas?" in screen_text(app) and "Palikt" in screen_text(app)
        await pilot.click("#leave")
        await pilot.pause()
        assert isinstance(app.screen, EndScreen)
        text = screen_text(app)
        assert "Paldies!" in text and "Jūs pārtraucāt sesiju." in text and "Aizvērt" in text


async def test_lang_overrides_the_scenario_language(latvian, tmp_path):
    app = latvian_app(latvian, tmp_path, lang="da", candidate=None)
    async with app.run_test(size=(110, 32)) as pilot:
        await pilot.pause()
        text = screen_text(app)
        assert "Rollespil i kundeservice" in text and "Pazudušais sūtījums" in text  # the scenario's own text is as written
        assert "Du har 10 minutter." in str(app.screen.query_one("#intro").render())
        await pilot.press(*"Mads", "enter")
        await pilot.pause()
        assert stored_events(app)[0]["data"]["notice_language"] == "da"


async def test_latvian_fits_at_80_by_24(latvian, tmp_path):
    """The name box, Start and the leave hint stay on screen; the chat's bars are not cut."""
    app = latvian_app(latvian, tmp_path, candidate=None)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        text = screen_text(app)
        assert "Sākt" in text and "nospiediet Escape" in text
        await pilot.press(*"Anna", "enter")
        await pilot.pause()
        await at(app, pilot, 2.0)
        await pilot.press("a")
        await pilot.pause()
        text = screen_text(app)
        assert re.search(r"Atlikušais laiks \d+:\d\d", text)
        assert "Enter sūta" in text and "1/4000" in text


def test_run_refuses_a_language_we_do_not_speak(capsys):
    with pytest.raises(SystemExit):
        main(["run", "--lang", "de"])
    assert "invalid choice" in capsys.readouterr().err


# --- review and reports -------------------------------------------------------------------------


def latvian_session(latvian, db: Path, tmp_path: Path) -> str:
    scenario, persona = latvian
    replies = tmp_path / "replies.yaml"
    replies.write_text("- \"Man ļoti žēl, Ilze! [red]x[/] Pārbaudīšu pasūtījumu A-1.\"\n", encoding="utf-8")
    recorder = SessionRecorder(db, scenario, persona, "Anna Kalniņa", source="scripted", session_id="44444444-dddd-4000-8000-000000000004").start()
    play(scenario, persona, load_replies(replies), recorder=recorder)
    recorder.close()
    ReviewStore(db).db.execute("update sessions set started_at = ? where id = ?", ["2026-11-23T09:05:00+00:00", recorder.session_id]).connection.commit()
    return recorder.session_id


async def test_an_english_reviewer_sees_a_latvian_transcript_as_written(latvian, tmp_path):
    db = tmp_path / "review.sqlite"
    sid = latvian_session(latvian, db, tmp_path)
    app = build_review_app(db, "Reviewer", export_dir=tmp_path)
    async with app.run_test(size=(120, 34)) as pilot:
        await pilot.pause()
        text = screen_text(app)
        assert "Candidate" in text and "1 session" in text and "2026-11-23 09:05" in text
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, SessionScreen)
        text = screen_text(app)
        assert "Kur ir mans pasūtījums A-1?" in text and "Man ļoti žēl, Ilze! [red]x[/]" in text  # as written
        assert "Scores" in text and "Vērtējumi" not in text  # the interface is English
        await pilot.press("e")  # the export speaks the session's language
        await pilot.pause()
        await app.workers.wait_for_complete()
        exported = (tmp_path / f"rolesim-{sid[:8]}.md").read_text("utf-8")
        assert exported.startswith("# Sesijas pārskats: Anna Kalniņa")


async def test_the_review_interface_in_latvian(latvian, tmp_path):
    db = tmp_path / "review.sqlite"
    latvian_session(latvian, db, tmp_path)
    app = build_review_app(db, "Ieva", lang="lv")
    async with app.run_test(size=(120, 34)) as pilot:
        await pilot.pause()
        text = screen_text(app)
        assert "Kandidāts" in text and "1 sesija" in text and "23.11.2026. 09:05" in text and "Atjaunot" in text
        await pilot.press("enter")
        await pilot.pause()
        text = screen_text(app)
        assert "Vērtējumi" in text and "Klients ir" not in text and "Man ļoti žēl, Ilze!" in text


def test_a_report_speaks_the_session_language_unless_told(latvian, tmp_path, capsys):
    db = tmp_path / "review.sqlite"
    sid = latvian_session(latvian, db, tmp_path)
    transcript = load_transcript(ReviewStore(db), sid)
    text = markdown(transcript)
    assert text.startswith("# Sesijas pārskats: Anna Kalniņa")
    assert "sākums 23.11.2026. 09:05" in text and "## Sarakste" in text and "Man ļoti žēl, Ilze\\! \\[red\\]x\\[/\\]" in text and "avots skripts" in text
    page = html_report(transcript)
    assert '<html lang="lv">' in page and "<h2>Vērtējumi</h2>" in page
    assert main(["report", sid[:8], "--db", str(db)]) == 0
    assert capsys.readouterr().out.startswith("# Sesijas pārskats")
    assert main(["report", sid[:8], "--db", str(db), "--lang", "en"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("# Session report: Anna Kalniņa") and "Kur ir mans pasūtījums A-1?" in out
    assert main(["report", sid[:8], "--db", str(db), "--lang", "lt", "--format", "html"]) == 0
    assert "Sesijos ataskaita" in capsys.readouterr().out
    # JSON keeps English keys, but titles and descriptors are in the report's language, as in the other formats.
    assert main(["report", sid[:8], "--db", str(db), "--format", "json"]) == 0
    scores = json.loads(capsys.readouterr().out)["scores"]
    assert scores["empathy"]["title"] == "Empātija un emocionālā inteliģence"
    assert main(["report", sid[:8], "--db", str(db), "--format", "json", "--lang", "en"]) == 0
    assert json.loads(capsys.readouterr().out)["scores"]["empathy"]["title"] == "Empathy and emotional intelligence"


# --- validate -----------------------------------------------------------------------------------


def test_validate_warns_about_a_language_with_no_cues_or_catalog(tmp_path, capsys):
    path = tmp_path / "de.yaml"
    path.write_text((I18N / "scenarios" / "mini-lv.yaml").read_text("utf-8").replace("language: lv", "language: de"), encoding="utf-8")
    code = main(["validate", "--scenarios", str(I18N), str(path)])
    out = capsys.readouterr().out
    assert code == 0
    assert f"{path}:4:11: warning: language 'de' has no cue set (simulator/cues/de.yaml)" in out
    assert f"{path}:4:11: warning: language 'de' has no interface catalog (simulator/locales/de.yaml)" in out
    assert main(["validate", "--strict", "--scenarios", str(I18N), str(path)]) == 1


def test_validate_warns_about_missing_translation_keys(tmp_path, capsys, monkeypatch):
    english = load_table("en")
    partial = {k: v for k, v in load_table("lv").items() if not k.startswith("end.")}
    monkeypatch.setattr(i18n, "load_table", lambda lang: english if lang == "en" else partial)
    code = main(["validate", "--scenarios", str(I18N), str(I18N / "scenarios" / "mini-lv.yaml")])
    out = capsys.readouterr().out
    assert code == 0
    assert "warning: the interface catalog simulator/locales/lv.yaml is incomplete (English fills the gaps): missing key end." in out


def test_validate_is_quiet_about_a_complete_catalog(capsys):
    main(["validate", "--scenarios", str(I18N), str(I18N / "scenarios" / "mini-lv.yaml")])
    assert "interface catalog" not in capsys.readouterr().out


def test_a_typed_date_is_read_iso_or_day_first_and_nothing_else():
    from simulator.i18n import parse_date

    assert parse_date("2026-11-23") == parse_date("23.11.2026.") == parse_date("23.11.2026") == parse_date(" 23. 11. 2026 ") == "2026-11-23"
    assert parse_date("2026-11-3") == "2026-11-03"
    # With the time, as the list shows it: from that minute on.
    assert parse_date("2026-11-23 13:14") == parse_date("23.11.2026. 13:14") == parse_date("23.11.2026 13.14") == "2026-11-23T13:14"
    assert parse_date("23.11.2026 25:00") is None and parse_date("23.11.2026 soon") is None
    assert parse_date("31.02.2026") is None and parse_date("11/23/2026") is None and parse_date("2026") is None
