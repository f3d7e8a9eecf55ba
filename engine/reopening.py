"""Reopening a closed area case: a role the area names (area.yaml `reopen_roles`) gives a reason, the case's
closing task is ready again, and the case closes anew through the same closure rules. Until then the event
takes new actions again; the reason is in the audit log."""

from __future__ import annotations

from typing import Any

from engine.cases import definition_of, load_workflow, save_step
from engine.context import Context
from engine.errors import Conflict, InvalidInput, NotFound, PermissionDenied
from engine.events import handles, visible_event
from engine.rules.access import roles_at
from engine.runtime import workflow as runtime
from engine.store import audit as audit_store
from engine.store.models import AreaCase, Event
from engine.views import case_view, task_view

__all__ = ["reopen_case"]


def _closed_case(event: Event, area: str | None) -> AreaCase:
    closed = [case for case in event.area_cases if case.status == "closed"]
    if area is None:
        if not closed:
            raise Conflict("Händelsen har inget avslutat ärende.")
        if len(closed) == 1:
            return closed[0]
        raise InvalidInput("Ange vilket områdes ärende som ska öppnas igen.", errors=[
            {"path": "area", "message": f"Avslutade ärenden: {', '.join(case.area for case in closed)}."}])
    case = next((c for c in event.area_cases if c.area == area), None)
    if case is None:
        raise InvalidInput("Händelsen har inget ärende i området.",
                           errors=[{"path": "area", "message": f"Händelsen hanteras inte i området '{area}'."}])
    if case.status != "closed":
        raise Conflict(f"Ärendet i området '{area}' är inte avslutat.")
    return case


def reopen_case(ctx: Context, number: str, area: str | None, reason: str, actor_id: str) -> dict[str, Any]:
    event, grants = visible_event(ctx, number, actor_id)
    if not handles(grants, event):
        raise NotFound("Händelsen finns inte eller så saknar du behörighet.")
    reason = (reason or "").strip()
    if not reason:
        raise InvalidInput("Skälet krävs.", errors=[{"path": "reason", "message": "Ange varför ärendet öppnas igen."}])
    case = _closed_case(event, area)
    record, definition = definition_of(ctx, case)
    allowed = definition.area.reopen_roles
    if not roles_at(grants, case.unit_path) & allowed:
        raise PermissionDenied(
            f"Att öppna ett avslutat ärende i området kräver rollen {' eller '.join(sorted(allowed)) or '(ingen)'}.",
            required_roles=sorted(allowed),
        )
    workflow = load_workflow(case, definition)
    task = runtime.reopen(workflow, definition.area.closing_tasks)
    if task is None:
        raise Conflict("Ärendet har inget steg att öppna igen.")
    case.status, case.closed_at = "in_progress", None
    open_tasks = save_step(ctx, case, event, definition, workflow)
    audit_store.record_change(
        ctx.session, actor_id=actor_id, entity="area_case", entity_id=str(case.id), operation="reopen", event=event,
        before={"status": "closed"}, after={"area": case.area, "reason": reason, "task": task.task_spec.name},
    )
    return {
        "event_number": event.number,
        "event_title": event.title,
        "event_status": event.status,
        "case": case_view(case, {case.area: definition.area.name}, record.hash),
        "next_tasks": [task_view(t) for t in open_tasks],
    }
