"""Latvian, Lithuanian and Danish: a cue set, a scenario library and tagging in each, none of it English."""

from __future__ import annotations

import re

import pytest
import yaml

from simulator.evaluate import evaluate
from simulator.tagger import get_tagger, tagger_version
from simulator.ui.app import default_scenario

from .conftest import ROOT, SHIPPED

LANGS = ["lv", "lt", "da"]
ENGLISH = {"the", "and", "you", "your", "is", "are", "my", "it", "to", "of", "for", "what", "where", "this", "that", "with", "have", "not", "was", "me", "i", "im", "just", "can"}


def cue_spec(lang):
    return yaml.safe_load((SHIPPED / "cues" / f"{lang}.yaml").read_text("utf-8"))


def looks_english(line: str) -> bool:
    words = re.findall(r"[^\W\d_]+", line.lower().replace("'", ""))
    return len(words) >= 4 and sum(w in ENGLISH for w in words) / len(words) >= 0.3


def customer_lines(scenario, persona):
    lines = [line for state in scenario.states.values() for line in (*state.say, *state.otherwise)]
    lines += list(persona.nudge.lines) + [line for lines in persona.reactions.values() for line in lines]
    return lines


@pytest.mark.parametrize("lang", LANGS)
def test_each_language_has_the_three_archetypes_with_matching_personas(shipped, lang):
    scenarios = [s for s in shipped.scenarios.values() if s.language == lang]
    assert {s.archetype for s in scenarios} == {"angry", "confused", "demanding"}
    for scenario in scenarios:
        persona = shipped.persona_for(scenario)
        assert persona.language == lang and persona.archetype == scenario.archetype


@pytest.mark.parametrize("lang", LANGS)
def test_no_customer_line_is_english_text(shipped, lang):
    english = {line for s in shipped.scenarios.values() if s.language == "en" for line in customer_lines(s, shipped.persona_for(s))}
    for scenario in (s for s in shipped.scenarios.values() if s.language == lang):
        for line in customer_lines(scenario, shipped.persona_for(scenario)):
            assert line not in english, (scenario.id, line)
            assert not looks_english(line), (scenario.id, line)


def test_the_english_detector_catches_english():
    assert looks_english("Where is my order? It was due on Monday and nobody told me.")
    assert not looks_english("Kur ir mana paka? Tai turėjo būti pirmadienį, og ingen sagde noget.")


@pytest.mark.parametrize("lang", LANGS)
def test_each_cue_file_has_every_english_behaviour_with_the_same_dimension(lang):
    english = cue_spec("en")["behaviours"]
    theirs = cue_spec(lang)["behaviours"]
    for name, body in english.items():
        assert name in theirs, (lang, name)
        assert (theirs[name]["dimension"], theirs[name]["polarity"]) == (body["dimension"], body["polarity"]), (lang, name)
        assert theirs[name]["cues"], (lang, name)
    assert cue_spec(lang)["address"]["formal"] and cue_spec(lang)["address"]["informal"]


@pytest.mark.parametrize(
    "lang, reply, behaviours",
    [
        ("lv", "Atvainojos par sagādātajām neērtībām, es tūlīt pārbaudīšu.", {"apologise"}),
        ("lv", "atvainojos par sagadatajam neertibam", {"apologise"}),
        ("lt", "Atsiprašau, suprantu jūsų nusivylimą.", {"apologise"}),
        ("lt", "atsiprasau, aciu kad palaukete", {"apologise"}),
        ("da", "Undskyld, jeg forstår godt, at det er frustrerende.", {"apologise"}),
        ("da", "undskyld, jeg forstaar godt at det er frustrerende", {"apologise"}),
    ],
)
def test_apologies_are_recognised_with_or_without_diacritics(lang, reply, behaviours):
    found = {t.behaviour for t in get_tagger(lang).tag(reply)}
    assert behaviours <= found, found


@pytest.mark.parametrize("lang, informal", [("lv", "Tu vari pagaidīt."), ("lt", "Tu gali palaukti."), ("da", "Du kan vente.")])
def test_informal_address_is_recognised(lang, informal):
    register = get_tagger(lang).register(informal)
    assert register is not None and register[0] == "informal"


@pytest.mark.parametrize("lang", LANGS)
def test_run_with_a_language_opens_that_languages_angry_customer(shipped, lang):
    chosen = shipped.scenario(default_scenario(shipped, lang))
    assert (chosen.language, chosen.archetype) == (lang, "angry")


@pytest.mark.parametrize("lang", ["en", *LANGS])
def test_eval_tags_a_labelled_set_in_its_own_language(lang):
    result = evaluate(ROOT / "tests" / "labelled" / f"{lang}.jsonl", "all", lang)
    assert result["tagger_version"] == tagger_version(lang) and result["tagger_version"].split("+")[1].startswith(lang)
    assert result["rows"] >= 150
    assert set(result["labels"]) == {"empathy", "problem_solving", "active_listening", "patience_violation"}


def test_default_scenario_without_a_language_is_late_parcel(shipped):
    assert default_scenario(shipped, None) == "late-parcel"
    assert default_scenario(shipped, "xx") == "late-parcel"


def test_a_formal_pronoun_wins_over_a_word_that_only_looks_informal():
    assert get_tagger("lv").register("Mēs veiksim pārbaudi un Jums piezvanīsim.")[0] == "formal"


def test_explain_and_scores_speak_the_sessions_language_with_rubric_translations(tmp_path, capsys):
    from simulator.cli import main
    from simulator.scoring import load_rubrics
    from simulator.store import ReviewStore
    from simulator.transcript import load_transcript

    from .test_review_core import scripted

    path = tmp_path / "lv.sqlite"
    sid = scripted(path, "lv-pakomats", "rude", "Rūdolfs Rupjais")
    capsys.readouterr()
    assert main(["explain", sid[:8], "--db", str(path)]) == 0
    out = capsys.readouterr().out
    patience = load_rubrics()["patience"]
    assert out.startswith("Sesija ") and patience.translations["lv"]["title"] + ":" in out
    score = load_transcript(ReviewStore(path), sid).scores()["patience"]
    assert patience.translations["lv"]["descriptors"][score.anchor] in out
    assert main(["explain", sid[:8], "--db", str(path), "--lang", "en"]) == 0
    assert capsys.readouterr().out.startswith("Session ")


def test_every_rubric_is_translated_into_every_language():
    from simulator.scoring import load_rubrics

    for rubric in load_rubrics().values():
        for lang in LANGS:
            body = rubric.translations[lang]
            assert body["title"] and body["definition"] and set(body["descriptors"]) == {1, 3, 5}, (rubric.dimension, lang)


async def test_page_down_brings_the_consent_paragraph_into_view_at_80x24(shipped, tmp_path):
    from textual.containers import VerticalScroll
    from textual.widgets import Input

    from simulator.ui.app import build_candidate_app

    from .test_ui import Clock

    scenario = shipped.scenario("lt-pastomatas")
    app = build_candidate_app(scenario, shipped.persona_for(scenario), tmp_path / "db.sqlite", None, seed=1, clock=Clock(), tick_interval=3600)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        notice = app.screen.query_one("#notice", VerticalScroll)
        assert notice.max_scroll_y > 0  # the Lithuanian notice is longer than the screen
        await pilot.press("pagedown")
        await pilot.pause()
        assert notice.scroll_y == notice.max_scroll_y
        assert isinstance(app.focused, Input)  # the name box keeps the focus: typing still goes there


def test_bad_inputs_of_the_language_commands_get_one_clear_line(tmp_path, capsys):
    from simulator.cli import main

    with pytest.raises(SystemExit):
        main(["tag", "--lang", "xx", "hello"])
    assert "invalid choice: 'xx'" in capsys.readouterr().err
    bad = tmp_path / "lv.jsonl"
    bad.write_text('{"id": "lv-1", "text": "labdien", "gold": []}\n{"id": "lv-2", oops}\n')
    assert main(["eval", str(bad)]) == 1
    assert f"{bad}:2:16: invalid JSON" in capsys.readouterr().err  # column of "oops"


@pytest.mark.parametrize("lang", LANGS)
def test_a_capped_score_is_explained_in_the_readers_language(tmp_path, capsys, lang):
    from simulator.cli import main
    from simulator.i18n import catalog

    from .test_review_core import scripted

    path = tmp_path / "capped.sqlite"
    sid = scripted(path, "late-parcel", "rude", "Rob Rude")  # questions and facts, no solution: held at 3
    capsys.readouterr()
    assert main(["explain", sid[:8], "--db", str(path), "--lang", lang]) == 0
    out = capsys.readouterr().out
    behaviours = "propose_solution, next_steps"
    assert out.count(catalog(lang)("descriptor.needs", score=3, behaviours=behaviours)) == 1  # said once, in the descriptor
    assert "capped" not in out


POLITE = {  # ordinary replies a good agent sends, each once caught by a patience cue
    "da": [
        "Husk, at koden skal skrives med caps lock slået fra.",
        "Der er mange andre i køen i dag, så undskyld ventetiden.",
        "Der er desværre ikke noget, vi kan gøre ved forsinkelsen, men jeg sender dig en rabatkode.",
        "Du skal slet ikke være sur på dig selv.",
    ],
    "lv": ["Paldies, ka mūsu veikals bija jūsu izvēle!", "Man ļoti žēl, ka tas jums bija tiešām tik grūti."],
    "lt": [
        "Atsiprašau, šiuo metu laukia kiti klientai, tačiau jūsų klausimą jau sprendžiu.",
        "Jei daugiau nėra ką aptarti, linkiu gražios dienos!",
        "Jau paaiškinau kolegai jūsų situaciją, jis jums paskambins.",
        "Tai ne mano skyrius, bet mielai sujungsiu jus su kolega.",
        "Jau rašiau kurjeriui, jis atvyks rytoj.",
    ],
}


@pytest.mark.parametrize("lang,text", [(lang, text) for lang, texts in POLITE.items() for text in texts])
def test_a_polite_reply_gets_no_patience_tag(lang, text):
    assert [t.behaviour for t in get_tagger(lang).tag(text) if t.dimension == "patience"] == []
