"""Tags from what the session knows: the facts, the customer's open question, their mood, the address asked for."""

from __future__ import annotations

from dataclasses import replace

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from simulator.context import FactCheck, Said, answer_tags, facts_of
from simulator.engine import Conversation
from simulator.scoring import score_session
from simulator.tagger import get_tagger


def talk(conv: Conversation, *replies: str, think: float = 12.0) -> list:
    """Play replies the way a candidate would: each sent `think` seconds after the customer has spoken."""
    now = 0.0
    conv.start(now)
    for text in replies:
        while conv.next_deadline() is not None and not conv.waiting_for_candidate and not conv.finished:
            now = conv.next_deadline()
            conv.advance(now)
        if conv.finished:
            break
        now += think
        conv.reply(text, now)
    return [t for t in conv.turns if t.role == "candidate"]


def behaviours(turn) -> list[str]:
    return [t.behaviour for t in turn.tags]


@pytest.fixture
def parcel(shipped):
    scenario = shipped.scenario("late-parcel")
    return scenario, shipped.persona_for(scenario)


def test_a_wrong_order_number_or_misspelled_name_is_attention_to_detail_against(parcel):
    turns = talk(Conversation(*parcel), "I'm sorry Martha, let me check order 48231 for you.")
    wrong = {t.behaviour: t.evidence for t in turns[0].tags if t.dimension == "attention_to_detail"}
    assert wrong == {"misspelled_name": "Martha", "wrong_fact": "48231"}
    assert all(t.polarity == -1 for t in turns[0].tags if t.dimension == "attention_to_detail")


def test_the_right_order_number_and_amount_count_for_detail_and_knowledge(parcel):
    turns = talk(Conversation(*parcel), "I'm sorry Marta, order 48213 is lost. I can refund the €9.95 fee and send new chairs.")
    found = {(t.behaviour, t.evidence) for t in turns[0].tags if t.rule.startswith("context/")}
    assert {("correct_name", "Marta"), ("correct_fact", "48213"), ("correct_fact", "9.95"), ("uses_knowledge", "9.95")} <= found
    assert ("uses_knowledge", "48213") not in found  # an order number identifies the case; it is not product knowledge


def test_a_name_typed_without_its_diacritics_or_inflected_is_not_a_misspelling():
    facts = facts_of({"customer_name": "Jānis Bērziņš"})
    stem = get_tagger("en").lexicon.stem
    assert [t.behaviour for t in FactCheck(facts, stem).tags("Paldies, Janis! Berzins kungs, es pārbaudīšu.")] == ["correct_name", "correct_name"]
    assert [t.behaviour for t in FactCheck(facts, stem).tags("Thank you, Janos.")] == ["misspelled_name"]
    from simulator.tagger import Lexicon

    latvian = Lexicon("latvian").stem
    assert [t.behaviour for t in FactCheck(facts, latvian).tags("Jāni, atvainojos! Jānim nosūtīšu kodu.")] == ["correct_name", "correct_name"]


def test_a_question_left_unanswered_counts_against_and_twice_running_is_ignoring(parcel):
    conv = Conversation(*parcel)
    turns = talk(conv, "Hello, thanks for contacting Northwind Home.", "Thank you for your patience today.")
    assert "unanswered_question" in behaviours(turns[0])
    assert "ignored_request" in behaviours(turns[1])
    scores = score_session(conv.turns)
    assert any(e.get("behaviour") == "ignored_request" for e in scores["problem_solving"].evidence)


def test_a_reply_on_the_customers_question_answers_it():
    history = [Said("customer", "Where are my chairs? The tracking hasn't moved!")]
    text = "Those chairs left Monday, tracking updates tonight."
    found = answer_tags(text, get_tagger().tag(text), set(), history)
    assert [(t.behaviour, t.polarity) for t in found] == [("answers_question", 1)]
    assert text[found[0].start : found[0].end] == found[0].evidence


def test_a_reply_that_snaps_back_on_topic_leaves_the_question_unanswered():
    history = [Said("customer", "Where are my chairs? The tracking hasn't moved!")]
    text = "You should have read the email about the chairs."  # on topic, but blame, not an answer
    found = answer_tags(text, get_tagger().tag(text), set(), history)
    assert [(t.behaviour, t.polarity) for t in found] == [("unanswered_question", -1)]
    calm = "The email about the chairs went out today."
    assert [t.behaviour for t in answer_tags(calm, get_tagger().tag(calm), set(), history)] == ["answers_question"]
    capital = "The chairs are at the DEPOT in Riga."  # a word in capitals is no snapping back: still an answer
    assert [t.behaviour for t in answer_tags(capital, get_tagger().tag(capital), set(), history)] == ["answers_question"]


def test_changing_approach_when_the_customer_gets_angrier_is_adaptability(parcel):
    stubborn = talk(Conversation(*parcel), "You should have read our delivery terms.", "You should have read the delivery terms.")
    assert "same_approach" in behaviours(stubborn[1])
    adapts = talk(Conversation(*parcel), "You should have read our delivery terms.", "I'm so sorry, you're right to be upset. Let me check where it is.")
    assert "changes_approach" in behaviours(adapts[1])


def test_informal_address_to_an_upset_customer_is_noted_where_the_scenario_wants_formal(parcel, monkeypatch):
    scenario, persona = parcel
    tagger = get_tagger("en")
    monkeypatch.setitem(tagger._address, "informal", (frozenset(), frozenset({"mate"})))  # English has no tu/vous: stand one in
    formal = replace(scenario, address="formal")
    turns = talk(Conversation(formal, persona), "Listen mate, I'm sorry about the chairs.")
    informal = [t for t in turns[0].tags if t.behaviour == "informal_address"]
    assert [(t.dimension, t.polarity, t.evidence) for t in informal] == [("communication", -1, "mate")]
    assert "informal_address" not in behaviours(talk(Conversation(scenario, persona), "Listen mate, I'm sorry about the chairs.")[0])


def test_a_scenario_behaviour_is_tagged_with_its_evidence_and_counts_for_its_dimension(parcel):
    from simulator.model import Behaviour

    scenario, persona = parcel
    own = replace(scenario, behaviours={"mentions_courier": Behaviour("product_knowledge", 1, ("fastlane", "courier"))})
    conv = Conversation(own, persona)
    turns = talk(conv, "I'm sorry, I'll ask the courier right away.")
    tag = next(t for t in turns[0].tags if t.behaviour == "mentions_courier")
    assert (tag.dimension, tag.polarity, tag.evidence, tag.rule) == ("product_knowledge", 1, "courier", "scenario/mentions_courier/courier")
    assert score_session(conv.turns)["product_knowledge"].score is not None


def test_hedges_are_not_promises_and_no_worries_is_not_a_worry():
    tags = {t.behaviour for t in get_tagger().tag("I can't promise a refund, and I can't guarantee it will arrive by Friday.")}
    assert not tags & {"propose_solution", "overpromise"}
    assert "overpromise" in {t.behaviour for t in get_tagger().tag("I guarantee it will arrive by Friday.")}
    assert {t.polarity for t in get_tagger().tag("No worries, Marta.")} == {1}


def test_pasting_the_same_empathy_every_turn_earns_diminishing_credit_and_no_five(parcel):
    pasted = "I completely understand how frustrating this must be."
    conv = Conversation(*parcel)
    turns = talk(conv, pasted, pasted, pasted, pasted)
    assert [any(t.behaviour == "formulaic" for t in turn.tags) for turn in turns] == [False, True, True, True][: len(turns)]
    scores = score_session(conv.turns)
    varied = Conversation(*parcel)
    talk(varied, "I'm so sorry, Marta.", "I can imagine how frustrating this is.", "That must be so stressful before your guests come.", "Don't worry, we'll put this right.")
    assert scores["empathy"].score <= 3 < score_session(varied.turns)["empathy"].score
    assert scores["helpfulness"].score == 1


def test_keyword_stuffing_without_addressing_the_problem_cannot_reach_five_on_empathy(parcel):
    conv = Conversation(*parcel)
    talk(conv, "Sorry sorry, I understand, I understand, I hear you.", "I understand, so sorry, I hear you, I understand.", "Sorry, I understand, I hear you.")
    scores = score_session(conv.turns)
    assert scores["empathy"].score < 5
    assert scores["problem_solving"].score <= 2


def test_typos_of_fast_typists_cost_no_empathy(parcel):
    clean = Conversation(*parcel)
    talk(clean, "I'm so sorry, I understand how frustrating this is. Let me check order 48213.")
    typos = Conversation(*parcel)
    talk(typos, "Im so sory, i undrestand how frustating this is. Let me chekc order 48213.")
    assert score_session(typos.turns)["empathy"].score == score_session(clean.turns)["empathy"].score


SWAPS = [
    ("Marta", "Aisha"),
    ("she", "he"),
    ("her", "his"),
    ("chairs", "sofa"),
    ("Tom", "Jānis"),
]
REPLIES = [
    "I'm so sorry Marta, I can see why she is upset about her chairs. Tom here: let me check.",
    "Calm down Marta, it's not my problem the chairs are late. Tom.",
    "So if I understand you, Marta, her chairs were due on Monday? I will send new chairs today.",
    "Tom from support: I can't promise anything about the chairs, but I'll make sure she hears from us.",
]


@pytest.mark.parametrize("text", REPLIES)
def test_names_gender_and_product_do_not_change_the_tags(text):
    tagger = get_tagger()
    before = sorted((t.dimension, t.polarity, t.behaviour) for t in tagger.tag(text, ["Marta"]))
    for old, new in SWAPS:
        swapped = text.replace(old, new)
        names = ["Aisha"] if old == "Marta" else ["Marta"]
        after = sorted((t.dimension, t.polarity, t.behaviour) for t in tagger.tag(swapped, names))
        assert after == before, (old, new)


def test_only_attention_to_detail_changes_when_a_fact_changes():
    facts = facts_of({"customer_name": "Marta Jensen", "order_number": "48213"})
    right = [t.behaviour for t in FactCheck(facts).tags("Marta, order 48213 is on its way.")]
    wrong = [t.behaviour for t in FactCheck(facts).tags("Marta, order 48231 is on its way.")]
    assert right == ["correct_fact", "correct_name"] and wrong == ["wrong_fact", "correct_name"]


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=400), st.lists(st.text(max_size=80), max_size=3))
def test_context_rules_take_any_text_and_keep_spans_inside_it(text, customer_lines):
    facts = facts_of({"customer_name": "Jānis Bērziņš", "order_number": "48213", "price": "€349.00"})
    history = [Said("customer", line) for line in customer_lines]
    tags = get_tagger().tag(text, ["Jānis"])
    for tag in FactCheck(facts).tags(text) + answer_tags(text, tags, set(), history):
        assert 0 <= tag.start <= tag.end <= len(text)
        assert text[tag.start : tag.end] == tag.evidence


def test_other_numbers_and_words_near_a_fact_are_not_mistakes():
    danish = get_tagger("da").lexicon
    facts = facts_of({"customer_name": "Mette Kjærgaard", "order_number": "48213", "price": "€349.00", "due": "2019"}, fold=danish.fold)
    text = "Meget beklageligt, Mette Kjaergaard. Mere information: 100% sikkert, 1000 kr, 2018, 349."
    found = [(t.behaviour, t.evidence) for t in FactCheck(facts, danish.stem, danish.fold).tags(text)]
    assert ("misspelled_name", "Meget") not in found and ("misspelled_name", "Mere") not in found
    assert ("correct_name", "Kjaergaard") in found and ("correct_name", "Mette") in found
    assert not [b for b, _ in found if b == "wrong_fact"]  # amounts and years near a fact are other numbers
    assert ("correct_fact", "349") in found


def test_answer_evidence_stays_inside_a_reply_with_an_ellipsis_character():
    history = [Said("customer", "Where are my chairs?")]
    for text in ("Ok… the chairs", "Sorry… your chairs…"):
        for tag in answer_tags(text, [], set(), history):
            assert text[tag.start : tag.end] == tag.evidence and tag.end <= len(text)
            assert tag.evidence.lower().startswith("chairs")


def test_the_customer_does_not_react_to_a_repeat_only_to_the_words(parcel):
    from simulator.context import SessionContext

    scenario, persona = parcel
    context = SessionContext(scenario, persona, get_tagger("en"), ("Marta Jensen",))
    earlier = [Said("candidate", "Please hold on a moment.", [])]
    heard, tags, _ = context.tag("Please hold on a moment.", earlier, 60.0)
    assert "formulaic" in {t.behaviour for t in tags} and "formulaic" not in {t.behaviour for t in heard}


def test_capitals_copied_from_the_reference_are_not_shouting(parcel):
    from simulator.context import SessionContext

    scenario, persona = parcel
    scenario = replace(scenario, reference=scenario.reference + "\nMerchant on the statement: ELECTRO SHOP BV.")
    context = SessionContext(scenario, persona, get_tagger("en"), ("Marta Jensen",))
    _, tags, _ = context.tag("The charge from ELECTRO SHOP is ours.", [], 60.0)
    assert "shouting" not in {t.behaviour for t in tags}
    _, tags, _ = context.tag("I TOLD YOU ALREADY.", [], 60.0)
    assert "shouting" in {t.behaviour for t in tags}
