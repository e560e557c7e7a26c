"""Scores come with the descriptor they matched and the evidence behind them."""

from __future__ import annotations

import pytest

from simulator.engine import Turn
from simulator.scoring import describe, load_rubrics, score_session
from simulator.tagger import Tag, get_tagger


def session(*replies, latency=10.0, interrupted=False):
    turns = []
    for i, text in enumerate(replies):
        turns.append(Turn("customer", "Where is my order?", i * 30.0, "s"))
        turns.append(Turn("candidate", text, i * 30.0 + latency, "s", get_tagger().tag(text, ["Marta"]), interrupted=interrupted, latency=latency))
    return turns


def test_core_rubrics_have_definitions_and_anchor_descriptors():
    rubrics = load_rubrics()
    for dim in ("patience", "empathy", "problem_solving"):
        assert rubrics[dim].core and rubrics[dim].definition
        assert set(rubrics[dim].descriptors) == {1, 3, 5}


def test_a_rude_reply_lowers_patience_and_names_the_words():
    scores = score_session(session("Calm down.", "That is not my problem.", "Deal with it."))
    assert scores["patience"].score == 2
    words = [e["evidence"] for e in scores["patience"].evidence if e["kind"] == "tag"]
    assert words == ["Calm down", "not my problem", "Deal with it"]
    assert scores["patience"].descriptor == load_rubrics()["patience"].descriptors[1]


def test_varied_empathy_in_most_replies_scores_five_with_its_evidence():
    scores = score_session(session("I'm so sorry, Marta.", "I understand how frustrating this is.", "Don't worry, I'll make sure it is sorted."))
    empathy = scores["empathy"]
    assert empathy.score == 5 and empathy.anchor == 5
    assert {e["behaviour"] for e in empathy.evidence if e["kind"] == "tag"} >= {"apologise", "acknowledge_feelings", "reassure", "use_name"}


def test_one_behaviour_repeated_cannot_reach_five():
    assert score_session(session("Sorry.", "Sorry.", "Sorry."))["empathy"].score == 4


def test_questions_and_facts_without_a_solution_stop_at_three_and_say_why():
    asks = ("What is your order number?", "The courier is FastLane. When did it ship?", "Which address was it sent to?")
    capped = score_session(session(*asks))["problem_solving"]
    assert capped.score == 3 and capped.anchor == 3
    assert "propose_solution, next_steps" in describe(capped)
    solved = score_session(session(*asks[:2], "I can send a new set by express today."))["problem_solving"]
    assert solved.score == 5 and not any(e["kind"] == "needs" for e in solved.evidence)


def test_a_capped_score_lowered_further_gives_both_reasons():
    asks = ("What is your order number?", "The courier is FastLane. When did it ship?", "Which address was it sent to?", "What colour were they?")
    turns = session(*asks)
    turns.append(Turn("customer", "Where is my order?", 200.0, "s"))
    text = "OK."
    turns.append(Turn("candidate", text, 210.0, "s", [Tag("problem_solving", -1, "unanswered_question", text, 0, len(text), "context/unanswered_question/x")], latency=10.0))
    score = score_session(turns)["problem_solving"]
    assert score.score == 2
    said = describe(score)
    assert "capped at 3" in said and "unanswered_question" in said


def test_a_score_that_rounds_to_three_anyway_is_not_said_to_be_capped():
    score = score_session(session("What is your order number?", "When did it ship?", "OK.", "OK.", "OK."))["problem_solving"]
    assert score.score == 3 and not any(e["kind"] == "needs" for e in score.evidence)  # 2 of 5: 3.3 before any cap


def test_a_rubric_cannot_need_a_behaviour_it_does_not_count():
    from simulator.scoring import _needs

    assert _needs({"dimension": "problem_solving", "for": ["propose_solution"], "above_3_needs": ["propose_solution"]}) == ("propose_solution",)
    with pytest.raises(ValueError, match="propose_solutoin"):
        _needs({"dimension": "problem_solving", "for": ["propose_solution"], "above_3_needs": ["propose_solutoin"]})


def test_core_dimensions_are_always_scored_and_others_only_with_evidence():
    scores = score_session(session("OK."))
    assert all(scores[d].score is not None for d in ("patience", "empathy", "problem_solving"))
    assert scores["communication"].score is None and scores["helpfulness"].score is None


def test_interruptions_and_slow_replies_count_against_patience_with_timings():
    scores = score_session(session("OK.", "OK.", latency=200.0, interrupted=True))
    kinds = [e["kind"] for e in scores["patience"].evidence]
    assert kinds.count("interrupted") == 2 and kinds.count("slow_reply") == 2
    assert scores["patience"].score == 3


def test_a_silent_candidate_gets_the_lowest_core_scores_with_a_reason():
    scores = score_session([Turn("customer", "Hello?", 0.0, "s")])
    for dim in ("patience", "empathy", "problem_solving"):
        assert scores[dim].score == 1 and scores[dim].evidence[0]["kind"] == "no_reply"
    # Not the 1 descriptor: a candidate who wrote nothing did not "lose composure".
    assert describe(scores["patience"]) == "No reply was sent: nothing to assess, so the lowest score."
    assert describe(scores["patience"], "lv").startswith("Netika nosūtīta neviena atbilde")


def test_a_low_score_with_some_of_the_behaviours_reads_against_the_three_it_falls_short_of():
    rubrics = load_rubrics()
    scores = score_session(session("I'm so sorry, but you should have read the email.", "Calm down, it's not my problem."))
    empathy = scores["empathy"]
    assert empathy.score == 1 and empathy.anchor == 3
    text = describe(empathy)
    assert rubrics["empathy"].descriptors[1] not in text  # "no apology" would contradict the apology it lists
    assert text.startswith(rubrics["empathy"].descriptors[3])
    assert text.endswith("— scored 1, lower for what counts against it: blame, calm_down, dismiss.")
    few = score_session(session("I'm sorry.", "OK.", "OK.", "OK.", "OK.", "OK."))["empathy"]
    assert few.score == 2 and describe(few).endswith("— scored 2: too few replies show it.")
    assert describe(few, "da").startswith(rubrics["empathy"].translations["da"]["descriptors"][3])
    none = score_session(session("OK.", "Calm down."))["empathy"]
    assert none.score == 1 and describe(none) == rubrics["empathy"].descriptors[1]


def test_a_scenario_weights_the_overall_and_a_zero_weight_leaves_a_dimension_out():
    from simulator.scoring import overall

    scores = score_session(session("I'm so sorry, Marta.", "Calm down.", "Let me check that for you."))
    plain = overall(scores)
    scored = {d: s.score for d, s in scores.items() if s.score is not None}
    assert plain == round(sum(scored.values()) / len(scored), 2)
    only_patience = overall(scores, {d: 0 for d in scored} | {"patience": 1})
    assert only_patience == scores["patience"].score
    assert overall(scores, {d: 0 for d in scored}) is None


def test_a_reviewers_change_of_a_tag_moves_the_scores():
    from simulator.tagger import Tag

    turns = session("Calm down.")
    before = score_session(turns)
    calm = next(t for t in turns[1].tags if t.behaviour == "calm_down")
    turns[1].tags = [Tag("empathy", 1, "calm_down", calm.evidence, calm.start, calm.end, "reviewer:ieva")]
    after = score_session(turns)
    assert after["patience"].score > before["patience"].score
    assert after["empathy"].score > before["empathy"].score


def test_a_hasty_reply_is_timed_from_the_shouted_message_not_a_later_nudge():
    from simulator.engine import Turn

    turns = [
        Turn("customer", "WHERE IS MY ORDER", 0.0, "s"),
        Turn("customer", "Hello?", 60.0, "s", nudge=True),
        Turn("candidate", "Let me check that for you.", 62.0, "s", get_tagger().tag("Let me check that for you."), latency=2.0),
    ]
    assert not [e for e in score_session(turns)["patience"].evidence if e["kind"] == "hasty_reply"]
    turns[2] = Turn("candidate", "Let me check that for you.", 2.0, "s", turns[2].tags, latency=2.0)
    hasty = [e for e in score_session(turns[:1] + turns[2:])["patience"].evidence if e["kind"] == "hasty_reply"]
    assert hasty and hasty[0]["seconds"] == 2.0


def test_a_score_lowered_by_what_counts_against_it_says_so_even_from_the_top(shipped):
    from simulator.play import ScriptedReply, play

    scenario = shipped.scenario("late-parcel")
    texts = ["Hello Marta, I see order 48213 for the chairs.", "Your order 48231 is delayed, Marta.", "So that is order 48213, Marrta.", "I will check order 48213 and call you, Marta."]
    detail = play(scenario, shipped.persona_for(scenario), [ScriptedReply(t) for t in texts]).scores["attention_to_detail"]
    assert detail.score == 3
    # Every reply got a fact right (a 5 on its own), less two slips: the 3 descriptor, and why it is not higher.
    assert describe(detail) == load_rubrics()["attention_to_detail"].descriptors[3] + " — scored 3, lower for what counts against it: misspelled_name, wrong_fact."


def test_a_pasted_apology_reads_as_no_fresh_credit_not_too_few_replies(shipped):
    from simulator.play import ScriptedReply, play

    scenario = shipped.scenario("late-parcel")
    result = play(scenario, shipped.persona_for(scenario), [ScriptedReply("I am so sorry for the inconvenience.")] * 7)
    empathy = result.scores["empathy"]
    assert empathy.score < 3 and any(e["kind"] == "formulaic" for e in empathy.evidence)
    assert describe(empathy).endswith(f"— scored {empathy.score}: the same words repeated earn no fresh credit.")
