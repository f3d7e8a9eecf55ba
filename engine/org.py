"""Organisation and identity: units (the org tree), users, role grants and API tokens."""

from __future__ import annotations

import hashlib
import re
import secrets
from datetime import datetime
from typing import Any

from engine import entities
from engine.access import active_access, grants_of, what_role_sees
from engine.context import Context
from engine.errors import AuthenticationFailed, InvalidInput, NotFound
from engine.rules.text import storable
from engine.store import org as org_store
from engine.store.models import ApiToken, Unit

__all__ = ["add_unit", "list_units", "add_user", "grant_role", "create_token", "list_tokens", "revoke_token",
           "authenticate", "me", "hash_token", "valid_id"]

TOKEN_PREFIX = "avk_"
# Matched with fullmatch: `$` would also match before a trailing newline, and 'anna\n' would be a second anna.
_CFAR = re.compile(r"\d{8}")
_IDENTIFIERS = {
    "unit": (re.compile(r"[a-z0-9_-]{1,60}"), "Ogiltigt enhets-id.", "Små bokstäver, siffror, - och _."),
    "user": (re.compile(r"[A-Za-z0-9_.@-]{1,100}"), "Ogiltigt användar-id.", "Otillåtna tecken."),
    "role": (re.compile(r"[a-z0-9_]{1,64}"), "Ogiltigt roll-id.", "Små bokstäver, siffror och _."),
}


def valid_id(kind: str, value: str) -> bool:
    """Whether value is a well-formed identifier of kind ('unit', 'user', 'role'), whole: no trailing newline."""
    return _IDENTIFIERS[kind][0].fullmatch(value) is not None


def _check_id(kind: str, value: str) -> None:
    if not valid_id(kind, value):
        _, message, hint = _IDENTIFIERS[kind]
        raise InvalidInput(message, errors=[{"path": kind, "message": hint}])


def _check_text(**fields: str | None) -> None:
    bad = [name for name, value in fields.items() if value is not None and not storable(value)]
    if bad:
        raise InvalidInput("Texten innehåller otillåtna tecken.",
                           errors=[{"path": name, "message": "NUL och ensamma surrogattecken är inte tillåtna."}
                                   for name in bad])


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def add_unit(
    ctx: Context, unit_id: str, name: str, kind: str, parent_id: str | None = None, cfar: str | None = None
) -> dict[str, Any]:
    if cfar is not None and not _CFAR.fullmatch(cfar):
        raise InvalidInput("Ogiltigt CFAR-nummer.", errors=[{"path": "cfar", "message": "Åtta siffror."}])
    _check_id("unit", unit_id)
    _check_text(name=name, kind=kind)
    parent = org_store.get_unit(ctx.session, parent_id) if parent_id else None
    if parent_id and parent is None:
        raise InvalidInput("Okänd överordnad enhet.", errors=[{"path": "parent", "message": "Enheten finns inte."}])
    existing = org_store.get_unit(ctx.session, unit_id)
    unit = existing or org_store.add_unit(ctx.session, unit_id, name, kind, parent, cfar)
    if unit.parent_id is None:
        entities.add_for_root(ctx, unit)
    return _unit_view(unit)


def _unit_view(unit: Unit) -> dict[str, Any]:
    return {"id": unit.id, "name": unit.name, "parent": unit.parent_id, "kind": unit.kind, "cfar": unit.cfar}


def list_units(ctx: Context) -> list[dict[str, Any]]:
    return [_unit_view(u) for u in org_store.all_units(ctx.session)]


def add_user(ctx: Context, user_id: str, name: str | None = None, email: str | None = None) -> dict[str, Any]:
    _check_id("user", user_id)
    _check_text(name=name, email=email)
    user = org_store.get_user(ctx.session, user_id) or org_store.add_user(ctx.session, user_id, name or user_id, email)
    return {"id": user.id, "name": user.name, "email": user.email}


def grant_role(ctx: Context, user_id: str, role: str, unit_id: str) -> None:
    _check_id("role", role)
    if org_store.get_user(ctx.session, user_id) is None:
        raise NotFound(f"Användaren {user_id} finns inte.")
    if org_store.get_unit(ctx.session, unit_id) is None:
        raise NotFound(f"Enheten {unit_id} finns inte.")
    org_store.add_grant(ctx.session, user_id, role, unit_id)


def create_token(ctx: Context, user_id: str, label: str | None = None, expires_at: datetime | None = None) -> str:
    """A new API token for the user. Only its hash is stored: the token is shown once."""
    if org_store.get_user(ctx.session, user_id) is None:
        raise NotFound(f"Användaren {user_id} finns inte.")
    _check_text(label=label)
    token = TOKEN_PREFIX + secrets.token_urlsafe(32)
    org_store.add_token(ctx.session, user_id, hash_token(token), label, expires_at)
    return token


def _token_view(record: ApiToken) -> dict[str, Any]:
    """What an operator may see of a token: never the token, never its hash."""
    return {"id": record.id, "label": record.label, "created_at": record.created_at,
            "expires_at": record.expires_at, "revoked_at": record.revoked_at}


def list_tokens(ctx: Context, user_id: str) -> list[dict[str, Any]]:
    if org_store.get_user(ctx.session, user_id) is None:
        raise NotFound(f"Användaren {user_id} finns inte.")
    return [_token_view(t) for t in org_store.tokens_of(ctx.session, user_id)]


def revoke_token(ctx: Context, token_id: int) -> dict[str, Any]:
    """Revoke a token; the next request that presents it is refused. Revoking twice keeps the first time."""
    record = org_store.token_by_id(ctx.session, token_id)
    if record is None:
        raise NotFound(f"Nyckeln {token_id} finns inte.")
    if record.revoked_at is None:
        record.revoked_at = ctx.clock()
        ctx.session.flush()
    return _token_view(record)


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
    grants = grants_of(ctx, user_id)
    units = {g.unit_id: org_store.get_unit(ctx.session, g.unit_id) for g in grants}
    declared = active_access(ctx)
    return {
        "id": user.id,
        "name": user.name,
        "email": user.email,
        "grants": [{"role": g.role, "unit_id": g.unit_id, "unit_name": getattr(units[g.unit_id], "name", g.unit_id),
                    "on_behalf_of": g.on_behalf_of, **what_role_sees(declared, g.role)} for g in grants],
    }
