"""What a process owner coming from another modelling tool meets: Swedish findings only, foreign expression
languages named, plain ISO 8601 timers accepted as what they mean."""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest

from engine.validation import has_errors, validate_paths

SHARED = Path(os.environ.get("AVVIK_SHARED_DIR") or Path(__file__).resolve().parents[2] / ".." / "shared").resolve()
MIWG = sorted((SHARED / "conformance" / "miwg").glob("*.bpmn"))
BROKEN = Path(__file__).resolve().parent / "broken" / "files"
# Words of English prose that are no Swedish words; owners' own names are quoted and skipped.
ENGLISH = {"the", "invalid", "syntax", "expected", "missing", "error", "must", "cannot", "unexpected", "found",
           "should", "does", "which", "with", "this", "that", "value", "not", "is", "of", "and", "required",
           "allowed", "unknown", "failed", "supported", "element", "attribute", "line", "no", "be", "are"}
QUOTED = re.compile(r"'.*?'(?=[\s.,:;)]|$)|\"[^\"]*\"|<[^>]*>|\([^)]*(Zeebe|Camunda|Activiti|Flowable)[^)]*\)")


def _english_words(message: str) -> set[str]:
    text = QUOTED.sub(" ", message)
    return {w for w in re.findall(r"[A-Za-zÅÄÖåäö]+", text) if w.lower() in ENGLISH and w != "element"}


@pytest.mark.skipif(not MIWG, reason="no MIWG reference files")
def test_findings_over_files_from_other_tools_are_swedish() -> None:
    findings = validate_paths(MIWG)
    assert findings
    # (a fix may show code, e.g. `a and not b`; the parser's own words are in `detail`)
    leaks = [(f.code, f.message) for f in findings if _english_words(f.message)]
    assert not leaks, leaks


@pytest.mark.skipif(not MIWG, reason="no MIWG reference files")
def test_expressions_from_other_tools_name_their_language() -> None:
    named = {(f.code, lang) for f in validate_paths(MIWG) for lang in ("JUEL", "FEEL", "XPath") if lang in f.message}
    assert {lang for _, lang in named} == {"JUEL", "FEEL", "XPath"}
    assert not [f for f in validate_paths(MIWG) if f.code == "bpmn.timer_unquoted"]


@pytest.mark.parametrize(("text", "language"), [
    ("${approved}", "JUEL"), ("#{!approved}", "JUEL"), ("= approved", "FEEL"),
    ("bpmn:getDataObject('approved')", "XPath"), ("approved && !rejected", "JavaScript")])
def test_a_condition_in_another_language_is_named(tmp_path: Path, text: str, language: str) -> None:
    path = tmp_path / "process.bpmn"
    path.write_text((BROKEN / "condition_syntax.bpmn").read_text().replace('allvarlig = "ja"', text.replace(
        "&", "&amp;")))
    errors = [f for f in validate_paths([path]) if f.severity == "error"]
    assert [(f.code, f.element_id) for f in errors] == [("expression.foreign_language", "f_a")]
    assert language in errors[0].message and "Python" in errors[0].fix and errors[0].detail


@pytest.mark.parametrize(("kind", "value"), [
    ("timeDuration", "P7D"), ("timeDuration", "PT1H"), ("timeDuration", "P0D"), ("timeCycle", "R6/P1D"),
    ("timeDate", "2026-01-01T00:00:00Z")])
def test_an_unquoted_iso_timer_is_accepted(tmp_path: Path, kind: str, value: str) -> None:
    path = tmp_path / "process.bpmn"
    path.write_text((BROKEN / "timer_unquoted.bpmn").read_text().replace(
        "<bpmn:timeDuration>P3D</bpmn:timeDuration>", f"<bpmn:{kind}>{value}</bpmn:{kind}>"))
    assert not has_errors(validate_paths([path])), validate_paths([path])
