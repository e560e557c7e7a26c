"""The English tagger: behaviours, negation, evidence offsets, speed-minded design."""

from __future__ import annotations

from collections import Counter

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from simulator.tagger import Lexicon, get_tagger


def behaviours(text: str, names=()):
    return {t.behaviour for t in get_tagger("en").tag(text, names)}


@pytest.mark.parametrize(
    "text,behaviour",
    [
        ("I'm really sorry this happened.", "apologise"),
        ("I understand how frustrating this must be.", "acknowledge_feelings"),
        ("Don't worry, I'll make sure it arrives.", "reassure"),
        ("Could you tell me your order number?", "clarifying_question"),
        ("When did you place the order?", "clarifying_question"),
        ("I can offer you a full refund.", "propose_solution"),
        ("Let me check with the courier.", "next_steps"),
        ("Our policy allows returns within 30 days.", "give_information"),
        ("So you are saying the parcel never arrived?", "paraphrase"),
        ("Just to confirm, the order was placed on Monday.", "paraphrase"),
        ("You should have read the delivery terms.", "blame"),
        ("That's not my problem.", "dismiss"),
        ("Please calm down.", "calm_down"),
        ("As I already said, the tracking page says so.", "sarcasm"),
        ("WHY ARE YOU SHOUTING AT ME", "shouting"),
        ("That is a stupid question.", "rudeness"),
    ],
)
def test_behaviour_is_recognised(text, behaviour):
    assert behaviour in behaviours(text)


def test_customer_name_is_used():
    tags = get_tagger().tag("Thank you, Marta.", ["Marta Jensen"])
    assert [(t.behaviour, t.evidence) for t in tags] == [("use_name", "Marta")]


def test_name_without_diacritics_still_counts():
    assert "use_name" in behaviours("Paldies, Janis!", ["Jānis Bērziņš"])


def test_not_my_problem_is_dismissal_but_no_problem_is_not():
    assert "dismiss" in behaviours("Sorry, that is not my problem.")
    assert not any(t.polarity < 0 for t in get_tagger().tag("No problem at all, happy to help!"))


def test_negation_cancels_a_positive_cue():
    assert "apologise" not in behaviours("I'm not sorry.")
    assert "propose_solution" not in behaviours("I can't offer a refund.")


def test_not_your_fault_reassures_instead_of_blaming():
    found = behaviours("It is not your fault.")
    assert "reassure" in found and "blame" not in found


@pytest.mark.parametrize("text", ["What is your order number?", "Why did you choose express delivery?", "Have you checked your spam folder?", "Is the parcel damaged?", "Did you try restarting?"])
def test_a_plain_question_is_never_a_negative_patience_tag(text):
    assert not [t for t in get_tagger().tag(text) if t.dimension == "patience" and t.polarity < 0]


def test_typos_of_fast_typists_are_still_recognised():
    found = behaviours("sory, I undrestand")
    assert {"apologise", "acknowledge_feelings"} <= found


def test_evidence_offsets_point_into_the_original_text():
    text = "Hej — I’m SO sorry, Jānis; could you confirm the order?"
    for tag in get_tagger().tag(text, ["Jānis"]):
        assert text[tag.start : tag.end] == tag.evidence


def test_acronyms_and_order_numbers_are_not_shouting():
    assert "shouting" not in behaviours("Your order NW-48213 ships via UPS, OK?")


def test_tags_are_deterministic():
    text = "Sorry, Marta. Could you confirm the order? I will send a new one within 2 days."
    assert get_tagger().tag(text, ["Marta"]) == get_tagger().tag(text, ["Marta"])


@settings(max_examples=400, deadline=None)
@given(st.text(max_size=600))
def test_any_text_tags_without_error_and_spans_stay_inside(text):
    for tag in get_tagger().tag(text, ["Ada"]):
        assert 0 <= tag.start < tag.end <= len(text)
        assert text[tag.start : tag.end] == tag.evidence


def test_cue_phrases_are_split_like_replies_and_a_decimal_point_is_not_a_sentence_end():
    tagger = get_tagger()
    cues = tagger.cue_lexicon({"fee": ["refund ... 9.95"], "reship": ["re-send"]})
    assert tagger.analyse("I'll refund the 9.95 today.", cues)[1] == {"fee"}
    assert tagger.analyse("I will re-send them.", cues)[1] == {"reship"}
    assert tagger.analyse("I'll refund it. 9.95 is the fee.", cues)[1] == set()  # two sentences


def test_a_negated_scenario_cue_does_not_count():
    tagger = get_tagger()
    cues = tagger.cue_lexicon({"exception": ["make an exception"]})
    assert tagger.analyse("I can make an exception.", cues)[1] == {"exception"}
    assert tagger.analyse("I can't make an exception, sorry.", cues)[1] == set()


def test_quoted_customer_words_are_not_the_candidates_rudeness():
    assert "rudeness" not in behaviours('You said the app was "useless", and I understand why.')
    assert "rudeness" not in behaviours("So the courier called it “ridiculous”?")
    assert "rudeness" in behaviours("Honestly, your question is ridiculous.")


def test_spelled_out_letters_and_a_light_latvian_stemmer_match_what_a_us_keyboard_types():
    danish = Lexicon("danish", letters={"æ": "ae", "ø": "oe", "å": "aa"})
    danish.add("hjælpe dig", "offer_help", "da/offer_help")
    danish.finish()
    for reply in ("Jeg vil gerne HJÆLPE dig", "jeg vil gerne hjaelpe dig"):
        assert [cue.behaviour for cue, *_ in danish.match(danish.words(reply))] == ["offer_help"]
    latvian = Lexicon("latvian")
    latvian.add("atvainojos", "apologise", "lv/apologise")
    latvian.finish()
    for reply in ("Atvainojamies", "atvainojos", "ATVAINOJOS"):
        assert latvian.match(latvian.words(reply)), reply
    assert not latvian.match(latvian.words("atvērt"))


def test_each_language_says_what_ends_a_negation_and_whether_not_follows_the_verb():
    danish = get_tagger("da")
    assert "propose_solution" in {t.behaviour for t in danish.tag("Jeg kan ikke love noget men jeg sender den i dag")}
    assert "overpromise" not in {t.behaviour for t in danish.tag("Jeg lover ikke noget")}
    assert "overpromise" in {t.behaviour for t in danish.tag("Jeg lover dig, at den kommer fredag.")}
    assert "propose_solution" in {t.behaviour for t in get_tagger("en").tag("I can't promise anything, but I will send one today")}


def test_a_latvian_comma_before_ka_carries_the_negation_and_inflected_names_are_the_name():
    latvian = get_tagger("lv")
    assert "overpromise" not in {t.behaviour for t in latvian.tag("Nevaru apsolīt, ka tas noteikti pienāks rīt.")}
    assert "next_steps" in {t.behaviour for t in latvian.tag("Nevaru apsolīt, bet es pārbaudīšu.")}
    assert [t.evidence for t in latvian.tag("Paldies, Valda kungs!", ["Valdis Ozoliņš"]) if t.behaviour == "use_name"] == ["Valda"]


def test_an_abbreviation_point_is_no_sentence_end_and_a_dash_ends_a_negation():
    lithuanian = get_tagger("lt")
    assert "clarifying_question" in {t.behaviour for t in lithuanian.tag("Ar gavote el. laišką?")}
    assert "propose_solution" in {t.behaviour for t in lithuanian.tag("Tai ne jūsų kaltė – viską sutvarkysime.")}
    assert "clarifying_question" in {t.behaviour for t in get_tagger("en").tag("Did Mr. Jones sign for it?")}


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.characters(codec="utf-8"), max_size=300))
def test_looking_words_up_by_chunk_finds_the_words_a_regex_over_the_reply_finds(text):
    from simulator.tagger import WORD

    assert [w.text for w in get_tagger().lexicon.words(text)] == WORD.findall(text)


def test_a_slip_counts_only_in_cues_for_the_candidate():
    lexicon = Lexicon("english")
    lexicon.add("sorry", "apologise", "en/apologise", typos=True, makes=("empathy", 1))
    lexicon.add("sorry but that is policy", "dismiss", "en/dismiss", typos=False, makes=("patience", -1))
    lexicon.finish()
    assert [cue.behaviour for cue, *_ in lexicon.match(lexicon.words("sory but that is policy"))] == ["apologise"]
    assert [cue.behaviour for cue, *_ in lexicon.match(lexicon.words("sorry but that is policy"))] == ["apologise", "dismiss"]


def test_a_scenarios_cues_do_not_lend_their_slips_to_the_languages_cues():
    english = get_tagger("en")
    # "ever" is one slip from the scenario's "never", but "you never read" (blame) must not match "you ever read".
    cues = english.cue_lexicon({"promise": ["never"]})
    assert "blame" not in {t.behaviour for t in english.analyse("Have you ever read the manual?", cues)[0]}
    assert "blame" in {t.behaviour for t in english.analyse("You never read what I write.", cues)[0]}
    danish = get_tagger("da")
    # "kunder" (customers) is a word of Danish's own cues, not a slip of the scenario's "kundenr".
    cues = danish.cue_lexicon({"verify": ["kundenr"]})
    assert danish.analyse("I kunder tror altid at vi kan trylle.", cues)[1] == set()
    assert danish.analyse("Hvad er Deres kundenr?", cues)[1] == {"verify"}


def test_slips_stay_with_the_cues_they_are_slips_of():
    english, danish = get_tagger("en"), get_tagger("da")
    # A scenario's word with the same stem as the language's does not lend the language its slips ...
    cues = english.cue_lexicon({"x": ["frustration"]})
    assert english.analyse("I know this is frustrtion for you.", cues)[0] == english.analyse("I know this is frustrtion for you.")[0]
    # ... not after a gap either ...
    cues = danish.cue_lexicon({"gentag": ["flere gange"]})
    assert danish.analyse("Jeg har sat sagen i gnage.", cues)[0] == danish.analyse("Jeg har sat sagen i gnage.")[0]
    # ... and the language's slips do not steer the customer through a scenario's cues.
    cues = english.cue_lexicon({"upset": ["annoyance"]})
    assert english.analyse("That must be annoyng for you.", cues)[1] == set()
    assert english.analyse("That must be annoyance for you.", cues)[1] == {"upset"}


def test_a_scenarios_behaviour_against_the_candidate_forgives_no_slips(shipped):
    from simulator.context import SessionContext

    scenario = shipped.scenario("da-pakkeboks")
    context = SessionContext(scenario, shipped.persona_for(scenario), get_tagger("da"), ())
    assert "asks_box_retry" in {t.behaviour for t in context.tagger.analyse("Tjek boksen igen.", context.cue_lexicon)[0]}
    assert "asks_box_retry" not in {t.behaviour for t in context.tagger.analyse("Tjek bkosen igen.", context.cue_lexicon)[0]}


def test_a_long_cue_compiles_a_bounded_automaton_and_still_forgives_slips():
    from simulator.tagger import MAX_RUN

    english = get_tagger("en")
    words = "absolutely understand frustrating situation completely appreciate patience reassure everything resolved quickly possible tomorrow morning definitely personally".split()
    cues = english.cue_lexicon({"long": [" ".join(words)]})
    assert len(cues._entries) - len(english.lexicon._entries) <= 2**MAX_RUN
    assert english.analyse(" ".join(words), cues)[1] == {"long"}
    slipped = words[:10] + ["quikcly"] + words[11:]
    assert english.analyse(" ".join(slipped), cues)[1] == {"long"}


def test_a_sessions_lexicon_is_freed_with_its_last_reference():
    import gc
    import weakref

    gc.disable()
    try:
        cues = get_tagger("en").cue_lexicon({"x": ["refund"]})
        cues.words("I will refund it.")
        freed = weakref.ref(cues)
        del cues
        assert freed() is None
    finally:
        gc.enable()


def test_a_word_pasted_hundreds_of_times_gives_a_few_tags_not_hundreds():
    text = "sorry " * 300 + "Calm down. " * 50 + "I understand."
    tags = get_tagger().tag(text)
    counts = Counter(t.behaviour for t in tags)
    assert counts["apologise"] == 3 and counts["calm_down"] == 3 and counts["acknowledge_feelings"] == 1
    assert [t.start for t in tags if t.behaviour == "apologise"] == [0, 6, 12]  # the first ones, where they are
    assert all(text[t.start : t.end] == t.evidence for t in tags)
    # Different words of one behaviour are each kept: only the same words repeated are cut.
    assert Counter(t.behaviour for t in get_tagger().tag("Sorry. I apologise. So sorry. My apologies."))["apologise"] == 4


def test_words_inside_a_question_ask_and_give_no_information():
    tags = get_tagger().tag("What is your order number? The courier is FastLane.")
    assert [(t.behaviour, t.evidence) for t in tags] == [("clarifying_question", "What is your order number?"), ("give_information", "The courier")]
    unmarked = get_tagger().tag("Thanks. what is your order number")  # a question typed without its mark asks too
    assert [t.behaviour for t in unmarked] == ["clarifying_question"]
