"""Plain typed objects that scenarios, personas and rubrics load into."""

from __future__ import annotations

from dataclasses import dataclass, field

ARCHETYPES = ("angry", "confused", "demanding")
OUTCOMES = ("resolved", "escalated", "customer_left", "time_up", "abandoned")
# Outcomes an author can put on a state; time_up and abandoned come from the clock and the candidate.
AUTHORED_OUTCOMES = ("resolved", "escalated", "customer_left")
LANGUAGES = ("en", "lv", "lt", "da")  # what rolesim speaks: interface, cues and scenarios
CORE_DIMENSIONS = ("patience", "empathy", "problem_solving")
DIMENSIONS = (
    "patience",
    "empathy",
    "problem_solving",
    "communication",
    "attention_to_detail",
    "product_knowledge",
    "positivity",
    "adaptability",
    "accountability",
    "helpfulness",
)


@dataclass(frozen=True)
class Where:
    """A place in a source file, 1-based, for messages an author can jump to."""

    path: str
    line: int = 0
    col: int = 0

    def __str__(self) -> str:
        return f"{self.path}:{self.line}:{self.col}"


@dataclass(frozen=True)
class Condition:
    """What a reply must show for a transition to fire; every given part must hold."""

    tags: tuple[str, ...] = ()  # any of: "empathy+", "patience-" or a behaviour id
    no_tags: tuple[str, ...] = ()  # none of these
    cues: tuple[str, ...] = ()  # any of the scenario's cue ids
    mood_below: int | None = None
    mood_at_least: int | None = None
    replies_in_state: int | None = None  # at least this many replies in the state, this one included


@dataclass(frozen=True)
class Transition:
    """A move to another state when a reply meets its condition."""

    to: str
    when: Condition
    where: Where


@dataclass(frozen=True)
class Silence:
    """A move to another state when the candidate stays silent this long."""

    after: float
    to: str
    where: Where


@dataclass(frozen=True)
class State:
    """One step of the customer's side of the conversation."""

    name: str
    say: tuple[str, ...]
    outcome: str | None = None
    on_reply: tuple[Transition, ...] = ()
    otherwise: tuple[str, ...] = ()
    on_silence: Silence | None = None
    where: Where = Where("")

    @property
    def final(self) -> bool:
        """A state with an outcome ends the conversation once its line is said."""
        return self.outcome is not None


@dataclass(frozen=True)
class Scenario:
    """A support chat the candidate takes: the situation, the facts and the customer's states."""

    id: str
    title: str
    language: str
    archetype: str
    persona: str
    time_limit: float
    brief: str
    reference: str
    start: str
    states: dict[str, State]
    facts: dict[str, str] = field(default_factory=dict)
    cues: dict[str, tuple[str, ...]] = field(default_factory=dict)
    behaviours: dict[str, "Behaviour"] = field(default_factory=dict)  # the scenario's own, on top of the language's
    weights: dict[str, float] = field(default_factory=dict)  # dimension -> weight in the overall; 0 leaves it out
    address: str = "any"  # formal: an informal reply to an upset customer is noted
    path: str = ""
    text: str = ""  # the exact file text, stored with every session


@dataclass(frozen=True)
class Behaviour:
    """A scenario's own behaviour: phrases that count for or against a dimension."""

    dimension: str
    polarity: int
    cues: tuple[str, ...]


@dataclass(frozen=True)
class Typing:
    """How fast the customer composes a message."""

    think: float = 2.0  # seconds before the first character
    chars_per_second: float = 6.0
    jitter: float = 0.0  # +/- this fraction of the typing time, from the session's seeded random
    reads_per_second: float = 0.0  # reading the candidate's reply before typing; 0: no pause


@dataclass(frozen=True)
class Nudge:
    """What the customer does when the candidate goes quiet."""

    after: float = 45.0
    max: int = 3  # nudges in a row before the customer leaves
    lines: tuple[str, ...] = ("Hello? Are you still there?",)


@dataclass(frozen=True)
class Persona:
    """A customer's temperament: mood thresholds, typing speed and stock reactions."""

    id: str
    name: str
    archetype: str
    language: str
    mood_start: int
    mood_calm: int
    mood_leave: int
    typing: Typing
    nudge: Nudge
    reactions: dict[str, tuple[str, ...]]
    mood_effects: dict[str, float] = field(default_factory=dict)
    path: str = ""
    text: str = ""


@dataclass(frozen=True)
class Rubric:
    """One assessed dimension: its definition, the behaviours for and against, and anchors."""

    dimension: str
    title: str
    definition: str
    behaviours_for: tuple[str, ...]
    behaviours_against: tuple[str, ...]
    descriptors: dict[int, str]
    core: bool = False
    target_share: float = 1.0  # share of replies showing a behaviour that earns the top score
    above_3_needs: tuple[str, ...] = ()  # a score above 3 needs one of these somewhere: what the 5 describes
    translations: dict = field(default_factory=dict)  # lang -> {title, definition, descriptors}: what reviewers read


def customer_names(scenario: Scenario, persona: Persona) -> tuple[str, ...]:
    """The names the candidate may call the customer: the scenario's customer_name fact and the persona's name."""
    return tuple(n for n in (scenario.facts.get("customer_name"), persona.name) if n)
