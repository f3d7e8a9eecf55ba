"""The repository's own definition tree passes the validator it ships with."""

from __future__ import annotations

from pathlib import Path

from engine.validation import render_text, validate_paths

REPO = Path(__file__).resolve().parents[2]


def test_repository_definitions_have_no_errors() -> None:
    findings = validate_paths([REPO])
    errors = [f for f in findings if f.severity == "error"]
    assert not errors, render_text(errors)


def test_scenarios_are_not_definitions_whether_in_an_area_or_given_alone() -> None:
    """A scenario alone was read as an area.yaml with unknown keys; the tree is covered above."""
    scenario = sorted((REPO / "processes" / "tandvard" / "scenarios").glob("*.yaml"))[0]
    for path in (REPO / "processes" / "tandvard", scenario):
        assert validate_paths([path]) == [], path
