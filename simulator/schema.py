"""JSON Schemas for scenario and persona files, built from the loader's own key lists."""

from __future__ import annotations

import json

from .loader import BEHAVIOUR_KEYS, CONDITION_KEYS, PERSONA_KEYS, REACTIONS, SCENARIO_KEYS, SILENCE_KEYS, STATE_KEYS, TRANSITION_KEYS
from .model import ARCHETYPES, AUTHORED_OUTCOMES, DIMENSIONS, LANGUAGES

TEXT = {"oneOf": [{"type": "string", "minLength": 1}, {"type": "array", "items": {"type": "string", "minLength": 1}, "minItems": 1}]}
STRINGS = {"oneOf": [{"type": "string"}, {"type": "array", "items": {"type": "string"}}]}
SECONDS = {"type": "number", "minimum": 0}
MOOD = {"type": "integer", "minimum": 0, "maximum": 100}
LANGUAGE = {"type": "string", "enum": list(LANGUAGES), "description": ", ".join(LANGUAGES[:-1]) + " or " + LANGUAGES[-1]}


def _object(properties: dict, keys: tuple[str, ...], required: tuple[str, ...] = (), description: str = "") -> dict:
    assert set(properties) == set(keys), f"schema and loader disagree: {set(properties) ^ set(keys)}"
    out = {"type": "object", "properties": properties, "additionalProperties": False}
    if required:
        out["required"] = list(required)
    if description:
        out["description"] = description
    return out


def scenario_schema() -> dict:
    """The scenario file format."""
    condition = _object(
        {
            "tags": {**STRINGS, "description": "any of: a dimension with + or - (empathy+, patience-) or a behaviour id"},
            "no_tags": {**STRINGS, "description": "none of these tags"},
            "cues": {**STRINGS, "description": "any of the scenario's cue ids"},
            "mood_below": MOOD,
            "mood_at_least": MOOD,
            "replies_in_state": {"type": "integer", "minimum": 1, "description": "at least the Nth reply in this state"},
        },
        CONDITION_KEYS,
        description="every key given must hold",
    )
    transition = _object({"to": {"type": "string"}, "if": condition}, TRANSITION_KEYS, ("to",))
    silence = _object({"after": SECONDS, "to": {"type": "string"}}, SILENCE_KEYS, ("after", "to"))
    state = _object(
        {
            "say": {**TEXT, "description": "the customer's line, or variants picked by the seeded random; {fact} placeholders"},
            "outcome": {"enum": list(AUTHORED_OUTCOMES), "description": "makes the state final"},
            "on_reply": {"type": "array", "items": transition, "description": "tried in order; the first whose 'if' holds fires"},
            "otherwise": {**TEXT, "description": "said when no transition fires"},
            "on_silence": silence,
        },
        STATE_KEYS,
        ("say",),
    )
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "title": "rolesim scenario",
        **_object(
            {
                "id": {"type": "string", "pattern": "^[a-z0-9][a-z0-9_-]*$"},
                "title": {"type": "string", "minLength": 1},
                "language": LANGUAGE,
                "archetype": {"enum": list(ARCHETYPES)},
                "persona": {"type": "string", "description": "a persona id"},
                "time_limit": {**SECONDS, "description": "seconds"},
                "brief": {"type": "string", "description": "the situation, shown to the candidate"},
                "reference": {"type": "string", "description": "what a real agent would know; shown in a side panel"},
                "facts": {"type": "object", "additionalProperties": {"type": ["string", "number"]}, "description": "what the candidate should get right; {name} in lines"},
                "cues": {"type": "object", "additionalProperties": {"type": "array", "items": {"type": "string"}}, "description": "cue id: phrases to listen for"},
                "behaviours": {
                    "type": "object",
                    "additionalProperties": _object(
                        {"dimension": {"enum": list(DIMENSIONS)}, "polarity": {"enum": [1, -1]}, "cues": STRINGS},
                        BEHAVIOUR_KEYS,
                        BEHAVIOUR_KEYS,
                    ),
                    "description": "the scenario's own behaviours, tagged like the language's",
                },
                "weights": {"type": "object", "propertyNames": {"enum": list(DIMENSIONS)}, "additionalProperties": SECONDS, "description": "dimension: weight in the overall score (default 1; 0 leaves it out)"},
                "address": {"enum": ["any", "formal", "informal"], "description": "formal: an informal reply to an upset customer is noted"},
                "start": {"type": "string"},
                "states": {"type": "object", "additionalProperties": state, "minProperties": 1},
            },
            SCENARIO_KEYS,
            ("id", "title", "archetype", "persona", "time_limit", "brief", "reference", "start", "states"),
        ),
    }


def persona_schema() -> dict:
    """The persona file format."""
    effects = {f"{d}{s}": {"type": "number"} for d in DIMENSIONS for s in "+-"} | {"silence": {"type": "number"}, "interrupt": {"type": "number"}}
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "title": "rolesim persona",
        **_object(
            {
                "id": {"type": "string"},
                "name": {"type": "string", "minLength": 1},
                "archetype": {"enum": list(ARCHETYPES)},
                "language": LANGUAGE,
                "mood": {"type": "object", "properties": {"start": MOOD, "calm": MOOD, "leave": MOOD}, "required": ["start", "calm", "leave"], "additionalProperties": False},
                "typing": {
                    "type": "object",
                    "properties": {"think": SECONDS, "chars_per_second": SECONDS, "jitter": {"type": "number", "minimum": 0, "maximum": 0.9}, "reads_per_second": SECONDS},
                    "additionalProperties": False,
                },
                "nudge": {"type": "object", "properties": {"after": SECONDS, "max": {"type": "integer", "minimum": 0}, "lines": TEXT}, "additionalProperties": False},
                "reactions": {"type": "object", "properties": {k: TEXT for k in REACTIONS}, "required": list(REACTIONS), "additionalProperties": False},
                "mood_effects": {"type": "object", "properties": effects, "additionalProperties": False},
            },
            PERSONA_KEYS,
            ("id", "name", "archetype", "mood", "reactions"),
        ),
    }


SCHEMAS = {"scenario": scenario_schema, "persona": persona_schema}


def schema_text(kind: str) -> str:
    """The schema as the JSON file shipped in simulator/schemas/."""
    return json.dumps(SCHEMAS[kind](), indent=2, ensure_ascii=False) + "\n"
