"""Forms as browsers get them: one document per form, every `$ref` local, validating like the original files."""

from __future__ import annotations

from pathlib import Path
from typing import Any, Iterator

import pytest
from jsonschema import Draft202012Validator

from engine.definitions.forms import FormSet

REPO = Path(__file__).resolve().parents[2]
FILES = {
    str(path.relative_to(REPO)): path.read_bytes()
    for pattern in ("forms/*.json", "processes/*/forms/*.json")
    for path in REPO.glob(pattern)
}
FORMS = sorted(
    (parts[1] if parts[0] == "processes" else "", parts[-1])
    for parts in (path.split("/") for path in FILES)
    if not parts[-1].endswith(".ui.json")
)


def refs(node: Any) -> Iterator[str]:
    if isinstance(node, dict):
        if isinstance(node.get("$ref"), str):
            yield node["$ref"]
        for value in node.values():
            yield from refs(value)
    elif isinstance(node, list):
        for item in node:
            yield from refs(item)


def error_paths(validator: Draft202012Validator, data: Any) -> list[tuple[str, str]]:
    return sorted(("/".join(map(str, e.absolute_path)), str(e.validator)) for e in validator.iter_errors(data))


@pytest.mark.parametrize(("area", "name"), FORMS)
def test_bundle_is_self_contained_and_validates_like_the_files(area: str, name: str) -> None:
    form = FormSet(FILES).get(name, area)
    assert all(ref.startswith("#") for ref in refs(form.bundled)), name
    bundled = Draft202012Validator(form.bundled, format_checker=form.validator.format_checker)
    wrong_dates = {key: "2026-13-45" for key in form.schema.get("properties", {})}
    for sample in ({}, {"x": 1}, wrong_dates):
        assert error_paths(bundled, sample) == error_paths(form.validator, sample), (name, sample)


def test_bundle_embeds_the_shared_definitions_once(report: dict[str, Any]) -> None:
    intake = FormSet(FILES).get("intake.json")
    assert intake.bundled["properties"]["hande_tid"]["$ref"] == "#/$defs/common.json/$defs/datumtid"
    assert "$id" not in intake.bundled["$defs"]["common.json"]
    assert Draft202012Validator(intake.bundled, format_checker=intake.validator.format_checker).is_valid(report)
    assert not Draft202012Validator(intake.bundled, format_checker=intake.validator.format_checker).is_valid(
        {**report, "hande_tid": "2026-02-30T10:00:00+01:00"})
