"""The repository's own definition tree passes the validator it ships with."""

from __future__ import annotations

from pathlib import Path

from engine.validation import render_text, validate_paths

REPO = Path(__file__).resolve().parents[2]


def test_repository_definitions_have_no_errors() -> None:
    findings = validate_paths([REPO])
    errors = [f for f in findings if f.severity == "error"]
    assert not errors, render_text(errors)
