"""Live provisioning: the IDM pushes Users and Groups to the SCIM 2.0 endpoint (/scim/v2), and avvik's users and
grants follow at once.

The resources are stored as the IDM sent them (engine/store/scim.py), so the IDM reads back what it wrote; the
protocol itself (filters, PATCH, ETags, paging) is scim2-server's, over a storage that calls these use cases
(server/scim.py). After every write, avvik's IDM-owned users and grants are derived from all stored resources by
the same sync and the same mapping file as `avvik idm sync`: a User's `userName` is the avvik user id, its
groups are the Groups that list it as a member, and each group's `displayName` maps to roles on units. A User
made inactive or deleted is deactivated, loses the grants the IDM gave, and their open tasks return to the pool.
"""

from __future__ import annotations

import hmac
import secrets
from typing import Any

from engine.context import Context
from engine.errors import AuthenticationFailed, InvalidInput
from engine.integrations import idm
from engine.org import hash_token, valid_id
from engine.store import scim as scim_store

__all__ = ["USER", "GROUP", "TOKEN_PREFIX", "stored", "write", "remove", "create_token", "authenticate"]

USER, GROUP = "User", "Group"
TOKEN_PREFIX = "avs_"


def stored(ctx: Context, resource_type: str) -> list[dict[str, Any]]:
    return [row.data for row in scim_store.resources(ctx.session, resource_type)]


def write(ctx: Context, resource_type: str, document: dict[str, Any], mapping: bytes) -> dict[str, Any]:
    """Store a created or replaced resource and bring users and grants in line; the sync's report."""
    if resource_type == USER and not valid_id("user", str(document.get("userName", ""))):
        raise InvalidInput("Ogiltigt userName.", errors=[{"path": "userName",
                                                           "message": "Bokstäver, siffror och . _ @ - (högst 100)."}])
    scim_store.put(ctx.session, str(document["id"]), resource_type, document)
    return _sync(ctx, mapping)


def remove(ctx: Context, resource_id: str, mapping: bytes) -> dict[str, Any]:
    scim_store.delete(ctx.session, resource_id)
    return _sync(ctx, mapping)


def _sync(ctx: Context, mapping: bytes) -> dict[str, Any]:
    users = stored(ctx, USER)
    members: dict[str, set[str]] = {}
    for group in stored(ctx, GROUP):
        for member in group.get("members") or []:
            if isinstance(member, dict) and member.get("value"):
                members.setdefault(str(member["value"]), set()).add(str(group.get("displayName") or ""))
    feed = [idm.FeedUser(
        user_id=str(u["userName"]),
        name=str((u.get("name") or {}).get("formatted") or u.get("displayName") or u["userName"]),
        email=next((e.get("value") for e in u.get("emails") or [] if isinstance(e, dict) and e.get("value")), None),
        active=u.get("active", True) is not False,
        groups=frozenset(g for g in members.get(str(u["id"]), set()) if g),
    ) for u in users]
    return idm.sync(ctx, feed, idm.parse_mapping(mapping), dry_run=False)


def create_token(ctx: Context, label: str | None) -> str:
    """A new SCIM bearer token; only its hash is stored, the token is shown once."""
    token = TOKEN_PREFIX + secrets.token_urlsafe(32)
    scim_store.add_token(ctx.session, hash_token(token), label)
    return token


def authenticate(ctx: Context, token: str) -> None:
    record = scim_store.token_by_hash(ctx.session, hash_token(token)) if token.startswith(TOKEN_PREFIX) else None
    if record is None or record.revoked_at is not None or not hmac.compare_digest(record.token_hash,
                                                                                   hash_token(token)):
        raise AuthenticationFailed()
