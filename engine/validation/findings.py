"""A finding: one located, plain-language problem in a definition file, and its text and JSON renderings."""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass
from typing import Any

__all__ = ["Finding", "ERROR", "WARNING", "render_text", "render_json", "has_errors", "sort_findings"]

ERROR = "error"
WARNING = "warning"


@dataclass(frozen=True)
class Finding:
    severity: str  # "error" blocks publishing; "warning" does not
    code: str  # stable English id, e.g. "bpmn.not_executable"
    file: str  # relative POSIX path of the file the finding is about
    message: str  # Swedish, for a process owner
    fix: str  # Swedish: what to change
    line: int | None = None
    element_id: str | None = None
    element_name: str | None = None
    detail: str | None = None  # the parser's own (often English) words, for whoever wants the exact reason

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def has_errors(findings: Iterable[Finding]) -> bool:
    return any(f.severity == ERROR for f in findings)


def sort_findings(findings: Iterable[Finding]) -> list[Finding]:
    """Stable order for people and diffs: by file, then line, errors before warnings."""
    return sorted(findings, key=lambda f: (f.file, f.line or 0, f.severity != ERROR, f.code, f.element_id or ""))


def _location(f: Finding) -> str:
    where = f.file + (f":{f.line}" if f.line else "")
    if f.element_id and f.element_name:
        where += f' [{f.element_id} "{f.element_name}"]'
    elif f.element_id:
        where += f" [{f.element_id}]"
    return where


def render_text(findings: Sequence[Finding]) -> str:
    """One block per finding, then a Swedish summary line."""
    lines = []
    for f in findings:
        label = "FEL" if f.severity == ERROR else "VARNING"
        detail = f" (Tolkarens meddelande: {f.detail})" if f.detail else ""
        lines.append(f"{label} {_location(f)} {f.message} — Åtgärd: {f.fix}{detail}")
    errors = sum(1 for f in findings if f.severity == ERROR)
    warnings = len(findings) - errors
    if not findings:
        lines.append("Inga fel hittades.")
    else:
        lines.append(f"{errors} fel och {warnings} {'varning' if warnings == 1 else 'varningar'}.")
    return "\n".join(lines) + "\n"


def render_json(findings: Sequence[Finding]) -> str:
    return json.dumps(
        {
            "errors": sum(1 for f in findings if f.severity == ERROR),
            "warnings": sum(1 for f in findings if f.severity != ERROR),
            "findings": [f.to_dict() for f in findings],
        },
        ensure_ascii=False,
        indent=2,
    )
