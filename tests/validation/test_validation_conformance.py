"""The OMG MIWG reference files: each is loaded or refused with located, plain findings — never a traceback."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from engine.validation import validate_files, validate_paths

SHARED = Path(os.environ.get("AVVIK_SHARED_DIR") or Path(__file__).resolve().parents[2] / ".." / "shared").resolve()
MIWG = sorted((SHARED / "conformance" / "miwg").glob("*.bpmn"))
pytestmark = pytest.mark.skipif(
    not MIWG, reason=f"no MIWG reference files in {SHARED}/conformance/miwg (set AVVIK_SHARED_DIR to shared/)")
# Findings about the file as a whole, where no single element is to blame.
WHOLE_FILE = {"file.empty", "file.binary", "file.encoding", "file.too_large", "xml.syntax", "xml.doctype",
              "bpmn.wrong_root", "bpmn.schema"}


@pytest.mark.parametrize("path", MIWG, ids=[p.name for p in MIWG])
def test_miwg_file_loads_or_is_refused_plainly(path: Path) -> None:
    findings = validate_paths([path])
    assert not any(f.code == "validator.internal_error" for f in findings), findings
    for finding in findings:
        assert finding.file == path.as_posix()
        assert finding.message and finding.fix
        assert "Traceback" not in finding.message
    for error in (f for f in findings if f.severity == "error"):
        assert error.element_id or error.code in WHOLE_FILE, error
        assert error.line or error.element_id, error


def test_miwg_files_together_in_one_area() -> None:
    # All 21 in one folder: duplicate process ids and cross-file lookups must still give findings only.
    files = {f"processes/miwg/{p.name}": p.read_bytes() for p in MIWG}
    files["processes/miwg/area.yaml"] = b"id: miwg\nname: MIWG\nentry_process: WFP-6-\nroles: {}\n"
    findings = validate_files(files)
    assert findings and not any(f.code == "validator.internal_error" for f in findings)
    assert {f.file for f in findings if f.severity == "error"} >= {f"processes/miwg/{p.name}" for p in MIWG[:6]}
