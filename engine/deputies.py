"""Deputies (ersättare): a person with a role on a unit names a colleague to stand in for them for a period.

During the period the deputy holds that role on that unit on the principal's behalf (engine/access.py
`grants_of`): the tasks appear in their worklist, they may work them, notifications of new tasks reach them
too, and the change log records on whose behalf each step was taken. The principal names their own deputies;
the installation administrator (`avvik deputy add`) may name one for anyone. The deputy must hold a role in the
same legal entity: nothing crosses between entities, not even by deputising.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from engine.entities import entities_of
from engine.rules.legal_entity import legal_entity
from engine.context import Context
from engine.errors import InvalidInput, NotFound, PermissionDenied
from engine.store import audit as audit_store
from engine.store import deputies as deputy_store
from engine.store import org as org_store
from engine.store.models import Deputyship

__all__ = ["MAX_PERIOD", "name_deputy", "my_deputyships", "revoke"]

MAX_PERIOD = timedelta(days=366)  # a standing arrangement is a grant of its own, not a deputyship


def _view(d: Deputyship, user_id: str | None = None) -> dict[str, Any]:
    return {"id": d.id, "principal": d.principal_id, "deputy": d.deputy_id, "role": d.role, "unit_id": d.unit_id,
            "starts_at": d.starts_at.isoformat(), "ends_at": d.ends_at.isoformat(), "created_by": d.created_by,
            "direction": None if user_id is None else ("given" if d.principal_id == user_id else "received")}


def name_deputy(ctx: Context, principal_id: str, deputy_id: str, role: str, unit_id: str, starts_at: datetime,
                ends_at: datetime, actor_id: str | None) -> dict[str, Any]:
    """`actor_id` None: the installation administrator; otherwise only the principal themselves."""
    if actor_id is not None and actor_id != principal_id:
        raise PermissionDenied("Bara den som har rollen kan utse sin ersättare.")
    errors = []
    unit = org_store.get_unit(ctx.session, unit_id) if isinstance(unit_id, str) else None
    holds = unit is not None and any(g.role == role and g.unit_id == unit_id
                                     for g in org_store.grants_of(ctx.session, principal_id))
    if not holds:
        errors.append({"path": "role", "message": "Rollen på enheten finns inte hos den som ska ersättas."})
    deputy = org_store.get_user(ctx.session, deputy_id) if isinstance(deputy_id, str) else None
    if deputy is None or not deputy.active or deputy_id == principal_id:
        errors.append({"path": "deputy", "message": "Ange en annan aktiv användare."})
    elif unit is not None and legal_entity(unit.path) not in entities_of(org_store.grants_of(ctx.session, deputy_id)):
        errors.append({"path": "deputy", "message": "Ersättaren måste ha en roll hos samma vårdgivare."})
    if ends_at <= starts_at or ends_at <= ctx.clock():
        errors.append({"path": "ends_at", "message": "Perioden måste sluta efter att den börjar, och i framtiden."})
    elif ends_at - starts_at > MAX_PERIOD:
        errors.append({"path": "ends_at", "message": "En ersättare utses för högst ett år i taget."})
    if errors:
        raise InvalidInput("Ersättaren kan inte utses.", errors=errors)
    made = deputy_store.add(ctx.session, Deputyship(
        principal_id=principal_id, deputy_id=deputy_id, role=role, unit_id=unit_id, starts_at=starts_at,
        ends_at=ends_at, created_by=actor_id or "operator"))
    audit_store.record_change(ctx.session, actor_id=actor_id, entity="deputyship", entity_id=made.id,
                              operation="name", after=_view(made))
    return _view(made, principal_id)


def my_deputyships(ctx: Context, user_id: str) -> list[dict[str, Any]]:
    """The deputyships not yet over that the user gave (as principal) or received (as deputy)."""
    return [_view(d, user_id) for d in deputy_store.involving(ctx.session, user_id, ctx.clock())]


def revoke(ctx: Context, deputyship_id: int, actor_id: str | None) -> dict[str, Any]:
    """End a deputyship now: by its principal, or the administrator."""
    made = deputy_store.get(ctx.session, deputyship_id)
    if made is None or (actor_id is not None and actor_id not in (made.principal_id, made.deputy_id)):
        raise NotFound("Ersättaruppdraget finns inte.")
    if actor_id is not None and actor_id != made.principal_id:
        raise PermissionDenied("Bara den som utsåg ersättaren kan avsluta uppdraget.")
    if made.revoked_at is None:
        made.revoked_at = ctx.clock()
        audit_store.record_change(ctx.session, actor_id=actor_id, entity="deputyship", entity_id=made.id,
                                  operation="revoke")
    return _view(made, actor_id)
