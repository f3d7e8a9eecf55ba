"""CFAR: SCB's workplace numbers (arbetsställenummer, 8 digits) on org units, checked against SCB's register.

Contract (the register extract): SCB delivers extracts of the business register (Företagsdatabasen) as
semicolon-separated text with a header row. avvik reads the columns `CFARnr` (8 digits, leading zeros kept),
`Benamning` (the workplace's name), `Postort` and `Status` ('1' or 'Verksam' = active; anything else = ceased);
other columns are ignored. A deviation's workplace is the nearest unit up the tree that has a CFAR number.
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass
from typing import Any

from engine.context import Context
from engine.errors import InvalidInput
from engine.rules.inheritance import ancestry
from engine.store import org as org_store
from engine.store.models import Unit

__all__ = ["Workplace", "parse_register", "check_units", "workplace_of", "WORKPLACE_KINDS"]

CFAR = re.compile(r"^\d{8}$")
# Unit kinds that are physical workplaces and so should carry a CFAR number.
WORKPLACE_KINDS = frozenset({"akut", "avdelning", "vardcentral", "lab", "tandvard", "aldreboende", "klagomal"})


@dataclass(frozen=True)
class Workplace:
    cfar: str
    name: str
    town: str
    active: bool


def parse_register(raw: bytes) -> dict[str, Workplace]:
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = raw.decode("latin-1")  # older SCB deliveries are ISO 8859-1
    reader = csv.DictReader(io.StringIO(text), delimiter=";")
    if not reader.fieldnames or "CFARnr" not in reader.fieldnames:
        raise InvalidInput("Registerutdraget saknar kolumnen CFARnr.",
                           errors=[{"path": "CFARnr", "message": "Saknas."}])
    register = {}
    for line, row in enumerate(reader, start=2):
        number = (row.get("CFARnr") or "").strip()
        if not CFAR.match(number):
            raise InvalidInput(f"Rad {line}: ogiltigt CFAR-nummer '{number}'.",
                               errors=[{"path": f"rad {line}", "message": "Åtta siffror."}])
        status = (row.get("Status") or "1").strip().lower()
        register[number] = Workplace(number, (row.get("Benamning") or "").strip(), (row.get("Postort") or "").strip(),
                                     status in ("1", "verksam", "aktiv"))
    return register


def check_units(ctx: Context, register: dict[str, Workplace]) -> list[dict[str, Any]]:
    """Problems a person should fix: workplace units without CFAR, unknown numbers and ceased workplaces."""
    problems = []
    for unit in org_store.all_units(ctx.session):
        if unit.cfar is None:
            if unit.kind in WORKPLACE_KINDS:
                problems.append(_problem(unit, "missing", "Enheten är ett arbetsställe men saknar CFAR-nummer."))
        elif unit.cfar not in register:
            problems.append(_problem(unit, "unknown", f"CFAR-numret {unit.cfar} finns inte i SCB:s register."))
        elif not register[unit.cfar].active:
            problems.append(_problem(unit, "ceased", f"Arbetsstället {unit.cfar} har upphört enligt SCB."))
    return problems


def _problem(unit: Unit, code: str, message: str) -> dict[str, Any]:
    return {"unit_id": unit.id, "unit_name": unit.name, "cfar": unit.cfar, "code": code, "message": message}


def workplace_of(ctx: Context, unit: Unit) -> Unit | None:
    """The nearest unit at or above `unit` with a CFAR number: the workplace to report an injury for."""
    for unit_id in reversed(ancestry(unit.path)):
        candidate = org_store.get_unit(ctx.session, unit_id)
        if candidate is not None and candidate.cfar:
            return candidate
    return None
