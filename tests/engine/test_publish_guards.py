"""Publishing runs the validator's guards, and the release loader repeats the ones that keep a worker alive:
nothing reaches a case by going around `avvik validate`."""

from __future__ import annotations

import json
import time
from pathlib import Path

import pytest

from engine import Engine
from engine.definitions.areas import parse_area, parse_intake
from engine.definitions.exports import parse_export
from engine.definitions.forms import FormSet
from engine.errors import DefinitionError
from engine.validation import validate_paths

from ..definitions import copy_definitions, edit

LOOP = {"kort_text": {"$ref": "#/$defs/text", "maxLength": 100}, "text": {"allOf": [{"$ref": "#/$defs/kort_text"}]}}
SLOW_CONDITION = 'riskbedomning["konsekvens_potentiell"] &gt;= 3</bpmn:conditionExpression>'
ALIAS_BOMB = "\n  lol0: &l0 [x, x, x, x, x, x, x, x, x]" + "".join(
    f"\n  lol{i}: &l{i} [{', '.join([f'*l{i - 1}'] * 9)}]" for i in range(1, 9))


def test_publishing_an_area_with_a_yaml_alias_bomb_is_refused_with_its_line(engine: Engine, tmp_path: Path) -> None:
    tree = copy_definitions(tmp_path)
    area = tree / "processes" / "vard" / "area.yaml"
    edit(area, {"variables:": "variables:" + ALIAS_BOMB})
    started = time.monotonic()
    with pytest.raises(DefinitionError) as refused:
        engine.publish_tree(tree)
    assert time.monotonic() - started < 30
    [finding] = [f for f in refused.value.findings if f.code == "yaml.anchor"]
    assert finding.file == "processes/vard/area.yaml"
    assert finding.line == area.read_text().splitlines().index("variables:") + 2


@pytest.mark.parametrize("parse", [parse_area, parse_intake, parse_export])
def test_the_release_loader_refuses_anchors_too(parse: object) -> None:
    with pytest.raises(DefinitionError) as refused:
        parse(b"id: a\nname: &n A\ntitle: *n\n", "processes/a/area.yaml")  # type: ignore[operator]
    assert refused.value.message == \
        "processes/a/area.yaml använder YAML-ankare eller alias (rad 2), som inte är tillåtna."


def with_ref_loop(tree: Path) -> Path:
    """The tree with a $ref loop in the report form: validating the first report would never end."""
    edit(tree / "forms" / "intake.json", {
        '"additionalProperties": false,': f'"additionalProperties": false,\n  "$defs": {json.dumps(LOOP)},',
        '  "properties": {\n': '  "properties": {\n    "slinga": {"$ref": "#/$defs/text", "title": "Slinga"},\n'})
    return tree


def test_publishing_a_form_with_a_ref_loop_is_refused_with_its_place(engine: Engine, tmp_path: Path) -> None:
    with pytest.raises(DefinitionError) as refused:
        engine.publish_tree(with_ref_loop(copy_definitions(tmp_path)))
    [finding] = [f for f in refused.value.findings if f.code == "form.ref_cycle"]
    assert (finding.file, finding.element_id) == ("forms/intake.json", "/$defs/kort_text/$ref")


def test_the_release_loader_refuses_a_ref_loop_too() -> None:
    files = {"forms/a.json": json.dumps({"$id": "a.json", "$defs": LOOP, "properties": {
        "x": {"$ref": "#/$defs/text"}}}).encode()}
    with pytest.raises(DefinitionError) as refused:
        FormSet(files).get("a.json")
    assert refused.value.message == "Formuläret a.json hänvisar ($ref) i en slinga och kan inte kontrolleras."


def test_validate_refuses_the_three_hostile_definitions_in_seconds(tmp_path: Path) -> None:
    """A slow builtin in a condition, an alias bomb in area.yaml and a $ref loop (issue 12's three)."""
    tree = with_ref_loop(copy_definitions(tmp_path))
    edit(tree / "processes" / "vard" / "vard.bpmn",
         {SLOW_CONDITION: SLOW_CONDITION.replace("&gt;= 3", "&gt;= 3 and round(1, -10**9) == 0")})
    edit(tree / "processes" / "vard" / "area.yaml", {"variables:": "variables:" + ALIAS_BOMB})
    started = time.monotonic()
    findings = validate_paths([tree])
    assert time.monotonic() - started < 30  # seconds on an idle machine; the bound is for a loaded one
    assert {("processes/vard/vard.bpmn", "expression.too_complex"), ("processes/vard/area.yaml", "yaml.anchor"),
            ("forms/intake.json", "form.ref_cycle")} <= {(f.file.removeprefix(tree.as_posix() + "/"), f.code)
                                                         for f in findings}
