"""Organisation and identity: units (the org tree), users, role grants and API tokens."""

from __future__ import annotations

import hashlib
import re
import secrets
from datetime import datetime
from typing import Any

from engine.access import what_role_sees
from engine.context import Context
from engine.errors import AuthenticationFailed, InvalidInput, NotFound
from engine.store import org as org_store
from engine.store.models import Unit

__all__ = ["add_unit", "list_units", "add_user", "grant_role", "create_token", "authenticate", "me", "hash_token"]

TOKEN_PREFIX = "avk_"
_CFAR = re.compile(r"^\d{8}$")


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def add_unit(
    ctx: Context, unit_id: str, name: str, kind: str, parent_id: str | None = None, cfar: str | None = None
) -> dict[str, Any]:
    if cfar is not None and not _CFAR.match(cfar):
        raise InvalidInput("Ogiltigt CFAR-nummer.", errors=[{"path": "cfar", "message": "Åtta siffror."}])
    if not re.match(r"^[a-z0-9_-]{1,60}$", unit_id):
        raise InvalidInput("Ogiltigt enhets-id.", errors=[{"path": "id", "message": "Små bokstäver, siffror, - och _."}])
    parent = org_store.get_unit(ctx.session, parent_id) if parent_id else None
    if parent_id and parent is None:
        raise InvalidInput("Okänd överordnad enhet.", errors=[{"path": "parent", "message": "Enheten finns inte."}])
    existing = org_store.get_unit(ctx.session, unit_id)
    unit = existing or org_store.add_unit(ctx.session, unit_id, name, kind, parent, cfar)
    return _unit_view(unit)


def _unit_view(unit: Unit) -> dict[str, Any]:
    return {"id": unit.id, "name": unit.name, "parent": unit.parent_id, "kind": unit.kind, "cfar": unit.cfar}


def list_units(ctx: Context) -> list[dict[str, Any]]:
    return [_unit_view(u) for u in org_store.all_units(ctx.session)]


def add_user(ctx: Context, user_id: str, name: str | None = None, email: str | None = None) -> dict[str, Any]:
    if not re.match(r"^[A-Za-z0-9_.@-]{1,100}$", user_id):
        raise InvalidInput("Ogiltigt användar-id.", errors=[{"path": "user", "message": "Otillåtna tecken."}])
    user = org_store.get_user(ctx.session, user_id) or org_store.add_user(ctx.session, user_id, name or user_id, email)
    return {"id": user.id, "name": user.name, "email": user.email}


def grant_role(ctx: Context, user_id: str, role: str, unit_id: str) -> None:
    if org_store.get_user(ctx.session, user_id) is None:
        raise NotFound(f"Användaren {user_id} finns inte.")
    if org_store.get_unit(ctx.session, unit_id) is None:
        raise NotFound(f"Enheten {unit_id} finns inte.")
    org_store.add_grant(ctx.session, user_id, role, unit_id)


def create_token(ctx: Context, user_id: str, label: str | None = None, expires_at: datetime | None = None) -> str:
    """A new API token for the user. Only its hash is stored: the token is shown once."""
    if org_store.get_user(ctx.session, user_id) is None:
        raise NotFound(f"Användaren {user_id} finns inte.")
    token = TOKEN_PREFIX + secrets.token_urlsafe(32)
    org_store.add_token(ctx.session, user_id, hash_token(token), label, expires_at)
    return token


def authenticate(ctx: Context, token: str) -> str:
    """The user id behind a bearer token, or AuthenticationFailed."""
    record = org_store.token_by_hash(ctx.session, hash_token(token))
    now = ctx.clock()
    if record is None or record.revoked_at is not None or (record.expires_at and record.expires_at <= now):
        raise AuthenticationFailed()
    user = org_store.get_user(ctx.session, record.user_id)
    if user is None or not user.active:
        raise AuthenticationFailed()
    return user.id


def me(ctx: Context, user_id: str) -> dict[str, Any]:
    user = org_store.get_user(ctx.session, user_id)
    if user is None or not user.active:
        raise AuthenticationFailed()
    grants = org_store.grants_of(ctx.session, user_id)
    units = {g.unit_id: org_store.get_unit(ctx.session, g.unit_id) for g in grants}
    return {
        "id": user.id,
        "name": user.name,
        "email": user.email,
        "grants": [{"role": g.role, "unit_id": g.unit_id, "unit_name": getattr(units[g.unit_id], "name", g.unit_id),
                    **what_role_sees(ctx, g.role)} for g in grants],
    }
