"""Publishing definition sets as immutable releases."""

from __future__ import annotations

from typing import Any
from collections.abc import Mapping

from engine.context import Context
from engine.definitions.release import Release, parse_release
from engine.access import OWNER_ROLE, grants_of
from engine.entities import entities_of
from engine.errors import DefinitionError, PermissionDenied
from engine.store import audit as audit_store
from engine.store import entities as entity_store
from engine.store import releases as release_store
from engine.store.models import ReleaseRecord

__all__ = ["build_release", "publish", "list_releases"]


def _view(record: ReleaseRecord, created: bool) -> dict[str, Any]:
    return {
        "id": record.id,
        "hash": record.hash,
        "label": record.label,
        "published_by": record.published_by,
        "created_at": record.created_at.isoformat(),
        "created": created,
    }


def build_release(files: Mapping[str, bytes]) -> Release:
    """Validate and parse a definition set; DefinitionError carries the validator's findings."""
    from engine.validation import has_errors, validate_files  # imported here: the server starts without it

    findings = validate_files(files)
    if has_errors(findings):
        raise DefinitionError(
            "Definitionerna innehåller fel och kan inte publiceras.",
            findings=[f for f in findings if f.severity == "error"],
        )
    return parse_release(files)


def publish(ctx: Context, files: Mapping[str, bytes], label: str | None, actor_id: str | None) -> dict[str, Any]:
    """Validate, hash and store a definition set. An identical set already stored is returned, not copied.
    Through the API (actor given) it takes the process owner role, and the release belongs to the legal entities
    the actor owns processes in; the CLI is the operator's own tool (`avvik release activate` gives a release to
    the entity it binds in)."""
    owners = entities_of(grants_of(ctx, actor_id), OWNER_ROLE) if actor_id is not None else set()
    if actor_id is not None and not owners:
        raise PermissionDenied("Att publicera kräver rollen processägare.")
    release = build_release(files)
    existing = release_store.release_by_hash(ctx.session, release.hash)
    if existing is not None:
        for entity_id in sorted(owners):
            entity_store.own_release(ctx.session, existing.id, entity_id)
        return _view(existing, created=False)
    try:
        texts = {path: content.decode("utf-8") for path, content in files.items()}
    except UnicodeDecodeError:
        raise DefinitionError("Definitionsfilerna måste vara UTF-8.") from None
    record = release_store.add_release(ctx.session, release.hash, texts, label, actor_id)
    for entity_id in sorted(owners):
        entity_store.own_release(ctx.session, record.id, entity_id)
    ctx.releases.put(release)
    audit_store.record_change(
        ctx.session, actor_id=actor_id, entity="release", entity_id=release.hash, operation="publish",
        after={"label": label, "files": sorted(files)},
    )
    return _view(record, created=True)


def list_releases(ctx: Context, actor_id: str | None = None) -> list[dict[str, Any]]:
    """Every release to the operator (no actor); to a person, those of the legal entities they hold a role in."""
    records = release_store.all_releases(ctx.session)
    if actor_id is not None:
        owned = entity_store.owned_release_ids(ctx.session, entities_of(grants_of(ctx, actor_id)))
        records = [r for r in records if r.id in owned]
    return [_view(r, created=False) for r in records]
