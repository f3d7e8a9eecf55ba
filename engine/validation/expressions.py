"""Expressions from definition files, checked by avvik's sandbox before they reach a case.

Gateway conditions, timers, script tasks, DMN cells and closure-rule `when`s all run in engine/sandbox/ at
run time; here each one is parsed with the same whitelist, and its constant parts (those that read no data,
such as `10**10**10` in a timer) are evaluated under the same bounds, so a refusal or a failure that would hit
every case shows up at publishing instead.
"""

from __future__ import annotations

import ast
import textwrap
from collections.abc import Iterable
from dataclasses import dataclass

from engine.validation.findings import ERROR, Finding
from engine.validation.languages import foreign_message, language_from_syntax

__all__ = ["Expr", "check_syntax", "free_names", "assigned_names", "unknown_name_findings", "ENGINE_NAMES"]

# Names the engine puts into every case's data itself (see docs/definitions.md and engine/routing).
ENGINE_NAMES = frozenset({"enhetstyp", "kanal", "event_number", "event_title", "omraden", "arbetsstalle_cfar",
                          "mottagen"})

_LABELS = {
    "condition": "Villkoret",
    "timer": "Tidsuttrycket",
    "script": "Skriptet",
    "loop": "Loopvillkoret",
    "dmn_input": "Indatauttrycket",
    "dmn_entry": "Regelcellen",
    "dmn_output": "Utdatacellen",
    "when": "Villkoret (when)",
}
_FIXES = {
    "syntax_error": ("expression.syntax",
                     'Skriv uttrycket med Python-syntax, t.ex. triage["beslut"] == "accepterad" '
                     "(text inom citattecken, == för jämförelse, and/or/not)."),
    "too_complex": ("expression.too_complex", "Förenkla uttrycket eller dela upp det i flera steg."),
    "not_storable": ("expression.not_storable",
                     "Låt uttrycket ge text, tal, sant/falskt, listor eller tabeller med text som nycklar."),
}
_FAILS = ("expression.always_fails",
          "Rätta den delen: den läser inga uppgifter från ärendet, så den misslyckas likadant för varje ärende.")
_FORBIDDEN = ("expression.forbidden",
              "Använd bara data från ärendet, tillåtna funktioner (len, min, max, today, days_between …) och "
              "jämförelser; se docs/definitions.md.")


@dataclass(frozen=True)
class Expr:
    """One piece of expression text and where a process owner wrote it."""

    file: str
    kind: str  # a key of _LABELS
    source: str  # as checked; DMN cells are completed with their input expression first
    line: int | None = None
    element_id: str | None = None
    element_name: str | None = None
    script: bool = False  # statements (script task) rather than one expression
    shown: str | None = None  # what the owner wrote, when `source` was completed
    timer: str | None = None  # timeDuration | timeDate | timeCycle, for a timer expression

    @property
    def label(self) -> str:
        return _LABELS.get(self.kind, "Uttrycket")

    def quoted(self) -> str:
        text = " ".join((self.shown if self.shown is not None else self.source).split())
        return f"'{text[:77]}…'" if len(text) > 80 else f"'{text}'"


def _refusal(expr: Expr) -> Exception | None:
    from engine.errors import SandboxError
    from engine.sandbox import check_constants, check_expression

    try:
        check_expression(expr.source, script=expr.script)
        check_constants(expr.source, script=expr.script)
    except SandboxError as err:
        return err
    except Exception as err:  # the sandbox is someone else's code: a bug there is still a finding, not a crash
        return err
    return None


def check_syntax(expr: Expr) -> list[Finding]:
    """A finding if the sandbox would refuse the text, else nothing."""
    err = _refusal(expr)
    if err is None:
        return []
    details = getattr(err, "details", {}) or {}
    reason = str(details.get("reason", "syntax_error"))
    language = language_from_syntax(expr.shown if expr.shown is not None else expr.source) \
        if reason == "syntax_error" else None
    if language:
        message, fix = foreign_message(expr.label, expr.quoted(), language)
        return [Finding(ERROR, "expression.foreign_language", expr.file, message, fix, line=expr.line,
                        element_id=expr.element_id, element_name=expr.element_name,
                        detail=str(details["detail"]) if details.get("detail") else None)]
    code, fix = _FAILS if getattr(err, "code", None) == "expression_failed" else _FIXES.get(reason, _FORBIDDEN)
    line = expr.line
    inner = details.get("line")
    if expr.script and line and isinstance(inner, int):
        line = line + inner - 1
    message = getattr(err, "message", None) or str(err)
    if details.get("part"):
        message = f"{message} (delen {details['part'][:80]})"
    return [Finding(ERROR, code, expr.file, f"{expr.label} {expr.quoted()} kan inte användas: {message}", fix,
                    line=line, element_id=expr.element_id, element_name=expr.element_name,
                    detail=str(details["detail"]) if details.get("detail") else None)]


def free_names(expr: Expr) -> set[str]:
    """Data names the text reads (empty if the sandbox refuses it; that is reported by check_syntax)."""
    from engine.sandbox import names_used

    try:
        return set(names_used(expr.source, script=expr.script))
    except Exception:
        return set()


def assigned_names(script: str) -> set[str]:
    """Names a script task assigns: later conditions may read them."""
    try:
        tree = ast.parse(textwrap.dedent(script), mode="exec")
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return set()
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store):
            names.add(node.id)
    return names


def unknown_name_findings(exprs: Iterable[Expr], known: set[str], scope: str) -> list[Finding]:
    """One finding per expression and unknown name; `scope` says in Swedish where names come from."""
    found: list[Finding] = []
    for expr in exprs:
        for name in sorted(free_names(expr) - known):
            found.append(Finding(
                ERROR, "expression.unknown_name", expr.file,
                f"{expr.label} {expr.quoted()} använder namnet '{name}', men {scope} ger något värde med det namnet.",
                f"Kontrollera stavningen av '{name}'. Namnet måste vara ett fält i ett formulär, en variabel under "
                "variables: i area.yaml, något som ett skript tilldelar eller en utdata från en beslutstabell.",
                line=expr.line, element_id=expr.element_id, element_name=expr.element_name))
    return found
