"""Units, users, role grants and API tokens."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BindParameter, Select, bindparam, or_, select
from sqlalchemy.orm import Session

from engine.rules.access import Grant
from engine.store.models import ApiToken, RoleGrant, Unit, User

__all__ = ["credential_counts", "get_unit", "nearest_of_kind", "all_units", "unit_names_and_paths", "units_under",
           "add_unit", "get_user", "add_user", "add_grant", "grants_of", "add_token", "token_by_hash", "token_by_id",
           "tokens_of", "grants_from_source", "users_from_source"]


def get_unit(session: Session, unit_id: str) -> Unit | None:
    return session.get(Unit, unit_id)


def all_units(session: Session) -> list[Unit]:
    return list(session.scalars(select(Unit).order_by(Unit.path)))


def unit_names_and_paths(session: Session) -> list[tuple[str, str, str]]:
    """(id, name, path) of every unit, without loading them as objects: for answers that name hundreds of units."""
    return [(unit_id, name, path) for unit_id, name, path in session.execute(select(Unit.id, Unit.name, Unit.path))]


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


def _credential_counts() -> tuple[Select[int], Select[str]]:
    """Whether a token still counts for its user (not revoked, not expired, the user active), and whether a user
    is active: one statement each, built once (every request asks one of them)."""
    user_id: BindParameter[str] = bindparam("user_id")
    active_user = select(User.id).where(User.id == user_id, User.active.is_(True))
    token = (select(ApiToken.id).join(User, User.id == ApiToken.user_id)
             .where(ApiToken.token_hash == bindparam("token_hash"), ApiToken.user_id == user_id,
                    ApiToken.revoked_at.is_(None),
                    or_(ApiToken.expires_at.is_(None), ApiToken.expires_at > bindparam("now")),
                    User.active.is_(True)))
    return token, active_user


_TOKEN_COUNTS, _USER_ACTIVE = _credential_counts()


def credential_counts(session: Session, user_id: str, token_hash: str | None, now: datetime) -> bool:
    """The token (or, for token_hash None, the user alone) lets `user_id` in now."""
    if token_hash is None:
        return session.execute(_USER_ACTIVE, {"user_id": user_id}).first() is not None
    found = session.execute(_TOKEN_COUNTS, {"user_id": user_id, "token_hash": token_hash, "now": now}).first()
    return found is not None


def token_by_hash(session: Session, token_hash: str) -> ApiToken | None:
    return session.scalar(select(ApiToken).where(ApiToken.token_hash == token_hash))


def token_by_id(session: Session, token_id: int) -> ApiToken | None:
    return session.get(ApiToken, token_id)


def tokens_of(session: Session, user_id: str) -> list[ApiToken]:
    return list(session.scalars(select(ApiToken).where(ApiToken.user_id == user_id).order_by(ApiToken.id)))
