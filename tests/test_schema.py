"""The JSON Schemas: shipped, current, matched by every shipped file and by the authoring guide."""

from __future__ import annotations

import json
import re

import jsonschema
import pytest
import yaml

from simulator.cli import main
from simulator.schema import SCHEMAS, schema_text

from .conftest import ROOT, SHIPPED


@pytest.mark.parametrize("kind", ["scenario", "persona"])
def test_shipped_schema_file_is_what_the_code_generates(kind):
    assert (SHIPPED / "schemas" / f"{kind}.schema.json").read_text() == schema_text(kind), f"regenerate: rolesim schema {kind} > simulator/schemas/{kind}.schema.json"


@pytest.mark.parametrize("kind,folder", [("scenario", "scenarios"), ("persona", "personas")])
def test_every_shipped_file_matches_its_schema_and_says_so_in_its_first_line(kind, folder):
    schema = SCHEMAS[kind]()
    for path in sorted((SHIPPED / folder).glob("*.yaml")):
        if path.name.endswith(".tests.yaml"):
            continue
        text = path.read_text()
        assert text.splitlines()[0] == f"# yaml-language-server: $schema=../schemas/{kind}.schema.json"
        jsonschema.validate(yaml.safe_load(text), schema)


def test_the_schema_rejects_what_validate_rejects():
    data = yaml.safe_load((ROOT / "tests" / "broken" / "unknown_key.yaml").read_text())
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(data, SCHEMAS["scenario"]())


def test_the_authoring_guide_documents_every_key():
    guide = (ROOT / "docs" / "authoring.md").read_text()
    documented = set(re.findall(r"`([a-z_]+)`", guide))
    schema = SCHEMAS["scenario"]()
    state = schema["properties"]["states"]["additionalProperties"]
    condition = state["properties"]["on_reply"]["items"]["properties"]["if"]
    keys = set(schema["properties"]) | set(state["properties"]) | set(condition["properties"]) | set(SCHEMAS["persona"]()["properties"])
    assert keys - documented == set()


def test_rolesim_schema_prints_json(capsys):
    assert main(["schema", "persona"]) == 0
    assert json.loads(capsys.readouterr().out)["title"] == "rolesim persona"
