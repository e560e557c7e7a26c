"""The customer: a synchronous state machine that is handed the time and keeps its own deadlines."""

from __future__ import annotations

import random
from collections import deque
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from transitions import Machine

from .model import Condition, Persona, Scenario, State, customer_names
if TYPE_CHECKING:  # the tagger is imported with the first reply, not with the app
    from .context import SessionContext
    from .tagger import Tag

MAX_TYPING = 15.0  # longer looks like a stalled chat, however slow the persona types
MAX_READING = 4.0  # the customer reads a reply before starting to type, at most this long
TYPING_GRACE = 5.0  # a keystroke this recent means the candidate is visibly typing: nudges wait
DEFAULT_EFFECTS = {
    "patience-": 12.0,
    "empathy+": -6.0,
    "problem_solving+": -5.0,
    "communication+": -2.0,
    "interrupt": 4.0,
    "silence": 5.0,
}
MAX_COUNTED_PER_REPLY = 2  # rudeness stacked in one reply counts at most twice


@dataclass(frozen=True)
class Event:
    """Something that happened in the conversation, at `t` seconds since its start."""

    kind: str
    t: float
    data: dict[str, Any] = field(default_factory=dict)


@dataclass
class Turn:
    """One message in the chat, by the customer or the candidate."""

    role: str
    text: str
    t: float
    state: str
    tags: list[Tag] = field(default_factory=list)
    nudge: bool = False
    interrupted: bool = False
    latency: float | None = None  # candidate turns: seconds since the customer's latest message


@dataclass
class Reply:
    """What the machine's conditions see of one reply."""

    tags: list[Tag]
    cues: set[str]
    mood: float
    replies_in_state: int

    def has(self, name: str) -> bool:
        return any(name in (t.signed, t.behaviour) for t in self.tags)


class _Customer:
    """The model the transitions machine drives; kept apart so its helpers stay off Conversation."""

    state: str


def _holds(when: Condition, reply: Reply) -> bool:
    """Whether a reply meets a transition's condition."""
    if when.tags and not any(reply.has(t) for t in when.tags):
        return False
    if when.no_tags and any(reply.has(t) for t in when.no_tags):
        return False
    if when.cues and not reply.cues.intersection(when.cues):
        return False
    if when.mood_below is not None and not reply.mood < when.mood_below:
        return False
    if when.mood_at_least is not None and not reply.mood >= when.mood_at_least:
        return False
    if when.replies_in_state is not None and reply.replies_in_state < when.replies_in_state:
        return False
    return True


class _Facts(dict):
    def __missing__(self, key: str) -> str:
        return "{" + key + "}"


class Conversation:
    """One customer conversation; feed it `reply(text, now)` and `advance(now)`, read its events."""

    def __init__(
        self,
        scenario: Scenario,
        persona: Persona,
        seed: int = 0,
        extra_time_pct: float = 0.0,
        conversation_id: int = 1,
        *,
        start_state: str | None = None,
        mood: float | None = None,
    ):
        self.scenario = scenario
        self.persona = persona
        self.seed = seed
        self.conversation_id = conversation_id
        self.rng = random.Random(seed)
        self._context: "SessionContext | None" = None  # built on the first reply: starting a session must not wait for the tagger
        self.names = customer_names(scenario, persona)
        self.facts = _Facts(scenario.facts)
        self.facts.setdefault("customer_name", persona.name)
        self.effects = {**DEFAULT_EFFECTS, **persona.mood_effects}
        self.time_limit = scenario.time_limit * (1 + extra_time_pct / 100)
        self.mood = float(persona.mood_start if mood is None else mood)  # play-tests may preset it
        if start_state is not None and start_state not in scenario.states:
            raise KeyError(f"no state '{start_state}' in scenario '{scenario.id}'")
        self.start_state = start_state or scenario.start
        self.turns: list[Turn] = []
        self.visited: list[str] = []
        self.outcome: str | None = None
        self.finished = False
        self.started = False
        self._events: list[Event] = []
        self._outbox: deque[tuple[str, bool, float]] = deque()  # customer messages waiting to be typed
        self._typing_due: float | None = None
        self._last_customer: float | None = None
        self._last_reply: float | None = None
        self._last_keystroke: float | None = None
        self._nudges_in_row = 0
        self._replies_in_state = 0
        self._moved = False
        self._last_said: str | None = None
        self._reading_until = 0.0
        self._build_machine()

    # The machine -----------------------------------------------------------------------------

    def _build_machine(self) -> None:
        states = list(self.scenario.states)
        self._builtin: dict[str, State] = {}
        leave = next((s.name for s in self.scenario.states.values() if s.outcome == "customer_left"), None)
        if leave is None:
            leave = "customer_left"
            self._builtin[leave] = State(leave, self.persona.reactions["leave"], "customer_left")
        for name in ("time_up", "abandoned"):
            self._builtin[name] = State(name, (), name)
        states += [n for n in self._builtin if n not in states]
        open_states = [s.name for s in self.scenario.states.values() if not s.final]
        transitions: list[dict[str, Any]] = []
        for state in self.scenario.states.values():
            for t in state.on_reply:
                # Conditions are our own closures over loaded data: nothing from YAML is ever imported.
                transitions.append({"trigger": "reply", "source": state.name, "dest": t.to, "conditions": [self._condition(t.when)]})
                if t.when.cues:
                    # The same reply may already answer the next state's question: see reply().
                    transitions.append({"trigger": "follow", "source": state.name, "dest": t.to, "conditions": [self._condition(t.when)]})
            if state.on_silence:
                transitions.append({"trigger": "silence", "source": state.name, "dest": state.on_silence.to})
        for trigger, dest in (("leave", leave), ("time_up", "time_up"), ("abandon", "abandoned")):
            transitions.append({"trigger": trigger, "source": open_states, "dest": dest})
        self._customer = _Customer()
        self.machine = Machine(
            model=self._customer,
            states=states,
            transitions=transitions,
            initial=self.start_state,
            auto_transitions=False,
            queued=True,
            send_event=True,
            ignore_invalid_triggers=True,
            after_state_change=self._entered,
        )

    @staticmethod
    def _condition(when: Condition):
        return lambda event: _holds(when, event.kwargs["reply"])

    def _state(self, name: str) -> State:
        return self.scenario.states.get(name) or self._builtin[name]

    @property
    def state(self) -> str:
        """The customer's current state."""
        return self._customer.state

    def _entered(self, event) -> None:
        now = event.kwargs["now"]
        source = event.transition.source
        self._moved = True
        self._enter(event.transition.dest, now, source, event.event.name)

    def _enter(self, name: str, now: float, source: str | None, trigger: str) -> None:
        self.visited.append(name)
        self._replies_in_state = 0
        self._emit("state", now, {"from": source, "to": name, "trigger": trigger})
        state = self._state(name)
        if state.outcome:
            self.outcome = state.outcome
            self._outbox.clear()
            self._typing_due = None
        if state.say:
            self._say(self._pick(state.say), now)
        elif state.outcome:
            self._finish(now)

    # Time --------------------------------------------------------------------------------------

    def start(self, now: float = 0.0) -> list[Event]:
        """Begin the conversation: the customer starts typing the first line."""
        self.started = True
        self._enter(self.start_state, now, None, "start")
        return self.advance(now)

    def advance(self, now: float) -> list[Event]:
        """Process everything due up to `now`, each at its own moment; return the new events."""
        while not self.finished:
            due = self._next_due()
            if due is None or due[0] > now:
                break
            self._fire(*due)
        return self._drain()

    def next_deadline(self) -> float | None:
        """When the conversation next changes by itself, if nothing else happens."""
        due = None if self.finished else self._next_due()
        return None if due is None else due[0]

    def _next_due(self) -> tuple[float, int, str] | None:
        """The earliest thing the conversation will do by itself; ties go in this order."""
        items = []
        if self._typing_due is not None:
            items.append((self._typing_due, 0, "deliver"))
        elif self._outbox:
            items.append((max(self._outbox[0][2], self._last_customer or 0.0), 1, "type"))
        if self.outcome is None:
            items.append((self.time_limit, 2, "time_up"))
        silence = self._silence_due()
        if silence is not None:
            items.append((silence, 3, "silence"))
        return min(items) if items else None

    def _silence_due(self) -> float | None:
        if self.outcome is not None or self._outbox or self._typing_due is not None or self._last_customer is None:
            return None
        if self._last_reply is not None and self._last_reply >= self._last_customer:
            return None  # the customer owes the next message
        state = self._state(self.state)
        after = state.on_silence.after if state.on_silence else self.persona.nudge.after
        due = self._last_customer + after
        if self._last_keystroke is not None:
            due = max(due, self._last_keystroke + TYPING_GRACE)
        return due

    def _fire(self, due: float, _order: int, what: str) -> None:
        """Handle the single earliest thing due at `due`."""
        if what == "deliver":
            self._deliver(due)
        elif what == "type":
            self._start_typing(due)
        elif what == "time_up":
            self.machine.events["time_up"].trigger(self._customer, now=due)
        else:
            self._on_silence(due)

    def _start_typing(self, now: float) -> None:
        text = self._outbox[0][0]
        typing = self.persona.typing
        # The opening message was written before the chat opened: it only waits the persona's think time.
        composing = 0.0 if not self.turns else min(MAX_TYPING, len(text) / typing.chars_per_second)
        if typing.jitter:
            composing *= 1 + typing.jitter * (2 * self.rng.random() - 1)
        self._typing_due = now + typing.think + composing
        self._emit("customer_typing", now, {"state": self.state, "until": round(self._typing_due, 3)})

    def _deliver(self, now: float) -> None:
        text, nudge, _ = self._outbox.popleft()
        self._typing_due = None
        self._last_customer = now
        self.turns.append(Turn("customer", text, now, self.state, nudge=nudge))
        self._emit("customer_message", now, {"text": text, "state": self.state, "nudge": nudge, "turn": len(self.turns) - 1})
        if self.outcome is not None and not self._outbox:
            self._finish(now)

    def _on_silence(self, now: float) -> None:
        state = self._state(self.state)
        if state.on_silence:
            self.machine.events["silence"].trigger(self._customer, now=now)
            return
        self._nudges_in_row += 1
        self._change_mood(self.effects["silence"], now, "silence")
        if self._nudges_in_row > self.persona.nudge.max or self.mood >= self.persona.mood_leave:
            self.machine.events["leave"].trigger(self._customer, now=now)
            return
        self._emit("nudge", now, {"count": self._nudges_in_row})
        self._say(self._pick(self.persona.nudge.lines), now, nudge=True)

    # The candidate -----------------------------------------------------------------------------

    def keystroke(self, now: float) -> None:
        """The candidate is visibly typing: silence nudges wait a little."""
        self._last_keystroke = now

    def reply(self, text: str, now: float) -> list[Event]:
        """The candidate sends `text` at `now`: tag it, move the mood, let the customer react."""
        self.advance(now)
        if self.finished or self.outcome is not None:
            return self._drain()
        if self._context is None:
            # Imported here: the tagger and its rules load on the first reply, not before the first frame.
            from .context import SessionContext
            from .tagger import get_tagger

            self._context = SessionContext(self.scenario, self.persona, get_tagger(self.scenario.language), self.names)
        # The customer reacts to the words; context tags (facts, open questions, mood) are for scoring and review.
        heard_tags, tags, cues = self._context.tag(text, self.turns, self.mood)
        interrupted = self._typing_due is not None
        latency = None if self._last_customer is None else round(now - self._last_customer, 3)
        self.turns.append(Turn("candidate", text, now, self.state, tags, interrupted=interrupted, latency=latency))
        self._emit("send", now, {
            "text": text,
            "turn": len(self.turns) - 1,
            "state": self.state,
            "tags": [t.to_dict() for t in tags],
            "cues": sorted(cues),
            "interrupted": interrupted,
            "latency": latency,
        })
        self._drop_nudges()
        reads = self.persona.typing.reads_per_second
        self._reading_until = now + (min(MAX_READING, len(text) / reads) if reads else 0.0)
        self._last_reply = now
        self._nudges_in_row = 0
        self._replies_in_state += 1
        before = self.mood
        self._change_mood(self._mood_delta(heard_tags, interrupted), now, "reply")
        if self.mood >= self.persona.mood_leave:
            self.machine.events["leave"].trigger(self._customer, now=now)
        else:
            self._moved = False
            reply = Reply(heard_tags, cues, self.mood, self._replies_in_state)
            self.machine.events["reply"].trigger(self._customer, now=now, reply=reply)
            if not self._moved:
                self._react(before, now)
            else:
                self._follow(reply, now)
        return self.advance(now)

    def _follow(self, reply: Reply, now: float) -> None:
        """A reply that also answers what the new state asks about (its cues) moves on again.

        Only cue conditions count, so a state that waits for "any reply" is never skipped; the
        customer then says only the last state's line, as a person who read the whole reply would.
        """
        cues = set(reply.cues)
        previous = self.visited[-2] if len(self.visited) > 1 else None
        for _ in range(3):
            if self.outcome is not None or not self._outbox:
                return
            # A cue moves the conversation once: the one that led here cannot also lead on.
            cues -= self._cues_that_fired(previous, self.state, reply)
            followed = Reply(reply.tags, cues, reply.mood, 1)
            pending = self._outbox[-1]
            previous = self.state
            self._moved = False
            self.machine.events["follow"].trigger(self._customer, now=now, reply=followed)
            if not self._moved:
                return
            being_typed = self._typing_due is not None and self._outbox[0] is pending
            if not being_typed and pending in self._outbox:
                self._outbox.remove(pending)  # the skipped state's question is never asked

    def _cues_that_fired(self, source: str | None, dest: str, reply: Reply) -> set[str]:
        """The cues of the transition from `source` to `dest` that this reply satisfied."""
        state = self.scenario.states.get(source or "")
        for t in state.on_reply if state else ():
            if t.to == dest and _holds(t.when, reply):
                return set(t.when.cues)
        return set()

    def abandon(self, now: float) -> list[Event]:
        """The candidate quits: the session ends as abandoned (or as decided, if it already was)."""
        self.advance(now)
        if self.finished:
            return self._drain()
        if self.outcome is not None:  # the customer's farewell was still being typed
            self._outbox.clear()
            self._typing_due = None
            self._finish(now)
        else:
            self.machine.events["abandon"].trigger(self._customer, now=now)
        return self._drain()

    def _react(self, mood_before: float, now: float) -> None:
        state = self._state(self.state)
        if state.otherwise:
            lines = state.otherwise
        elif self.mood > mood_before:
            lines = self.persona.reactions["worse"]
        elif self.mood < mood_before:
            lines = self.persona.reactions["better"]
        else:
            lines = self.persona.reactions["neutral"]
        self._say(self._pick(lines), now)

    def _mood_delta(self, tags: list[Tag], interrupted: bool) -> float:
        counts: dict[str, int] = {}
        for tag in tags:
            counts[tag.signed] = counts.get(tag.signed, 0) + 1
        delta = 0.0
        for signed, count in counts.items():
            effect = self.effects.get(signed)
            if effect is None:
                continue
            delta += effect * (min(count, MAX_COUNTED_PER_REPLY) if effect > 0 else 1)
        if interrupted:
            delta += self.effects["interrupt"]
        return delta

    def _change_mood(self, delta: float, now: float, reason: str) -> None:
        value = min(100.0, max(0.0, self.mood + delta))
        if value != self.mood:
            self.mood = value
            self._emit("mood", now, {"value": round(value, 2), "delta": round(delta, 2), "reason": reason})

    # Helpers -----------------------------------------------------------------------------------

    def _pick(self, lines: tuple[str, ...]) -> str:
        # Never the same line twice in a row when there is another: a real customer varies.
        fresh = [line for line in lines if line.format_map(self.facts) != self._last_said] if len(lines) > 1 else list(lines)
        line = fresh[0] if len(fresh) == 1 else self.rng.choice(fresh or lines)
        line = line.format_map(self.facts) if "{" in line else line
        self._last_said = line
        return line

    def _drop_nudges(self) -> None:
        """The candidate answered: a "hello?" not yet sent would arrive after the reply, so it is not sent."""
        if self._outbox and self._outbox[0][1] and self._typing_due is not None:
            self._typing_due = None  # the nudge being typed is abandoned
        self._outbox = deque(item for item in self._outbox if not item[1])

    def _say(self, text: str, now: float, nudge: bool = False) -> None:
        self._outbox.append((text, nudge, max(now, self._reading_until)))

    def _finish(self, now: float) -> None:
        self.finished = True
        self._emit("end", now, {"outcome": self.outcome, "state": self.state})

    def _emit(self, kind: str, now: float, data: dict[str, Any]) -> None:
        data.setdefault("conversation", self.conversation_id)
        self._events.append(Event(kind, now, data))

    def _drain(self) -> list[Event]:
        events, self._events = self._events, []
        return events

    @property
    def waiting_for_candidate(self) -> bool:
        """The customer has said their piece and waits for a reply."""
        return (
            self.outcome is None
            and not self._outbox
            and self._typing_due is None
            and bool(self.turns)
            and self.turns[-1].role == "customer"
        )

    @property
    def customer_typing(self) -> bool:
        """Whether the customer is typing a message right now."""
        return self._typing_due is not None
