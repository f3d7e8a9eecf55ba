"""At triage a handler may add an area the routing missed, or remove one it got wrong, always with a reason."""

from __future__ import annotations

from typing import Any

from engine import facts
from engine.access import acting_as, event_access
from engine.cases import roll_up, start_case
from engine.bindings import resolve
from engine.context import Context
from engine.records.imports import require_not_imported
from engine.errors import Conflict, InvalidInput, NoActiveConfiguration, PermissionDenied
from engine.events import routing_facts
from engine.rules.access import CaseStatus, acting_for_case, roles_at
from engine.store import audit as audit_store
from engine.store import cases as case_store
from engine.store import org as org_store
from engine.views import case_view

__all__ = ["add_area", "remove_area"]


def _reason(reason: str | None) -> str:
    if not (reason or "").strip():
        raise InvalidInput("Ange ett skäl.", errors=[{"path": "reason", "message": "Ett skäl krävs."}])
    return str(reason).strip()


def add_area(ctx: Context, number: str, area: str, reason: str | None, actor_id: str) -> dict[str, Any]:
    access = event_access(ctx, number, actor_id)
    access.require_handler()
    require_not_imported(access.event)
    event, grants = access.event, access.grants
    reason = _reason(reason)
    unit = org_store.get_unit(ctx.session, event.unit_id)
    assert unit is not None  # the foreign key guarantees it
    try:
        resolution = resolve(ctx, unit, area)
    except NoActiveConfiguration:
        raise InvalidInput("Okänt område.", errors=[
            {"path": "area", "message": f"Området '{area}' finns inte i enhetens konfiguration."}]) from None
    name = resolution.definition.area.name
    workers = resolution.definition.access.workers
    if not roles_at(grants, event.unit_path) & workers:
        raise PermissionDenied(f"Du saknar en roll i området '{name}' på enheten.")
    ctx.on_behalf_of = acting_for_case(grants, lambda roles: bool(roles & workers), event.unit_path, event.unit_path)
    if any(c.area == area and c.status != CaseStatus.REMOVED for c in event.area_cases):
        raise Conflict(f"Händelsen handläggs redan inom '{name}'.")
    areas = [c.area for c in event.area_cases if c.status != CaseStatus.REMOVED] + [area]
    facts = routing_facts(ctx, unit, event.channel, areas)
    case = start_case(ctx, resolution.record, resolution.definition, resolution.initial_data(), event,
                         {**event.data, **facts})
    audit_store.record_change(
        ctx.session, actor_id=actor_id, on_behalf_of=ctx.on_behalf_of,
        entity="area_case", entity_id=case.id, operation="add_area", event=event,
        after={"area": area, "reason": reason},
    )
    return case_view(case, {area: name}, resolution.record.hash)


def remove_area(ctx: Context, number: str, area: str, reason: str | None, actor_id: str) -> dict[str, Any]:
    access = event_access(ctx, number, actor_id)
    access.require_handler()
    require_not_imported(access.event)
    event = access.event
    reason = _reason(reason)
    active = [c for c in access.cases if c.case.area == area]
    if not active:
        raise InvalidInput("Området finns inte på händelsen.", errors=[{"path": "area", "message": "Finns inte."}])
    if not active[0].write:
        raise PermissionDenied(f"Du saknar en roll i området '{active[0].definition.area.name}' på enheten.")
    acting_as(ctx, active[0])
    case, definition = active[0].case, active[0].definition
    if case.status == CaseStatus.CLOSED:
        raise Conflict("Ett avslutat ärende kan inte tas bort.")
    if len(access.cases) == 1:
        raise Conflict("Händelsen måste handläggas inom minst ett område. Lägg till det rätta området först.")
    before = case.status
    case.status = CaseStatus.REMOVED
    case.closed_at = ctx.clock()
    case_store.sync_tasks(ctx.session, case.id, [], ctx.clock(), None)
    case_store.replace_timers(ctx.session, case.id, {})
    roll_up(event)
    facts.refresh(ctx, cases=[case.id])
    audit_store.record_change(
        ctx.session, actor_id=actor_id, on_behalf_of=ctx.on_behalf_of,
        entity="area_case", entity_id=case.id, operation="remove_area",
        event=event, before={"status": before}, after={"area": area, "reason": reason},
    )
    return case_view(case, {case.area: definition.area.name}, None)
