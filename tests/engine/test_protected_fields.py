"""Protected fields (x-avvik-protected) wherever a form puts them: in array items, behind a $ref, in an allOf
branch. Through the engine API with the repo's definitions and a report form extended with such fields."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from engine import Engine
from engine.definitions.files import read_tree
from engine.definitions.forms import MASKED, FormSet

from ..definitions import activate_everywhere, copy_definitions, edit

PNR, SAMORDNING = "19121212-1212", "19121272-1219"
# appended to the intake form: a list of persons with a $ref'd personnummer each, and a relative whose
# protected field sits in a definition reached through allOf + $ref
FIELDS = {
    "berorda": {"type": "array", "title": "Berörda personer", "items": {
        "type": "object", "properties": {
            "namn": {"type": "string", "title": "Namn"},
            "personnummer": {"$ref": "common.json#/$defs/personnummer", "title": "Personnummer"}}}},
    "anhorig": {"title": "Anhörig", "allOf": [{"$ref": "#/$defs/person"}]},
}
PERSON = {"type": "object", "properties": {
    "samordningsnummer": {"type": "string", "title": "Samordningsnummer", "x-avvik-protected": True}}}
DATA = {"berorda": [{"namn": "Ada", "personnummer": PNR}, {"namn": "Bo"}], "anhorig": {"samordningsnummer": SAMORDNING}}


def extended_tree(tmp_path: Path) -> Path:
    tree = copy_definitions(tmp_path)
    edit(tree / "forms" / "intake.json", {
        '"additionalProperties": false,':
            f'"additionalProperties": false,\n  "$defs": {{"person": {json.dumps(PERSON)}}},',
        '  "properties": {\n': '  "properties": {\n' + "".join(f"    {json.dumps(k)}: {json.dumps(v)},\n"
                                                           for k, v in FIELDS.items()),
    })
    return tree


@pytest.fixture
def extended(demo: Engine, tmp_path: Path) -> Engine:
    published = demo.publish_tree(extended_tree(tmp_path), label="protected fields in items and behind $ref")
    activate_everywhere(demo, published)
    return demo


def test_protected_values_in_items_and_behind_refs_are_masked_in_the_change_log_and_reads_are_logged(
    extended: Engine, report: dict[str, Any]
) -> None:
    number = extended.report_event("eva", "ks-akut", {**report, **DATA})["number"]
    extended.get_event(number, "anna", purpose="handläggning")
    log = extended.audit_log(number, "revisor")
    assert ("anna", "handläggning") in [(r["actor"], r["purpose"]) for r in log["reads"]]  # has patient data
    logged = log["changes"][0]["after"]["data"]
    assert logged["berorda"] == [{"namn": "Ada", "personnummer": MASKED}, {"namn": "Bo"}]
    assert logged["anhorig"] == {"samordningsnummer": MASKED}
    history = repr(extended.get_event(number, "anna")["history"])
    assert PNR not in repr(log) and SAMORDNING not in repr(log) and PNR not in history


def test_mask_protected_copies_and_masks_only_protected_values(tmp_path: Path) -> None:
    form = FormSet(read_tree(extended_tree(tmp_path))).get("intake.json")
    data = {"rubrik": "Fall", **DATA, "anhorig": {"samordningsnummer": ""}}
    masked = form.mask_protected(data)
    assert masked == {"rubrik": "Fall", "berorda": [{"namn": "Ada", "personnummer": MASKED}, {"namn": "Bo"}],
                      "anhorig": {"samordningsnummer": ""}}  # an empty value is nothing to hide
    assert data["berorda"][0]["personnummer"] == PNR  # the caller's data is untouched
    assert form.protected_values(data) and not form.protected_values({"rubrik": "Fall", "berorda": [{"namn": "Bo"}]})


def test_a_recursive_form_is_masked_at_every_depth() -> None:
    files = {"forms/trad.json": json.dumps({
        "$id": "trad.json", "type": "object", "properties": {"enhet": {"$ref": "#/$defs/enhet"}},
        "$defs": {"enhet": {"type": "object", "properties": {
            "chef": {"oneOf": [{"$ref": "common.json#/$defs/personnummer"}, {"type": "null"}]},
            "underenheter": {"type": "array", "items": {"$ref": "#/$defs/enhet"}}}}}}).encode(),
        "forms/common.json": read_tree(Path(__file__).resolve().parents[2])["forms/common.json"]}
    form = FormSet(files).get("trad.json")
    deep = {"enhet": {"chef": PNR, "underenheter": [{"underenheter": [{"chef": PNR, "underenheter": []}]}]}}
    assert PNR not in repr(form.mask_protected(deep))
    assert form.mask_protected(deep)["enhet"]["underenheter"][0]["underenheter"][0]["chef"] == MASKED
