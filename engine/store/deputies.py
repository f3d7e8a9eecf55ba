"""Deputyships (ersättare): who stands in for whom, in which role on which unit, and when."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any

from sqlalchemy import (BindParameter, ColumnElement, CompoundSelect, Select, String, bindparam, literal, or_, select,
                        union_all)
from sqlalchemy.orm import Session

from engine.store.db import PREPARED
from engine.store.models import Deputyship, RoleGrant, Unit

__all__ = ["add", "get", "involving", "grants_in_force", "grants_with_deputyships", "active_deputies_of"]


def add(session: Session, deputyship: Deputyship) -> Deputyship:
    session.add(deputyship)
    session.flush()
    return deputyship


def get(session: Session, deputyship_id: int) -> Deputyship | None:
    return session.get(Deputyship, deputyship_id)


def involving(session: Session, user_id: str, now: datetime) -> list[Deputyship]:
    """The user's deputyships, as principal or deputy, not yet over."""
    return list(session.scalars(
        select(Deputyship).where(or_(Deputyship.principal_id == user_id, Deputyship.deputy_id == user_id),
                                 Deputyship.ends_at > now, Deputyship.revoked_at.is_(None))
        .order_by(Deputyship.starts_at, Deputyship.id)
    ))


def _active(now: Any) -> list[ColumnElement[bool]]:
    return [Deputyship.starts_at <= now, Deputyship.ends_at > now, Deputyship.revoked_at.is_(None)]


def grants_in_force(now: Any) -> Select[str, str, str, str, str]:
    """(deputy, role, unit id, unit path, principal) of every deputyship in force at `now` (a datetime or a bound
    parameter) whose principal still holds the role on the unit: a grant withdrawn from the principal is withdrawn
    from the deputy too. The one statement of that rule; the access module and the notifications narrow it."""
    return (select(Deputyship.deputy_id, Deputyship.role, Unit.id, Unit.path, Deputyship.principal_id)
            .join(Unit, Unit.id == Deputyship.unit_id)
            .join(RoleGrant, (RoleGrant.user_id == Deputyship.principal_id) & (RoleGrant.role == Deputyship.role)
                  & (RoleGrant.unit_id == Deputyship.unit_id))
            .where(*_active(now)))


def _grants_with_deputyships() -> CompoundSelect[Any]:
    """The user's own grants (principal NULL) and the deputyships in force for them, as one statement: every use
    case starts with it, so it is one round trip, built once."""
    user = bindparam("user_id", type_=String)
    now: BindParameter[datetime] = bindparam("now")  # untyped: it takes the type of the columns it meets
    own = (select(RoleGrant.role, Unit.id, Unit.path, literal(None, String).label("principal"))
           .join(Unit, Unit.id == RoleGrant.unit_id).where(RoleGrant.user_id == user))
    deputised = (grants_in_force(now).where(Deputyship.deputy_id == user)
                 .with_only_columns(Deputyship.role, Unit.id, Unit.path, Deputyship.principal_id))
    return union_all(own, deputised)


# every request plans it (0.5 ms); its plan does not depend on the user
_GRANTS_WITH_DEPUTYSHIPS = _grants_with_deputyships().execution_options(**{PREPARED: True})


def grants_with_deputyships(session: Session, user_id: str, now: datetime) -> list[tuple[str, str, str, str | None]]:
    """(role, unit id, unit path, principal or None) of the user's own grants and of every deputyship of theirs in
    force now (grants_in_force)."""
    rows = session.execute(_GRANTS_WITH_DEPUTYSHIPS, {"user_id": user_id, "now": now})
    return [(role, unit_id, path, principal) for role, unit_id, path, principal in rows]


def active_deputies_of(session: Session, principal_ids: Iterable[str], now: datetime) -> list[str]:
    ids = sorted(set(principal_ids))
    if not ids:
        return []
    return sorted(set(session.scalars(
        select(Deputyship.deputy_id).where(Deputyship.principal_id.in_(ids), *_active(now)))))
