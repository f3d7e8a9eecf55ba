"""Area variables (area.yaml `variables:`): each declares its type and bounds, and every value — the release
default, a unit's overlay — passes the same check before a case can start with it.

Two spellings are read:

    sla_triage: {type: duration, default: P5D, min: PT1H, max: P30D}   # declared
    sla_triage: P5D                                                     # plain: type and bounds inferred

A plain value's type is inferred (ISO 8601 duration, number, boolean, else text) with the generous bounds
below, so an old area.yaml keeps working and a unit still cannot set "fem dagar" or a thousand years.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import timedelta
from typing import Any
from collections.abc import Callable, Iterator

__all__ = ["TYPES", "Variable", "parse_variable", "declaration_problems", "parse_duration"]

TYPES = ("duration", "number", "boolean", "enum", "text")
_KEYS = {"type", "default", "min", "max", "values", "description"}
_DURATION = re.compile(
    r"^P(?=\d|T\d)(?:(\d{1,4})Y)?(?:(\d{1,4})M)?(?:(\d{1,4})W)?(?:(\d{1,5})D)?"
    r"(?:T(?=\d)(?:(\d{1,6})H)?(?:(\d{1,7})M)?(?:(\d{1,9})S)?)?$"
)
# Bounds for plain (undeclared) values; a declaration sets its own.
_PLAIN_DURATION_MAX = "P1Y"
_PLAIN_TEXT_MAX = 200
_PLAIN_NUMBER_LIMIT = 100_000  # e.g. days or hours: more is a typo, and dates computed from it overflow
_NUMBER_LIMIT = 1e9  # no declaration may go beyond this


def parse_duration(text: Any) -> timedelta | None:
    """An ISO 8601 duration as SpiffWorkflow's timers read it, as an approximate length (a year 365 days, a
    month 30) for comparing with bounds; None if it is not one."""
    if not isinstance(text, str) or len(text) > 40:
        return None
    match = _DURATION.match(text)
    if match is None:
        return None
    years, months, weeks, days, hours, minutes, seconds = (int(g) if g else 0 for g in match.groups())
    if weeks and (years or months or days):  # SpiffWorkflow refuses weeks mixed with other date parts
        return None
    return timedelta(days=365 * years + 30 * months + 7 * weeks + days, hours=hours, minutes=minutes,
                     seconds=seconds)


def _is_number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool) and abs(value) < _NUMBER_LIMIT


@dataclass(frozen=True)
class Variable:
    name: str
    type: str
    default: Any
    min: Any = None
    max: Any = None
    values: tuple[Any, ...] = ()
    description: str | None = None  # Swedish, for the process owner's studio

    def problem(self, value: Any) -> str | None:
        """Why `value` cannot be this variable's value (Swedish), or None if it can."""
        if self.type == "duration":
            length = parse_duration(value)
            if length is None:
                return "Ange en ISO 8601-varaktighet, t.ex. P5D (5 dagar) eller PT8H (8 timmar)."
            if self.min is not None and length < (parse_duration(self.min) or timedelta()):
                return f"Kortaste tillåtna tid är {self.min}."
            if self.max is not None and length > (parse_duration(self.max) or timedelta.max):
                return f"Längsta tillåtna tid är {self.max}."
        elif self.type == "number":
            if not _is_number(value):
                return "Ange ett tal."
            if self.min is not None and value < self.min:
                return f"Lägsta tillåtna värde är {self.min}."
            if self.max is not None and value > self.max:
                return f"Högsta tillåtna värde är {self.max}."
        elif self.type == "boolean":
            if not isinstance(value, bool):
                return "Ange true eller false."
        elif self.type == "enum":
            if isinstance(value, (dict, list)) or value not in self.values:
                return f"Välj ett av {', '.join(str(v) for v in self.values)}."
        elif not isinstance(value, str) or len(value) > (self.max or _PLAIN_TEXT_MAX):
            return f"Ange en text på högst {self.max or _PLAIN_TEXT_MAX} tecken."
        return None


def _inferred(name: str, value: Any) -> Variable:
    if isinstance(value, bool):
        return Variable(name, "boolean", value)
    if _is_number(value):
        return Variable(name, "number", value, min=-_PLAIN_NUMBER_LIMIT, max=_PLAIN_NUMBER_LIMIT)
    if parse_duration(value) is not None:
        return Variable(name, "duration", value, max=_PLAIN_DURATION_MAX)
    return Variable(name, "text", value)


def parse_variable(name: str, raw: Any) -> Variable:
    """The declaration of one variable; assumes `declaration_problems` found nothing."""
    if not isinstance(raw, dict):
        return _inferred(name, raw)
    description = raw.get("description")
    return Variable(name, str(raw["type"]), raw.get("default"), raw.get("min"), raw.get("max"),
                    tuple(raw.get("values") or ()), str(description) if description is not None else None)


def declaration_problems(name: str, raw: Any) -> Iterator[tuple[str | None, str]]:
    """(key inside the declaration or None, Swedish message) for each fault of one variable's declaration."""
    if not isinstance(raw, dict):
        variable = _inferred(name, raw)
        message = variable.problem(raw) if raw is not None else "Variabeln saknar värde."
        if message:
            yield None, message
        return
    for key in sorted(set(raw) - _KEYS):
        yield key, f"Nyckeln {key}: är okänd i en variabeldeklaration (kända: {', '.join(sorted(_KEYS))})."
    kind = raw.get("type")
    if kind not in TYPES:
        yield "type", f"type: ska vara en av {', '.join(TYPES)}."
        return
    if kind == "enum" and not (isinstance(raw.get("values"), list) and raw["values"]
                               and all(isinstance(v, (str, int)) for v in raw["values"])):
        yield "values", "En enum-variabel behöver values: en lista med de tillåtna värdena."
        return
    bound_checks: dict[str, Callable[[Any], Any]] = {
        "duration": parse_duration, "number": lambda v: v if _is_number(v) else None,
        "text": lambda v: v if isinstance(v, int) and v > 0 else None}
    bound_check = bound_checks.get(kind)
    bad_bounds = [key for key in ("min", "max")
                  if key in raw and (bound_check is None or bound_check(raw[key]) is None)]
    for key in bad_bounds:
        yield key, f"{key}: passar inte typen {kind}."
    if bad_bounds:
        return  # the default cannot be compared with a bound of another type
    if bound_check is not None and kind != "text" and "min" in raw and "max" in raw:
        low, high = bound_check(raw["min"]), bound_check(raw["max"])
        if low is not None and high is not None and low > high:
            yield "min", "min: är större än max:."
    if "default" not in raw:
        yield None, "Variabeln saknar default: (standardvärdet)."
        return
    problem = parse_variable(name, raw).problem(raw["default"])
    if problem:
        yield "default", f"Standardvärdet passar inte deklarationen: {problem}"
