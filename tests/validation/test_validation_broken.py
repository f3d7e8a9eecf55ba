"""Each broken definition under broken/ yields exactly the finding cases.yaml expects, at the right place."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from engine.definitions.files import read_tree
from engine.validation import Finding, has_errors, validate_files, validate_paths

BROKEN = Path(__file__).resolve().parent / "broken"
BASE = BROKEN / "base"
CASES: list[dict[str, Any]] = yaml.safe_load((BROKEN / "cases.yaml").read_text(encoding="utf-8"))


def _tree(name: str) -> dict[str, bytes]:
    """The base tree with one case's files laid over it (and its DELETE list removed)."""
    overlay = BROKEN / "tree" / name
    files = read_tree(BASE)
    files.update(read_tree(overlay))
    delete = overlay / "DELETE"
    for path in delete.read_text().split() if delete.exists() else []:
        del files[path]
    return files


def _findings(case: dict[str, Any]) -> tuple[list[Finding], str]:
    if "tree" in case:
        return validate_files(_tree(case["tree"])), case["file"]
    path = BROKEN / case["path"]
    return validate_paths([path]), path.as_posix()


def test_base_tree_is_clean() -> None:
    assert validate_files(read_tree(BASE)) == []


def test_text_instead_of_bytes_is_read_as_utf8() -> None:
    assert validate_files({path: data.decode() for path, data in read_tree(BASE).items()}) == []  # type: ignore[misc]


@pytest.mark.parametrize("target", ["tree", "processes", "area", "variant", "files"])
def test_base_tree_is_clean_through_paths(target: str) -> None:
    area = BASE / "processes" / "demo"
    paths = {"tree": [BASE], "processes": [BASE / "processes"], "area": [area], "variant": [area / "variants" / "kort"],
             "files": sorted(p for p in BASE.rglob("*") if p.is_file())}[target]
    assert validate_paths(paths) == []


@pytest.mark.parametrize("name", ["valid.bpmn", "valid.dmn", "form_valid.json", "form_external_ref.json",
                                  "form_recursive_valid.json"])
def test_valid_single_files_are_clean(name: str) -> None:
    # form_external_ref.json refers to common.json, which is not there when the file is validated alone;
    # form_recursive_valid.json refers to itself below a property, which ends with the data
    assert validate_paths([BROKEN / "files" / name]) == []


@pytest.mark.parametrize("case", CASES, ids=[c.get("tree") or c["path"] for c in CASES])
def test_broken_definition(case: dict[str, Any]) -> None:
    findings, file = _findings(case)
    errors = [f for f in findings if f.severity == "error"]
    if case.get("severity") == "warning":
        assert not has_errors(findings), errors
        pool = [f for f in findings if f.severity == "warning"]
    else:
        pool = errors
        unexpected = {f.code for f in errors} - {case["code"], *case.get("also", [])}
        assert not unexpected, [f for f in errors if f.code in unexpected]
    # (the base tree has a variant of its process, so a mistake in a shared file may show once per process)
    matches = [f for f in pool if f.code == case["code"] and f.file == file]
    assert matches, findings
    assert {(f.element_id, f.line) for f in matches} == {(case["element_id"], case["line"])}
    assert all(f.message and f.fix for f in findings)  # every finding says what is wrong and what to change
