"""Deputyships (ersättare): who stands in for whom, in which role on which unit, and when."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, Select, or_, select
from sqlalchemy.orm import Session

from engine.store.models import Deputyship, RoleGrant, Unit

__all__ = ["add", "get", "involving", "grants_in_force", "active_grants_for_deputy", "active_deputies_of"]


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


def active_grants_for_deputy(session: Session, deputy_id: str, now: datetime) -> list[tuple[str, str, str, str]]:
    """(role, unit id, unit path, principal) of every deputyship of the deputy in force now (grants_in_force)."""
    rows = session.execute(grants_in_force(now).where(Deputyship.deputy_id == deputy_id))
    return [(role, unit_id, path, principal) for _, role, unit_id, path, principal in rows]


def active_deputies_of(session: Session, principal_ids: Iterable[str], now: datetime) -> list[str]:
    ids = sorted(set(principal_ids))
    if not ids:
        return []
    return sorted(set(session.scalars(
        select(Deputyship.deputy_id).where(Deputyship.principal_id.in_(ids), *_active(now)))))
