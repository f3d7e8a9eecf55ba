"""Timer definitions: an expression must be there and give a valid ISO 8601 value.

Plain ISO text (P3D, R6/P1D, 2026-01-01T00:00:00Z) is read as the value it is, as the runtime does
(engine/definitions/isotime.py); anything else is an expression. A literal (or an f-string's fixed parts) is
checked here with the very parser SpiffWorkflow uses at run time.
"""

from __future__ import annotations

import ast
from collections.abc import Iterable, Iterator

from lxml import etree

from engine.definitions.isotime import is_bare_iso
from engine.validation.areas import YamlDoc
from engine.validation.expressions import Expr, check_syntax
from engine.validation.findings import ERROR, Finding
from engine.validation.languages import foreign_message, language_from_attribute
from engine.validation.xmlsafe import at, local

__all__ = ["check_timer", "timer_variable_findings"]

_VARIABLE_EXAMPLES = {"timeDuration": "P5D (5 dagar) eller PT8H (8 timmar)", "timeDate": "2025-01-31T08:00:00+01:00",
                      "timeCycle": "R3/P1D (tre gånger, en gång per dag)"}
_EXAMPLES = {
    "timeDuration": ("en ISO 8601-varaktighet", "Skriv t.ex. P3D (3 dagar) eller PT4H (4 timmar), eller namnet på en "
                     "variabel i area.yaml (t.ex. sla_triage)."),
    "timeDate": ("ett ISO 8601-datum", "Skriv t.ex. 2025-01-31T08:00:00+01:00."),
    "timeCycle": ("en ISO 8601-cykel", "Skriv t.ex. R3/P1D (tre gånger, en gång per dag)."),
}


def _valid_iso(kind: str, value: str) -> bool:
    from SpiffWorkflow.bpmn.specs.event_definitions.timer import TimerEventDefinition as Timer

    try:
        if kind == "timeDuration":
            return value.upper().startswith("P") and bool(Timer.parse_iso_duration(value))
        if kind == "timeDate":
            Timer.parse_time_or_duration(value)
            return not value.upper().startswith("P")
        Timer.parse_iso_recurring_interval(value)
        return value.upper().startswith("R")
    except Exception:
        return False


def _literal(tree: ast.AST, kind: str) -> str | None:
    """The ISO text a literal (or an f-string, with 1 for each computed part) produces; None if computed."""
    body = tree.body if isinstance(tree, ast.Expression) else None
    if isinstance(body, ast.Constant) and isinstance(body.value, str):
        return body.value
    if isinstance(body, ast.JoinedStr) and kind != "timeDate":
        first = body.values[0] if body.values else None
        if isinstance(first, ast.Constant):  # e.g. f"P{days}D": check its shape with 1 for each computed part
            return "".join(str(v.value) if isinstance(v, ast.Constant) else "1" for v in body.values)
    return None


def check_timer(file: str, event: etree._Element, definition: etree._Element) -> tuple[list[Finding], list[Expr]]:
    """Findings for one timerEventDefinition, and its expression for the name check."""
    specs = [child for child in definition if local(child) in _EXAMPLES and (child.text or "").strip()]
    if not specs:
        return [at(ERROR, "bpmn.timer_without_expression", file, event,
                   "Timern saknar tidsuttryck: det står inte när eller hur länge den ska vänta.",
                   _EXAMPLES["timeDuration"][1])], []
    spec = specs[0]
    kind, text = local(spec), (spec.text or "").strip()
    what, fix = _EXAMPLES[kind]
    if is_bare_iso(text):  # plain ISO text, as other tools write it: the value it is (engine/definitions/isotime.py)
        if _valid_iso(kind, text):
            return [], []
        return [at(ERROR, "bpmn.timer_invalid", file, event, f"Tidsuttrycket {text} är inte {what}.", fix,
                   line=spec.sourceline)], []
    language = language_from_attribute(spec.get("language"))
    if language:
        message, language_fix = foreign_message("Tidsuttrycket", f"'{text[:80]}'", language)
        return [at(ERROR, "bpmn.script_language", file, event, message, language_fix, line=spec.sourceline)], []
    expr = Expr(file, "timer", text, spec.sourceline, event.get("id"), event.get("name") or None, timer=kind)
    found = check_syntax(expr)
    if found:
        return found, []
    try:
        value = _literal(ast.parse(text, mode="eval"), kind)
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        value = None
    if value is not None and not _valid_iso(kind, value):
        return [at(ERROR, "bpmn.timer_invalid", file, event,
                   f"Tidsuttrycket {expr.quoted()} ger inte {what}.", fix, line=spec.sourceline)], [expr]
    return [], [expr]


def _results(node: ast.AST) -> Iterator[str]:
    """Names whose value *is* the result: `sla` or `a if cond else b` (not names inside f-strings)."""
    if isinstance(node, ast.Name):
        yield node.id
    elif isinstance(node, ast.IfExp):
        yield from _results(node.body)
        yield from _results(node.orelse)


def timer_variable_findings(exprs: Iterable[Expr], doc: YamlDoc) -> Iterator[Finding]:
    """A timer that is an area variable (`<bpmn:timeDuration>sla_triage</bpmn:timeDuration>`): the variable's
    value in area.yaml must be valid ISO 8601 text, e.g. sla_triage: P5D."""
    variables = doc.data.get("variables")
    if not isinstance(variables, dict):
        return
    for expr in exprs:
        if expr.timer is None:
            continue
        try:
            tree = ast.parse(expr.source.strip(), mode="eval")
        except (SyntaxError, ValueError, RecursionError, MemoryError):
            continue
        for name in dict.fromkeys(_results(tree.body)):
            value = variables.get(name)
            if isinstance(value, dict):  # a declaration ({type: duration, default: P5D, ...}): its default
                value = value.get("default")
            if value is not None and not (isinstance(value, str) and _valid_iso(expr.timer, value)):
                yield Finding(ERROR, "area.timer_variable_invalid", doc.file,
                              f"Variabeln {name} används som tid i timern '{expr.element_name or expr.element_id}' "
                              f"({expr.file}), men värdet {value!r} är inte {_EXAMPLES[expr.timer][0]}.",
                              f"Ange värdet i ISO 8601-form, t.ex. {name}: {_VARIABLE_EXAMPLES[expr.timer]}.",
                              line=doc.line("variables", name), element_id=name)
