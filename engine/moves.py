"""Unit fields in forms, and moving an area case to another unit.

A form field marked `x-avvik-unit` holds a unit id of the same legal entity (the same region root) as the case;
the task's form offers those units as a `oneOf`. Marked `"move"`, the unit must also be one where the area can be
handled (area.yaml `unit_kinds`, or its `responsible_unit_kind`), and filling it moves the case there with the
step: the old unit's task ends as moved with the reason (the sibling field `motivering`), and the tasks the step
opens land on the new unit's worklist, on the new unit's values of the area's variables (its SLA clocks).
History and the event view show the move.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass
from typing import Any

from engine import notifications
from engine.bindings import resolve, unit_variables
from engine.entities import root_path
from engine.context import Context
from engine.definitions.forms import Form, value_at
from engine.definitions.release import AreaDefinition
from engine.errors import InvalidInput, NoActiveConfiguration
from engine.store import audit as audit_store
from engine.store import org as org_store
from engine.store.models import AreaCase, Event, TaskRow, Unit

__all__ = ["MOVE", "Move", "candidates", "offer_units", "check_units", "apply", "end_moved_task", "moves_view"]

MOVE = "move"
REASON_FIELD = "motivering"


@dataclass(frozen=True)
class Move:
    unit: Unit
    reason: str | None
    variables: dict[str, Any]  # the area's variables as the new unit sets them, for the steps that follow


def _handled_here(definition: AreaDefinition, unit: Unit) -> bool:
    area = definition.area
    kinds = area.unit_kinds or ({area.responsible_unit_kind} if area.responsible_unit_kind else set())
    return not kinds or unit.kind in kinds


def candidates(ctx: Context, case: AreaCase, definition: AreaDefinition, mode: str) -> list[Unit]:
    """The units a unit field may name: the case's legal entity; for a move, where the area can be handled and
    not where the case is."""
    units = org_store.units_under(ctx.session, root_path(case.unit_path))
    if mode != MOVE:
        return units
    return [u for u in units if u.id != case.unit_id and _handled_here(definition, u)]


def offer_units(ctx: Context, case: AreaCase, definition: AreaDefinition, form: Form) -> dict[str, Any]:
    """The form's schema with each unit field's choices filled in from the organisation."""
    if not form.unit_fields:
        return form.schema
    schema = copy.deepcopy(form.schema)
    for path, mode in form.unit_fields:
        node = schema
        for key in path:
            node = node.get("properties", {}).get(key, {}) if isinstance(node, dict) else {}
        if isinstance(node, dict):
            node["oneOf"] = [{"const": u.id, "title": u.name} for u in candidates(ctx, case, definition, mode)]
    return schema


def check_units(
    ctx: Context, case: AreaCase, definition: AreaDefinition, form: Form, data: Any, actor_id: str
) -> Move | None:
    """Validate every unit field the data fills (all errors at once); the move it asks for, if any."""
    errors, move = [], None
    for path, mode, value in form.values_at(form.unit_fields, data):
        unit = org_store.get_unit(ctx.session, value) if isinstance(value, str) else None
        if unit is None or unit.id not in {u.id for u in candidates(ctx, case, definition, mode)}:
            errors.append({"path": path, "message": _refusal(case, definition, unit, mode)})
        elif mode == MOVE:
            try:
                resolve(ctx, unit, case.area)
            except NoActiveConfiguration:
                errors.append({"path": path, "message": "Området är inte i bruk på enheten."})
                continue
            parent = path.split("/")[:-1]
            reason = value_at(data, [*parent, REASON_FIELD])
            variables = {key: r.value for key, r in unit_variables(ctx, unit, definition).items()}
            move = Move(unit, str(reason) if reason else None, variables)
    if errors:
        raise InvalidInput("Formuläret innehåller fel.", errors=errors)
    return move


def _refusal(case: AreaCase, definition: AreaDefinition, unit: Unit | None, mode: str) -> str:
    if unit is None:
        return "Enheten finns inte."
    if root_path(unit.path) != root_path(case.unit_path):
        return "Enheten tillhör en annan vårdgivare (huvudman)."
    if unit.id == case.unit_id:
        return "Ärendet handläggs redan på enheten."
    return f"Området '{definition.area.name}' kan inte handläggas på en enhet av typen '{unit.kind}'."


def apply(ctx: Context, case: AreaCase, move: Move, actor_id: str) -> None:
    """Hand the case to the new unit; the step written next puts its new tasks there."""
    before = {"unit": case.unit_id}
    case.unit_id, case.unit_path = move.unit.id, move.unit.path
    audit_store.record_change(
        ctx.session, actor_id=actor_id, on_behalf_of=ctx.on_behalf_of,
        entity="area_case", entity_id=case.id, operation="move", event=case.event,
        before=before, after={"area": case.area, "unit": move.unit.id, "unit_name": move.unit.name,
                              "reason": move.reason},
    )
    notifications.case_moved(ctx, case, move.unit.name)


def end_moved_task(row: TaskRow, move: Move) -> None:
    row.outcome = "moved"
    row.note = f"Flyttad till {move.unit.name}" + (f": {move.reason}" if move.reason else ".")


def moves_view(ctx: Context, event: Event, areas: set[str]) -> list[dict[str, Any]]:
    """Every move of the event's area cases in these areas, oldest first, as the reporter may read it."""
    return [
        {"area": e.after["area"], "from_unit": (e.before or {}).get("unit"), "to_unit": e.after["unit"],
         "at": e.at.isoformat() if e.at else None, "message": f"Flyttad till {e.after['unit_name']}"}
        for e in audit_store.changes_for_event(ctx.session, event.id)
        if e.operation == "move" and e.after and e.after.get("area") in areas
    ]
