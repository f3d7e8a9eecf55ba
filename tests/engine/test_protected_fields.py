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
from engine.definitions.patterns import ecma_regex
from engine.errors import InvalidInput

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


@pytest.mark.parametrize("value", [PNR + "\n", PNR + "\n\n"], ids=["trailing-newline", "two-newlines"])
def test_a_personnummer_the_browser_would_refuse_is_refused_by_the_engine_and_nothing_is_stored(
    extended: Engine, report: dict[str, Any], value: str
) -> None:
    """The form's pattern is read in the browser's dialect: Python's `$` matches before a final newline, which let
    an API client store what no form page accepts."""
    before = extended.list_events("anna")["total"]
    with pytest.raises(InvalidInput) as refused:
        extended.report_event("eva", "ks-akut", {**report, "berorda": [{"namn": "Ada", "personnummer": value}]})
    assert [e["path"] for e in refused.value.errors] == ["berorda/0/personnummer"]
    assert extended.list_events("anna")["total"] == before
    extended.report_event("eva", "ks-akut", {**report, "berorda": [{"namn": "Ada", "personnummer": PNR}]})


@pytest.mark.parametrize(("pattern", "value", "matches"), [
    (r"^\d{2}$", "12", True), (r"^\d{2}$", "١٢", False),  # ECMA-262 \d is ASCII only
    (r"^\w+$", "abc_1", True), (r"^\w+$", "åäö", False),
    (r"^a\sb$", "a\u00a0b", True), (r"^[\s]$", "\u3000", True), (r"^\S$", "\u00a0", False),  # \s is Unicode
    (r"^[$]x$", "$x", True), (r"^\$$", "$", True), (r"^a$", "a\n", False),
])
def test_patterns_are_read_in_the_ecma_262_dialect(pattern: str, value: str, matches: bool) -> None:
    assert bool(ecma_regex(pattern).search(value)) is matches


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
