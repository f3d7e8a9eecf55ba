"""Every form schema the engine serves (GET /forms/intake, /forms/feedback, task detail) is self-contained: a
standard JSON Schema 2020-12 validator with no registry at all (no network, no files) resolves every
reference in it and judges data exactly as the engine does against the forms as written."""

from __future__ import annotations

import json
from typing import Any

import pytest
from jsonschema import Draft202012Validator
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

from engine import Engine
from engine.definitions.files import read_tree
from engine.definitions.forms import FormSet
from engine.definitions.schemawalk import Node, subschemas

from ..conftest import DEFINITIONS
from ..http import API

ACCEPT = {"triage": {"beslut": "accepterad"}}
FILES = read_tree(DEFINITIONS)
FORMS = sorted(
    ("" if path.startswith("forms/") else path.split("/")[1], path.rsplit("/", 1)[-1])
    for path in FILES if path.endswith(".json") and not path.endswith(".ui.json")
    and (path.startswith("forms/") or path.split("/")[2] == "forms")
)


def as_written(scope: str, name: str) -> Draft202012Validator:
    """A validator over the form as its file says, with every form of its scope to resolve $refs against."""
    shared = {p.rsplit("/", 1)[-1]: p for p in FILES if p.startswith("forms/")}
    own = {p.rsplit("/", 1)[-1]: p for p in FILES if scope and p.startswith(f"processes/{scope}/forms/")}
    schemas = {n: json.loads(FILES[p]) for n, p in {**shared, **own}.items()}
    registry = Registry().with_resources(
        (n, Resource.from_contents(s, default_specification=DRAFT202012)) for n, s in schemas.items())
    return Draft202012Validator(schemas[name], registry=registry)


def samples(schema: dict[str, Any]) -> list[Any]:
    """Data of every shape for every top-level field, so that validation descends into each $ref."""
    names = list(schema.get("properties", {}))
    return [{}, [], {"okant_falt": 1}, *({n: value for n in names} for value in ("x", 1, 2.5, True, {}, [{}], None))]


@pytest.mark.parametrize(("scope", "name"), FORMS, ids=[f"{s or 'forms'}/{n}" for s, n in FORMS])
def test_served_schema_needs_nothing_but_itself(scope: str, name: str) -> None:
    schema = FormSet(FILES).get(name, scope).schema
    Draft202012Validator.check_schema(schema)
    alone = Registry().with_resource(name, Resource.from_contents(schema, default_specification=DRAFT202012))
    for node in subschemas(Node(schema, None, name)):
        if isinstance(node.schema.get("$ref"), str):
            assert node.schema["$ref"].startswith("#"), node.pointer
            alone.resolver(base_uri=name).lookup(node.schema["$ref"])  # raises if it points nowhere
    standalone, written = Draft202012Validator(schema, registry=Registry()), as_written(scope, name)
    for sample in samples(schema):
        assert sorted((list(e.absolute_path), e.validator) for e in standalone.iter_errors(sample)) == \
            sorted((list(e.absolute_path), e.validator) for e in written.iter_errors(sample)), sample


def test_the_api_serves_bundled_schemas(client: Any, auth: Any, demo: Engine, report: dict[str, Any]) -> None:
    response = client.get(f"{API}/forms/intake", headers=auth("anna"))
    assert response.status_code == 200, response.get_json()
    schema = response.get_json()["schema"]
    assert schema["properties"]["hande_tid"]["$ref"] == "#/$defs/common.datumtid"
    number = demo.report_event("eva", "ks-akut", report)["number"]
    task = demo.get_task(demo.get_event(number, "anna")["open_tasks"][0]["id"], "anna")
    for served in (schema, task["schema"]):
        assert "common.json" not in json.dumps(served)
        Draft202012Validator(served, registry=Registry()).validate(report if served is schema else ACCEPT)
