"""Identity-management sync: users and their role grants from a SCIM 2.0 feed, mapped by group.

Contract (the feed): a SCIM 2.0 ListResponse (RFC 7644 §3.4.2) with User resources carrying `userName`,
`name.formatted` (or displayName), `emails[].value`, `active` and `groups[].display` (or `.value`). Regions
export this from their IDM (Region Gotland's IDM, or Region Stockholm's catalogue through an exporter).

Contract (the mapping, YAML kept by the administrator):

    groups:
      AVVIK-HANDLAGGARE-VISBY: [{role: handlaggare, unit: rg-vs}]
      AVVIK-SAS: [{role: sas, unit: rg}]

The sync is idempotent and only touches what it owns: users and grants it created (source 'idm'). Manual
grants are never removed; a user who leaves the feed (or is marked inactive) is deactivated, never deleted (audit
rows refer to them), and their open tasks return to their role's pool. The SCIM server (`/scim/v2`,
engine/provisioning.py) feeds this same sync from the resources the IDM pushes.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

import yaml

from engine.context import Context
from engine.errors import InvalidInput
from engine.org import valid_id
from engine.rules.text import unstorable_paths
from engine.store import audit as audit_store
from engine.store import org as org_store
from engine.store import tasks as task_store

__all__ = ["FeedUser", "parse_feed", "parse_mapping", "sync", "SOURCE"]

SOURCE = "idm"


@dataclass(frozen=True)
class FeedUser:
    user_id: str
    name: str
    email: str | None
    active: bool
    groups: frozenset[str]


@dataclass
class SyncReport:
    users_created: list[str] = field(default_factory=list)
    users_updated: list[str] = field(default_factory=list)
    users_deactivated: list[str] = field(default_factory=list)
    grants_added: list[str] = field(default_factory=list)
    grants_removed: list[str] = field(default_factory=list)
    tasks_returned: list[str] = field(default_factory=list)
    unmapped_groups: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return dict(self.__dict__)


def _bad(message: str, path: str) -> InvalidInput:
    return InvalidInput(message, errors=[{"path": path, "message": message}])


def parse_feed(raw: bytes) -> list[FeedUser]:
    try:
        document = json.loads(raw)
    except (ValueError, UnicodeDecodeError):
        raise _bad("Flödet är inte giltig JSON.", "") from None
    unstorable = unstorable_paths(document)
    if unstorable:
        raise _bad("Flödet innehåller otillåtna tecken (NUL eller ensamma surrogattecken).", unstorable[0])
    resources = document.get("Resources") if isinstance(document, dict) else None
    if not isinstance(resources, list):
        raise _bad("Flödet saknar 'Resources' (SCIM ListResponse).", "Resources")
    users = []
    for index, item in enumerate(resources):
        user_id = item.get("userName") if isinstance(item, dict) else None
        if not isinstance(user_id, str) or not user_id:
            raise _bad("Användaren saknar userName.", f"Resources/{index}/userName")
        if not valid_id("user", user_id):
            raise _bad(f"Ogiltigt userName: {user_id!r}.", f"Resources/{index}/userName")
        name = (item.get("name") or {}).get("formatted") or item.get("displayName") or user_id
        emails = [e.get("value") for e in item.get("emails") or [] if isinstance(e, dict)]
        groups = {g.get("display") or g.get("value") for g in item.get("groups") or [] if isinstance(g, dict)}
        users.append(FeedUser(user_id, str(name), emails[0] if emails else None, item.get("active", True) is not False,
                              frozenset(g for g in groups if isinstance(g, str))))
    return users


def parse_mapping(raw: bytes) -> dict[str, list[tuple[str, str]]]:
    try:
        document = yaml.safe_load(raw)
        groups = document["groups"]
        return {str(group): [(str(g["role"]), str(g["unit"])) for g in grants] for group, grants in groups.items()}
    except (yaml.YAMLError, KeyError, TypeError, AttributeError):
        raise _bad("Mappningen ska ha formen groups: {GRUPP: [{role: ..., unit: ...}]}.", "groups") from None


def sync(
    ctx: Context, feed: list[FeedUser], mapping: dict[str, list[tuple[str, str]]], dry_run: bool
) -> dict[str, Any]:
    """Make users and IDM-owned grants match the feed. The plan is computed first and applied only when
    not a dry run, so both report the same changes."""
    for group, grants in mapping.items():
        for _, unit_id in grants:
            if org_store.get_unit(ctx.session, unit_id) is None:
                raise _bad(f"Mappningen för {group} pekar på enheten {unit_id}, som inte finns.", f"groups/{group}")
    report = SyncReport()
    in_feed = {person.user_id for person in feed}
    for person in feed:
        user = org_store.get_user(ctx.session, person.user_id)
        if user is not None and user.source != SOURCE:
            continue  # a locally managed account: the feed does not own it
        if user is None:
            report.users_created.append(person.user_id)
            if not dry_run:
                org_store.add_user(ctx.session, person.user_id, person.name, person.email, source=SOURCE)
        elif (user.name, user.email, user.active) != (person.name, person.email, person.active):
            report.users_updated.append(person.user_id)
            if user.active and not person.active:
                _leave(ctx, user.id, report, dry_run)
            if not dry_run:
                user.name, user.email, user.active = person.name, person.email, person.active
        wanted = {grant for group in person.groups if person.active for grant in mapping.get(group, [])}
        report.unmapped_groups.extend(g for g in person.groups if g not in mapping)
        _sync_grants(ctx, person.user_id, wanted, report, dry_run)
    for user in org_store.users_from_source(ctx.session, SOURCE):
        if user.id not in in_feed and user.active:
            report.users_deactivated.append(user.id)
            _sync_grants(ctx, user.id, set(), report, dry_run)
            _leave(ctx, user.id, report, dry_run)
            if not dry_run:
                user.active = False
    report.unmapped_groups = sorted(set(report.unmapped_groups))
    if not dry_run:
        audit_store.record_change(ctx.session, actor_id=None, entity="idm", entity_id="sync", operation="sync",
                                  after=report.to_dict())
    return {"dry_run": dry_run, **report.to_dict()}


def _leave(ctx: Context, user_id: str, report: SyncReport, dry_run: bool) -> None:
    """A leaver's claimed tasks go back to the pool of their role, so colleagues find them."""
    if not dry_run:
        report.tasks_returned.extend(task_store.unassign_open(ctx.session, user_id))


def _sync_grants(
    ctx: Context, user_id: str, wanted: set[tuple[str, str]], report: SyncReport, dry_run: bool
) -> None:
    owned = {(g.role, g.unit_id): g for g in org_store.grants_from_source(ctx.session, user_id, SOURCE)}
    manual = {(g.role, g.unit_id) for g in org_store.grants_from_source(ctx.session, user_id, "manual")}
    for role, unit_id in sorted(wanted - set(owned) - manual):
        report.grants_added.append(f"{user_id}:{role}@{unit_id}")
        if not dry_run:
            org_store.add_grant(ctx.session, user_id, role, unit_id, source=SOURCE)
    for key in sorted(set(owned) - wanted):
        report.grants_removed.append(f"{user_id}:{key[0]}@{key[1]}")
        if not dry_run:
            ctx.session.delete(owned[key])
    ctx.session.flush()
