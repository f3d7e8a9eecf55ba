"""Units, users, role grants and API tokens."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine.rules.access import Grant
from engine.store.models import ApiToken, RoleGrant, Unit, User

__all__ = ["get_unit", "nearest_of_kind", "all_units", "units_under", "add_unit", "get_user", "add_user", "add_grant",
           "grants_of", "add_token", "token_by_hash", "token_by_id", "tokens_of", "grants_from_source",
           "users_from_source"]


def get_unit(session: Session, unit_id: str) -> Unit | None:
    return session.get(Unit, unit_id)


def all_units(session: Session) -> list[Unit]:
    return list(session.scalars(select(Unit).order_by(Unit.path)))


def units_under(session: Session, path: str) -> list[Unit]:
    """The unit at path and its whole subtree, in tree order."""
    return list(session.scalars(select(Unit).where(Unit.path.between(path, path + "\uffff")).order_by(Unit.path)))


def add_unit(session: Session, unit_id: str, name: str, kind: str, parent: Unit | None, cfar: str | None) -> Unit:
    path = f"{parent.path if parent else '/'}{unit_id}/"
    unit = Unit(id=unit_id, name=name, kind=kind, parent_id=parent.id if parent else None, cfar=cfar, path=path)
    session.add(unit)
    session.flush()
    return unit


def nearest_of_kind(session: Session, unit_path: str, kind: str) -> Unit | None:
    """The unit of `kind` closest to the unit at unit_path: itself or an ancestor, else the first such unit in
    the subtree of the nearest ancestor that has one (the lab of the hospital a ward belongs to)."""
    parts = [p for p in unit_path.split("/") if p]
    for depth in range(len(parts), 0, -1):
        ancestor = "/" + "/".join(parts[:depth]) + "/"
        found = session.scalar(
            select(Unit).where(Unit.kind == kind, Unit.path.between(ancestor, ancestor + "\uffff")).order_by(
                Unit.path).limit(1)
        )
        if found is not None:
            return found
    return None


def get_user(session: Session, user_id: str) -> User | None:
    return session.get(User, user_id)


def add_user(session: Session, user_id: str, name: str, email: str | None, source: str = "manual") -> User:
    user = User(id=user_id, name=name, email=email, active=True, source=source)
    session.add(user)
    session.flush()
    return user


def add_grant(session: Session, user_id: str, role: str, unit_id: str, source: str = "manual") -> RoleGrant:
    existing = session.scalar(
        select(RoleGrant).where(RoleGrant.user_id == user_id, RoleGrant.role == role, RoleGrant.unit_id == unit_id)
    )
    if existing is not None:
        return existing
    grant = RoleGrant(user_id=user_id, role=role, unit_id=unit_id, source=source)
    session.add(grant)
    session.flush()
    return grant


def grants_from_source(session: Session, user_id: str, source: str) -> list[RoleGrant]:
    return list(session.scalars(select(RoleGrant).where(RoleGrant.user_id == user_id, RoleGrant.source == source)))


def users_from_source(session: Session, source: str) -> list[User]:
    return list(session.scalars(select(User).where(User.source == source).order_by(User.id)))


def grants_of(session: Session, user_id: str) -> list[Grant]:
    rows = session.execute(
        select(RoleGrant.role, Unit.id, Unit.path).join(Unit, Unit.id == RoleGrant.unit_id).where(
            RoleGrant.user_id == user_id
        )
    )
    return [Grant(role, unit_id, path) for role, unit_id, path in rows]


def add_token(session: Session, user_id: str, token_hash: str, label: str | None, expires_at: datetime | None) -> None:
    session.add(ApiToken(user_id=user_id, token_hash=token_hash, label=label, expires_at=expires_at))
    session.flush()


def token_by_hash(session: Session, token_hash: str) -> ApiToken | None:
    return session.scalar(select(ApiToken).where(ApiToken.token_hash == token_hash))


def token_by_id(session: Session, token_id: int) -> ApiToken | None:
    return session.get(ApiToken, token_id)


def tokens_of(session: Session, user_id: str) -> list[ApiToken]:
    return list(session.scalars(select(ApiToken).where(ApiToken.user_id == user_id).order_by(ApiToken.id)))
