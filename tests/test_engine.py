"""The customer's state machine, driven with explicit times (no sleeping)."""

from __future__ import annotations

from dataclasses import replace

from simulator.engine import Conversation


def kinds(events):
    return [e.kind for e in events]


def first_message_at(conv: Conversation) -> float:
    conv.start(0.0)  # starts typing at once
    due = conv.next_deadline()
    conv.advance(due)  # delivers
    return due


def test_opening_message_arrives_after_the_persona_think_time(mini):
    conv = Conversation(*mini)
    events = conv.start(0.0)
    assert kinds(events) == ["state", "customer_typing"]
    assert conv.customer_typing
    # The opening line was written before the chat opened: only the persona's think time.
    assert conv.next_deadline() == 1.0
    assert conv.advance(0.9) == []
    events = conv.advance(1.0)
    assert kinds(events) == ["customer_message"]
    assert events[0].data["text"] == "Where is A-1?"  # placeholder filled from facts
    assert not conv.customer_typing


def test_empathy_moves_to_the_next_state_and_lowers_the_mood(mini):
    conv = Conversation(*mini)
    first_message_at(conv)
    events = conv.reply("I'm so sorry about this.", 10.0)
    assert conv.state == "talking"
    assert conv.mood < 60
    assert "mood" in kinds(events) and "state" in kinds(events)


def test_rudeness_sends_the_customer_to_hostile_and_raises_the_mood(mini):
    conv = Conversation(*mini)
    first_message_at(conv)
    conv.reply("Calm down, it is not my problem.", 10.0)
    assert conv.state == "hostile"
    assert conv.mood == 60 + 2 * 12


def test_an_apology_brings_a_hostile_customer_back_only_below_the_mood_threshold(mini):
    conv = Conversation(*mini)
    first_message_at(conv)
    conv.reply("Calm down, it is not my problem.", 10.0)  # mood 84
    conv.reply("I apologise.", 12.0)  # 84 - 6 = 78 < 85
    assert conv.state == "talking"


def test_a_reply_that_fires_no_transition_gets_a_persona_reaction(mini):
    conv = Conversation(*mini)
    first_message_at(conv)
    events = conv.reply("The weather is nice.", 10.0)
    assert conv.state == "opening"
    while not conv.turns[-1].role == "customer" or conv.customer_typing:
        events = conv.advance(conv.next_deadline())
    assert conv.turns[-1].text == "Hm."  # mood unchanged: the neutral reaction


def test_scenario_cue_resolves_and_the_session_ends_after_the_farewell(mini):
    conv = Conversation(*mini)
    first_message_at(conv)
    conv.reply("Sorry to hear that.", 10.0)
    conv.reply("I will refund you today.", 30.0)
    assert conv.outcome == "resolved"
    assert not conv.finished  # the farewell is still being typed
    events = conv.advance(60.0)
    assert conv.finished
    assert events[-1].kind == "end" and events[-1].data["outcome"] == "resolved"
    assert conv.turns[-1].text == "Thanks."
    assert conv.visited == ["opening", "talking", "done"]


def test_replies_in_state_escalates_after_three_replies_without_progress(mini):
    conv = Conversation(*mini)
    first_message_at(conv)
    conv.reply("Sorry.", 10.0)
    for t in (20.0, 40.0, 60.0):
        conv.advance(t)
        conv.reply("Let me see.", t)
    conv.advance(100.0)
    assert conv.outcome == "escalated"
    assert conv.visited[-1] == "manager"


def test_silence_produces_nudges_then_the_customer_leaves(mini):
    conv = Conversation(*mini)
    at = first_message_at(conv)
    assert conv.next_deadline() == at + 30
    events = conv.advance(at + 30)
    assert "nudge" in kinds(events)
    events = conv.advance(at + 200)
    assert kinds(events).count("nudge") == 1  # max 2 nudges, the third silence makes them leave
    assert conv.outcome == "customer_left"
    assert conv.finished
    assert conv.turns[-1].text == "I'm leaving."
    assert conv.mood == 60 + 3 * 5


def test_a_nudge_waits_while_the_candidate_is_visibly_typing(mini):
    conv = Conversation(*mini)
    at = first_message_at(conv)
    conv.keystroke(at + 28)
    assert conv.next_deadline() == at + 28 + 5
    assert "nudge" not in kinds(conv.advance(at + 31))


def test_state_silence_transition_fires_instead_of_a_nudge(mini):
    conv = Conversation(*mini)
    first_message_at(conv)
    conv.reply("Deal with it.", 10.0)
    conv.advance(15.0)  # "How dare you." delivered by now
    assert conv.state == "hostile"
    conv.advance(200.0)
    assert conv.outcome == "escalated"
    assert "manager" in conv.visited


def test_time_limit_ends_the_session_as_time_up_with_extra_time(mini):
    conv = Conversation(*mini, extra_time_pct=50)
    first_message_at(conv)
    conv.keystroke(0)
    for t in range(5, 440, 20):  # keep replying neutrally so nobody leaves
        conv.reply("Okay.", float(t))
    assert not conv.finished
    events = conv.advance(450.0)
    assert conv.finished and conv.outcome == "time_up"
    assert events[-1].t == 450.0  # 300 s + 50 %


def test_mood_reaching_leave_threshold_makes_the_customer_leave(mini):
    conv = Conversation(*mini)
    first_message_at(conv)
    conv.reply("Calm down, not my problem.", 10.0)  # 84
    conv.reply("You are stupid and useless.", 12.0)  # 108 -> 100 >= 90
    assert conv.outcome == "customer_left"


def test_sending_while_the_customer_types_is_recorded_as_an_interruption(mini):
    conv = Conversation(*mini)
    at = first_message_at(conv)
    conv.reply("The weather is nice.", at + 5)  # the customer starts typing "Hm."
    events = conv.reply("Hello?", at + 5.5)
    send = next(e for e in events if e.kind == "send")
    assert send.data["interrupted"] is True
    assert conv.turns[-1].interrupted


def test_abandon_ends_the_session_as_abandoned(mini):
    conv = Conversation(*mini)
    first_message_at(conv)
    events = conv.abandon(20.0)
    assert conv.outcome == "abandoned" and conv.finished
    assert events[-1].kind == "end"


def test_same_seed_gives_same_lines_and_different_seeds_can_differ(mini):
    def lines(seed):
        conv = Conversation(*mini, seed=seed)
        first_message_at(conv)
        conv.reply("Sorry.", 10.0)
        conv.advance(30.0)
        return [t.text for t in conv.turns]

    assert lines(1) == lines(1)
    assert {lines(s)[-1] for s in range(10)} == {"What now?", "So?"}


def test_later_messages_take_think_time_plus_length_at_the_persona_speed(mini):
    conv = Conversation(*mini)
    at = first_message_at(conv)
    events = conv.reply("The weather is nice.", at + 5)  # no transition: the neutral reaction "Hm."
    typing = next(e for e in events if e.kind == "customer_typing")
    assert typing.data["until"] == round(at + 5 + 1 + len("Hm.") / 10, 3)


def test_one_reply_can_answer_the_next_states_question_too(mini):
    conv = Conversation(*mini)
    first_message_at(conv)
    conv.reply("I'm so sorry about this. I will refund you today.", 10.0)
    conv.advance(60.0)
    assert conv.visited == ["opening", "talking", "done"]
    assert conv.outcome == "resolved"
    said = [t.text for t in conv.turns if t.role == "customer"]
    assert said == ["Where is A-1?", "Thanks."]  # "What now?" was already answered, so never asked


def test_a_state_waiting_for_any_reply_is_never_skipped(mini):
    conv = Conversation(*mini)
    first_message_at(conv)
    conv.reply("Calm down, I will refund you.", 10.0)  # hostile's way out needs an apology, not a cue
    assert conv.state == "hostile"


def test_a_nudge_not_yet_sent_is_dropped_when_the_candidate_replies(mini):
    conv = Conversation(*mini)
    at = first_message_at(conv)
    conv.advance(at + 30)  # the nudge starts being typed
    assert conv.customer_typing
    conv.reply("Sorry, I'm here.", at + 30.5)
    conv.advance(at + 60)
    assert "Hello?" not in [t.text for t in conv.turns if t.role == "customer"]


def test_the_customer_does_not_say_the_same_line_twice_in_a_row(mini):
    scenario, persona = mini
    persona = replace(persona, reactions={**persona.reactions, "better": ("Better.", "Good.")})
    conv = Conversation(scenario, persona, seed=3)
    first_message_at(conv)
    conv.reply("Sorry.", 10.0)  # to talking: "What now?" or "So?"
    for t in (30.0, 50.0):
        conv.advance(t)
        conv.reply("Let me see.", t)  # no transition (2 replies): persona reactions
    conv.advance(70.0)
    said = [t.text for t in conv.turns if t.role == "customer"]
    assert all(a != b for a, b in zip(said, said[1:]))


def test_a_pasted_empathy_phrase_is_formulaic_and_cannot_reach_five(mini):
    from simulator.scoring import score_session

    conv = Conversation(*mini)
    first_message_at(conv)
    phrase = "I understand how frustrating this is for you."
    for t in (10.0, 40.0, 70.0):
        conv.advance(t)
        conv.reply(phrase, t)
    replies = [t for t in conv.turns if t.role == "candidate"]
    assert not any(tag.behaviour == "formulaic" for tag in replies[0].tags)
    assert all(any(tag.behaviour == "formulaic" and tag.dimension == "helpfulness" for tag in r.tags) for r in replies[1:])
    scores = score_session(conv.turns)
    assert any(e.get("kind") == "formulaic" for e in scores["empathy"].evidence)
    varied = Conversation(*mini)
    first_message_at(varied)
    for t, text in ((10.0, phrase), (40.0, "I'm so sorry you've had to wait."), (70.0, "Don't worry, I'll make sure it's sorted today.")):
        varied.advance(t)
        varied.reply(text, t)
    assert scores["empathy"].score < score_session(varied.turns)["empathy"].score == 5
    assert scores["empathy"].score <= 3  # only the first of the three pasted replies counts


def test_a_word_like_sorry_may_recur_without_being_formulaic(mini):
    conv = Conversation(*mini)
    first_message_at(conv)
    conv.reply("Sorry for the wait.", 10.0)
    conv.advance(30.0)
    conv.reply("Sorry, let me check that.", 30.0)
    assert not any(tag.behaviour == "formulaic" for t in conv.turns for tag in t.tags)
