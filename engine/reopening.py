"""Reopening a closed area case: a role the area names (area.yaml `reopen_roles`) gives a reason, the case's
closing task is ready again, and the case closes anew through the same closure rules. Until then the event
takes new actions again; the reason is in the audit log."""

from __future__ import annotations

from typing import Any

from engine.access import CaseAccess, acting_as, event_access
from engine.cases import load_workflow, save_step
from engine.context import Context
from engine.records.imports import require_not_imported
from engine.errors import Conflict, InvalidInput, PermissionDenied
from engine.runtime import workflow as runtime
from engine.store import audit as audit_store
from engine.views import case_view, task_view
from engine.rules.access import CaseStatus

__all__ = ["reopen_case"]


def _closed_case(cases: list[CaseAccess], area: str | None) -> CaseAccess:
    """Among the area cases the user may read: the one of `area`, else the only closed one."""
    closed = [c for c in cases if c.case.status == CaseStatus.CLOSED]
    if area is None:
        if not closed:
            raise Conflict("Händelsen har inget avslutat ärende.")
        if len(closed) == 1:
            return closed[0]
        raise InvalidInput("Ange vilket områdes ärende som ska öppnas igen.", errors=[
            {"path": "area", "message": f"Avslutade ärenden: {', '.join(c.case.area for c in closed)}."}])
    chosen = next((c for c in cases if c.case.area == area), None)
    if chosen is None:
        raise InvalidInput("Händelsen har inget ärende i området som du kan se.",
                           errors=[{"path": "area", "message": f"Inget ärende i området '{area}'."}])
    if chosen.case.status != CaseStatus.CLOSED:
        raise Conflict(f"Ärendet i området '{area}' är inte avslutat.")
    return chosen


def _may_reopen(access: CaseAccess) -> bool:
    return bool(access.roles & access.definition.area.reopen_roles)


def reopen_case(ctx: Context, number: str, area: str | None, reason: str, actor_id: str) -> dict[str, Any]:
    access = event_access(ctx, number, actor_id)
    access.require_handler()
    require_not_imported(access.event)
    reason = (reason or "").strip()
    if not reason:
        raise InvalidInput("Skälet krävs.", errors=[{"path": "reason", "message": "Ange varför ärendet öppnas igen."}])
    if not any(_may_reopen(c) for c in access.readable):
        raise PermissionDenied("Att öppna ett avslutat ärende kräver en roll som området anger under reopen_roles.")
    chosen = _closed_case(access.readable, area)
    case, definition, event = chosen.case, chosen.definition, access.event
    if not _may_reopen(chosen):
        allowed = sorted(definition.area.reopen_roles)
        raise PermissionDenied(
            f"Att öppna ett avslutat ärende i området kräver rollen {' eller '.join(allowed) or '(ingen)'}.",
            required_roles=allowed,
        )
    acting_as(ctx, chosen, lambda roles: bool(roles & definition.area.reopen_roles))
    workflow = load_workflow(ctx, case, definition)
    task = runtime.reopen(workflow, definition.area.closing_tasks)
    if task is None:
        raise Conflict("Ärendet har inget steg att öppna igen.")
    case.status, case.closed_at = CaseStatus.IN_PROGRESS, None
    open_tasks = save_step(ctx, case, event, definition, workflow)
    audit_store.record_change(
        ctx.session, actor_id=actor_id, on_behalf_of=ctx.on_behalf_of,
        entity="area_case", entity_id=str(case.id), operation="reopen", event=event,
        before={"status": CaseStatus.CLOSED}, after={"area": case.area, "reason": reason, "task": task.task_spec.name},
    )
    return {
        "event_number": event.number,
        "event_title": event.title,
        "event_status": event.status,
        "case": case_view(case, {case.area: definition.area.name}, chosen.release.hash),
        "next_tasks": [task_view(t) for t in open_tasks],
    }
