"""Load scenario and persona YAML into typed objects, with every problem at file:line:col."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any, Callable, Iterable

from .model import (
    ARCHETYPES,
    AUTHORED_OUTCOMES,
    DIMENSIONS,
    Behaviour,
    Condition,
    Nudge,
    Persona,
    Scenario,
    Silence,
    State,
    Transition,
    Typing,
)
from .yamlsource import Key, LoadError, Problem, Source, read_source

PLACEHOLDER = re.compile(r"\{([A-Za-z_][A-Za-z0-9_]*)\}")
ID = re.compile(r"^[a-z0-9][a-z0-9_-]*$")
REACTIONS = ("better", "worse", "neutral", "leave")


class _Checker:
    """Reads typed fields out of a Source, collecting problems instead of raising."""

    def __init__(self, source: Source):
        self.source = source
        self.problems: list[Problem] = []

    def error(self, key: Key, message: str) -> None:
        self.problems.append(Problem(self.source.where(key), "error", message))

    def warning(self, key: Key, message: str) -> None:
        self.problems.append(Problem(self.source.where(key), "warning", message))

    def mapping(self, value: Any, key: Key, allowed: tuple[str, ...], what: str) -> dict:
        if not isinstance(value, dict):
            self.error(key, f"{what} must be a mapping of keys to values, not {_kind(value)}")
            return {}
        for name in value:
            if name not in allowed:
                hint = _closest(str(name), allowed)
                self.error(key + (name, "<key>"), f"unknown key '{name}' in {what}" + (f" (did you mean '{hint}'?)" if hint else ""))
        return value

    def get(self, mapping: dict, key: Key, name: str, kind: str, required: bool = False, default: Any = None) -> Any:
        if name not in mapping or mapping[name] is None:
            if required:
                self.error(key, f"missing required key '{name}'")
            return default
        value = mapping[name]
        ok, converted = _convert(value, kind)
        if not ok:
            self.error(key + (name,), f"'{name}' must be {_KINDS[kind]}, not {_kind(value)}")
            return default
        return converted


def _convert(value: Any, kind: str) -> tuple[bool, Any]:
    if kind == "str":
        return (isinstance(value, str) and value.strip() != "", value)
    if kind == "text":  # str, or a list of alternatives
        if isinstance(value, str) and value.strip():
            return True, (value,)
        if isinstance(value, list) and value and all(isinstance(v, str) and v.strip() for v in value):
            return True, tuple(value)
        return False, None
    if kind == "number":
        return (isinstance(value, (int, float)) and not isinstance(value, bool) and value >= 0, float(value) if isinstance(value, (int, float)) else None)
    if kind == "int":
        return (isinstance(value, int) and not isinstance(value, bool), value)
    if kind == "strlist":
        if isinstance(value, str):
            return True, (value,)
        return (isinstance(value, list) and all(isinstance(v, str) for v in value), tuple(value) if isinstance(value, list) else None)
    raise ValueError(kind)


_KINDS = {
    "str": "a non-empty string",
    "text": "a string or a list of strings",
    "number": "a number of zero or more",
    "int": "a whole number",
    "strlist": "a list of strings",
}


def _kind(value: Any) -> str:
    if value is None:
        return "nothing"
    if isinstance(value, bool):
        return "true/false"
    return {dict: "a mapping", list: "a list", str: "a string", int: "a number", float: "a number"}.get(type(value), type(value).__name__)


def _closest(name: str, options: tuple[str, ...]) -> str | None:
    import difflib

    found = difflib.get_close_matches(name, options, n=1, cutoff=0.7)
    return found[0] if found else None


SCENARIO_KEYS = ("id", "title", "language", "archetype", "persona", "time_limit", "brief", "reference", "facts", "cues", "behaviours", "weights", "address", "start", "states")
BEHAVIOUR_KEYS = ("dimension", "polarity", "cues")
WORD_CHARS = re.compile(r"\w")
ADDRESS = ("any", "formal", "informal")
STATE_KEYS = ("say", "outcome", "on_reply", "otherwise", "on_silence")
TRANSITION_KEYS = ("to", "if")
CONDITION_KEYS = ("tags", "no_tags", "cues", "mood_below", "mood_at_least", "replies_in_state")
SILENCE_KEYS = ("after", "to")
PERSONA_KEYS = ("id", "name", "archetype", "language", "mood", "typing", "nudge", "reactions", "mood_effects")


def parse_scenario(source: Source, behaviours: frozenset[str] = frozenset()) -> tuple[Scenario | None, list[Problem]]:
    """Build a Scenario from parsed YAML; behaviours are the tagger's ids a condition may name."""
    c = _Checker(source)
    top = c.mapping(source.data, (), SCENARIO_KEYS, "a scenario")
    if not top:
        return None, c.problems or [Problem(source.where(()), "error", "empty scenario file")]
    sid = c.get(top, (), "id", "str", required=True)
    if sid and not ID.match(sid):
        c.error(("id",), f"id '{sid}' must be lower-case letters, digits, '-' or '_'")
    archetype = c.get(top, (), "archetype", "str", required=True)
    if archetype and archetype not in ARCHETYPES:
        c.error(("archetype",), f"archetype must be one of {', '.join(ARCHETYPES)}, not '{archetype}'")
    time_limit = c.get(top, (), "time_limit", "number", required=True)
    if time_limit is not None and time_limit <= 0:
        c.error(("time_limit",), "time_limit must be more than 0 seconds")
    facts: dict[str, str] = {}
    if isinstance(top.get("facts"), dict):
        for name, value in top["facts"].items():
            if isinstance(value, (str, int, float)) and not isinstance(value, bool):
                facts[str(name)] = str(value)
            else:
                c.error(("facts", name), f"fact '{name}' must be a string or number, not {_kind(value)}")
    elif top.get("facts") is not None:
        c.error(("facts",), f"'facts' must be a mapping of names to values, not {_kind(top['facts'])}")
    cues: dict[str, tuple[str, ...]] = {}
    if isinstance(top.get("cues"), dict):
        for name, value in top["cues"].items():
            ok, phrases = _convert(value, "strlist")
            if not ok or not phrases:
                c.error(("cues", name), f"cue '{name}' must be a list of phrases")
            else:
                _check_phrases(c, ("cues", name), phrases)
                cues[str(name)] = phrases  # defined even with a bad phrase: that phrase is the one error, not every use
    elif top.get("cues") is not None:
        c.error(("cues",), f"'cues' must be a mapping of cue ids to phrases, not {_kind(top['cues'])}")

    own = _parse_behaviours(c, top.get("behaviours"))
    if behaviours:
        behaviours = behaviours | frozenset(own)
    weights: dict[str, float] = {}
    if isinstance(top.get("weights"), dict):
        for name, value in top["weights"].items():
            ok, weight = _convert(value, "number")
            if name not in DIMENSIONS:
                c.error(("weights", name), f"unknown dimension '{name}'" + _hint(str(name), DIMENSIONS))
            elif not ok or weight == float("inf"):  # NaN is not a number to _convert
                c.error(("weights", name), f"weight of '{name}' must be a number of 0 or more")
            else:
                weights[str(name)] = weight
    elif top.get("weights") is not None:
        c.error(("weights",), f"'weights' must be a mapping of dimensions to numbers, not {_kind(top['weights'])}")
    address = c.get(top, (), "address", "str", default="any")
    if address not in ADDRESS:
        c.error(("address",), f"address must be one of {', '.join(ADDRESS)}, not '{address}'")

    states: dict[str, State] = {}
    raw_states = top.get("states")
    if raw_states is None:
        c.error((), "missing required key 'states'")
    elif not isinstance(raw_states, dict) or not raw_states:
        c.error(("states",), "'states' must be a mapping of state names to states")
    else:
        for name, body in raw_states.items():
            state = _parse_state(c, str(name), body, ("states", name), cues, behaviours)
            if state:
                states[state.name] = state
    start = c.get(top, (), "start", "str", required=True)

    # Cross-references, once every state is known.
    if states:
        if start and start not in states:
            c.error(("start",), f"start state '{start}' is not defined")
        for state in states.values():
            key = ("states", state.name)
            for i, t in enumerate(state.on_reply):
                if t.to not in states:
                    c.error(key + ("on_reply", i, "to"), f"transition to unknown state '{t.to}'" + _hint(t.to, states))
            if state.on_silence and state.on_silence.to not in states:
                c.error(key + ("on_silence", "to"), f"silence transition to unknown state '{state.on_silence.to}'" + _hint(state.on_silence.to, states))
            for line in state.say + state.otherwise:
                for name in PLACEHOLDER.findall(line):
                    if name not in facts and name != "customer_name":
                        c.error(key + ("say",), f"placeholder {{{name}}} has no fact behind it")
        if not any(s.final for s in states.values()):
            c.error(("states",), "no state has an outcome: the conversation could never end well or badly")
    for key in ("title", "brief", "reference", "persona"):
        c.get(top, (), key, "str", required=True)
    language = c.get(top, (), "language", "str", default="en")
    if any(p.severity == "error" for p in c.problems):
        return None, c.problems
    scenario = Scenario(
        id=sid,
        title=top["title"],
        language=language,
        archetype=archetype,
        persona=top["persona"],
        time_limit=float(time_limit),
        brief=top["brief"],
        reference=top["reference"],
        start=start,
        states=states,
        facts=facts,
        cues=cues,
        behaviours=own,
        weights=weights,
        address=address,
        path=source.path,
        text=source.text,
    )
    return scenario, c.problems


def _parse_behaviours(c: _Checker, raw: Any) -> dict[str, Behaviour]:
    """A scenario's own behaviours: each a dimension, a polarity (1 or -1) and phrases."""
    found: dict[str, Behaviour] = {}
    if raw is None:
        return found
    if not isinstance(raw, dict):
        c.error(("behaviours",), f"'behaviours' must be a mapping of behaviour ids to behaviours, not {_kind(raw)}")
        return found
    for name, body in raw.items():
        key = ("behaviours", name)
        body = c.mapping(body, key, BEHAVIOUR_KEYS, f"behaviour '{name}'")
        if not body:
            continue
        dimension = c.get(body, key, "dimension", "str", required=True)
        if dimension and dimension not in DIMENSIONS:
            c.error(key + ("dimension",), f"unknown dimension '{dimension}'" + _hint(dimension, DIMENSIONS))
        polarity = c.get(body, key, "polarity", "int", required=True)
        if polarity is not None and polarity not in (1, -1):
            c.error(key + ("polarity",), "polarity must be 1 (counts for) or -1 (counts against)")
        phrases = c.get(body, key, "cues", "strlist", required=True)
        if phrases and not _check_phrases(c, key + ("cues",), phrases):
            phrases = None
        if dimension in DIMENSIONS and polarity in (1, -1) and phrases:
            found[str(name)] = Behaviour(dimension, polarity, tuple(phrases))
    return found


def _check_phrases(c: _Checker, key: Key, phrases: tuple[str, ...]) -> bool:
    """Every phrase must start with a word ("^ " and "..." are only helpers around words)."""
    good = True
    for i, phrase in enumerate(phrases):
        body = phrase[2:] if phrase.startswith("^ ") else phrase
        first = body.split()[0] if body.split() else ""
        if not WORD_CHARS.search(first) or first == "...":
            c.error(key + (i,), f"cue phrase {phrase!r} must start with a word")
            good = False
    return good


def _hint(name: str, options: Iterable[str]) -> str:
    """ (did you mean 'x'?) for the closest of `options`, or nothing."""
    found = _closest(name, tuple(options))
    return f" (did you mean '{found}'?)" if found else ""


def _parse_state(c: _Checker, name: str, body: Any, key: Key, cues: dict, behaviours: frozenset[str]) -> State | None:
    body = c.mapping(body, key, STATE_KEYS, f"state '{name}'")
    if not body and not c.problems:
        c.error(key, f"state '{name}' is empty")
        return None
    say = c.get(body, key, "say", "text", required=True) or ()
    outcome = c.get(body, key, "outcome", "str")
    if outcome and outcome not in AUTHORED_OUTCOMES:
        c.error(key + ("outcome",), f"outcome must be one of {', '.join(AUTHORED_OUTCOMES)}, not '{outcome}'")
    transitions: list[Transition] = []
    raw = body.get("on_reply")
    if raw is not None:
        if not isinstance(raw, list):
            c.error(key + ("on_reply",), "'on_reply' must be a list of transitions")
            raw = []
        for i, item in enumerate(raw):
            tkey = key + ("on_reply", i)
            item = c.mapping(item, tkey, TRANSITION_KEYS, "a transition")
            to = c.get(item, tkey, "to", "str", required=True)
            when = _parse_condition(c, item.get("if"), tkey + ("if",), cues, behaviours)
            if to and when is not None:
                transitions.append(Transition(to, when, c.source.where(tkey)))
    silence = None
    if body.get("on_silence") is not None:
        skey = key + ("on_silence",)
        s = c.mapping(body["on_silence"], skey, SILENCE_KEYS, "on_silence")
        after = c.get(s, skey, "after", "number", required=True)
        to = c.get(s, skey, "to", "str", required=True)
        if after is not None and to:
            silence = Silence(after, to, c.source.where(skey))
    if outcome and (transitions or silence):
        c.warning(key, f"state '{name}' has an outcome, so its transitions are never used")
    if not outcome and not transitions and not silence:
        c.error(key, f"state '{name}' has no outcome and no way out")
    otherwise = c.get(body, key, "otherwise", "text") or ()
    return State(name, tuple(say), outcome, tuple(transitions), tuple(otherwise), silence, c.source.where(key))


def _parse_condition(c: _Checker, raw: Any, key: Key, cues: dict, behaviours: frozenset[str]) -> Condition | None:
    if raw is None:
        return Condition()
    raw = c.mapping(raw, key, CONDITION_KEYS, "a condition ('if')")
    tags = c.get(raw, key, "tags", "strlist", default=())
    no_tags = c.get(raw, key, "no_tags", "strlist", default=())
    for field, values in (("tags", tags), ("no_tags", no_tags)):
        for value in values:
            if not _known_tag(value, behaviours):
                c.error(key + (field,), f"unknown tag '{value}': use a dimension with + or - (empathy+, patience-) or a behaviour id")
    wanted = c.get(raw, key, "cues", "strlist", default=())
    for cue in wanted:
        if cue not in cues:
            c.error(key + ("cues",), f"cue '{cue}' is not defined under 'cues'")
    values = {}
    for field in ("mood_below", "mood_at_least", "replies_in_state"):
        values[field] = c.get(raw, key, field, "int")
        if field.startswith("mood") and values[field] is not None and not 0 <= values[field] <= 100:
            c.error(key + (field,), f"{field} must be between 0 and 100")
    return Condition(tuple(tags), tuple(no_tags), tuple(wanted), **values)


def _known_tag(value: str, behaviours: frozenset[str]) -> bool:
    if value[-1:] in "+-" and value[:-1] in DIMENSIONS:
        return True
    return not behaviours or value in behaviours


def parse_persona(source: Source) -> tuple[Persona | None, list[Problem]]:
    """Build a Persona from parsed YAML."""
    c = _Checker(source)
    top = c.mapping(source.data, (), PERSONA_KEYS, "a persona")
    if not top:
        return None, c.problems or [Problem(source.where(()), "error", "empty persona file")]
    pid = c.get(top, (), "id", "str", required=True)
    name = c.get(top, (), "name", "str", required=True)
    archetype = c.get(top, (), "archetype", "str", required=True)
    if archetype and archetype not in ARCHETYPES:
        c.error(("archetype",), f"archetype must be one of {', '.join(ARCHETYPES)}, not '{archetype}'")
    language = c.get(top, (), "language", "str", default="en")
    mood = c.mapping(top.get("mood", {}), ("mood",), ("start", "calm", "leave"), "mood")
    levels = {k: c.get(mood, ("mood",), k, "int", required=True) for k in ("start", "calm", "leave")}
    for k, v in levels.items():
        if v is not None and not 0 <= v <= 100:
            c.error(("mood", k), f"mood {k} must be between 0 and 100")
    if None not in levels.values() and not levels["calm"] < levels["leave"]:
        c.error(("mood",), "mood calm must be below mood leave")
    typing_raw = c.mapping(top.get("typing", {}), ("typing",), ("think", "chars_per_second", "jitter", "reads_per_second"), "typing")
    typing = Typing(
        c.get(typing_raw, ("typing",), "think", "number", default=2.0),
        c.get(typing_raw, ("typing",), "chars_per_second", "number", default=6.0) or 6.0,
        min(0.9, c.get(typing_raw, ("typing",), "jitter", "number", default=0.0)),
        c.get(typing_raw, ("typing",), "reads_per_second", "number", default=0.0),
    )
    nudge_raw = c.mapping(top.get("nudge", {}), ("nudge",), ("after", "max", "lines"), "nudge")
    nudge = Nudge(
        c.get(nudge_raw, ("nudge",), "after", "number", default=45.0),
        c.get(nudge_raw, ("nudge",), "max", "int", default=3),
        c.get(nudge_raw, ("nudge",), "lines", "text", default=Nudge.lines),
    )
    reactions_raw = c.mapping(top.get("reactions", {}), ("reactions",), REACTIONS, "reactions")
    reactions = {k: c.get(reactions_raw, ("reactions",), k, "text", required=True) for k in REACTIONS}
    effects: dict[str, float] = {}
    if top.get("mood_effects") is not None:
        allowed = tuple(f"{d}{s}" for d in DIMENSIONS for s in "+-") + ("silence", "interrupt")
        raw = c.mapping(top["mood_effects"], ("mood_effects",), allowed, "mood_effects")
        for k in raw:
            value = raw[k]
            if isinstance(value, (int, float)) and not isinstance(value, bool):
                effects[k] = float(value)
            else:
                c.error(("mood_effects", k), f"mood effect '{k}' must be a number")
    if any(p.severity == "error" for p in c.problems):
        return None, c.problems
    persona = Persona(
        id=pid,
        name=name,
        archetype=archetype,
        language=language,
        mood_start=levels["start"],
        mood_calm=levels["calm"],
        mood_leave=levels["leave"],
        typing=typing,
        nudge=nudge,
        reactions=reactions,
        mood_effects=effects,
        path=source.path,
        text=source.text,
    )
    return persona, c.problems


def _load(path: str | Path, parse: Callable) -> Any:
    source, problems = read_source(path)
    if source is None:
        raise LoadError(problems)
    obj, more = parse(source)
    problems += more
    if obj is None or any(p.severity == "error" for p in problems):
        raise LoadError(problems)
    return obj


def load_scenario(path: str | Path) -> Scenario:
    """Load one scenario file or raise LoadError."""
    from .tagger import default_behaviours

    return _load(path, lambda s: parse_scenario(s, default_behaviours()))


def load_persona(path: str | Path) -> Persona:
    """Load one persona file or raise LoadError."""
    return _load(path, parse_persona)


def kind_of(source: Source) -> str:
    """Whether parsed YAML looks like a scenario or a persona."""
    if isinstance(source.data, dict) and ("states" in source.data or "persona" in source.data):
        return "scenario"
    if isinstance(source.data, dict) and ("mood" in source.data or "reactions" in source.data):
        return "persona"
    return "scenario" if "scenario" in Path(source.path).parts[-2:-1] else "persona" if "persona" in str(Path(source.path).parent) else "scenario"
