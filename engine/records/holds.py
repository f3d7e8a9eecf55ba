"""Legal holds (rättslig spärr) on an event: while one is in force nothing of the event is culled.

Placed and lifted, each with a reason, by someone who may change the event (a handler of one of its areas) or
who audits it (revisor on its unit); the role they acted in is kept with the hold, and both steps are logged.
"""

from __future__ import annotations

from typing import Any

from engine.access import AUDITOR_ROLE, EventAccess, event_access
from engine.context import Context
from engine.errors import InvalidInput, NotFound, PermissionDenied
from engine.rules.access import acting_for_case, roles_at
from engine.store import audit as audit_store
from engine.store import records as records_store
from engine.store.models import Event, LegalHold

__all__ = ["may_hold", "place", "lift", "holds_view"]


def _role(access: EventAccess) -> str | None:
    """The role the user may place a hold in: the auditor's, else a role they change a case of the event in."""
    if AUDITOR_ROLE in roles_at(access.grants, access.event.unit_path):
        return AUDITOR_ROLE
    writable = [c for c in access.readable if c.write]
    return sorted(writable[0].roles)[0] if writable else None


def may_hold(access: EventAccess) -> bool:
    return _role(access) is not None


def _required(ctx: Context, access: EventAccess, reason: str) -> tuple[str, str]:
    role = _role(access)
    if role is None:
        access.require_handler()
        raise PermissionDenied("Spärren kräver en roll som handlägger händelsen eller rollen revisor på enheten.")
    if not reason.strip():
        raise InvalidInput("Ange skälet.", errors=[{"path": "reason", "message": "Fältet måste fyllas i."}])
    event = access.event
    path = event.unit_path if role == AUDITOR_ROLE else next(c.case.unit_path for c in access.readable if c.write)
    ctx.on_behalf_of = acting_for_case(access.grants, lambda roles: role in roles, path, event.unit_path)
    return role, reason.strip()


def place(ctx: Context, number: str, reason: str, actor_id: str) -> dict[str, Any]:
    access = event_access(ctx, number, actor_id)
    role, reason = _required(ctx, access, reason)
    hold = LegalHold(event_id=access.event.id, reason=reason, placed_by=actor_id, role=role, created_at=ctx.clock())
    records_store.add(ctx.session, hold)
    audit_store.record_change(ctx.session, actor_id=actor_id, on_behalf_of=ctx.on_behalf_of, entity="legal_hold",
                              entity_id=hold.id, operation="place", event=access.event,
                              after={"reason": reason, "role": role})
    return _view(hold)


def lift(ctx: Context, number: str, hold_id: int, reason: str, actor_id: str) -> dict[str, Any]:
    access = event_access(ctx, number, actor_id)
    role, reason = _required(ctx, access, reason)
    hold = records_store.hold_by_id(ctx.session, hold_id)
    if hold is None or hold.event_id != access.event.id or hold.lifted_at is not None:
        raise NotFound("Händelsen har ingen sådan spärr i kraft.")
    hold.lifted_at, hold.lifted_by = ctx.clock(), actor_id
    audit_store.record_change(ctx.session, actor_id=actor_id, on_behalf_of=ctx.on_behalf_of, entity="legal_hold",
                              entity_id=hold.id, operation="lift", event=access.event, before={"reason": hold.reason},
                              after={"reason": reason, "role": role})
    return _view(hold)


def _view(hold: LegalHold) -> dict[str, Any]:
    return {"id": hold.id, "reason": hold.reason, "placed_by": hold.placed_by, "role": hold.role,
            "created_at": hold.created_at.isoformat(), "active": hold.lifted_at is None,
            "lifted_by": hold.lifted_by, "lifted_at": hold.lifted_at.isoformat() if hold.lifted_at else None}


def holds_view(ctx: Context, event: Event) -> list[dict[str, Any]]:
    return [_view(h) for h in records_store.holds_for_event(ctx.session, event.id)]
