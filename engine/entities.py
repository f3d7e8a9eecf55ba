"""Legal entities (huvudmän): the level above the org tree. The one place that says which entity a unit, an
event, a grant or a release belongs to.

Each root unit of the org tree is a legal entity, with the root's id as its id. An entity has its own number
series (its prefix: `RS-2026-000123`), its own public channel (complaints reach its complaints unit), its own
releases, and nothing of one entity's cases, releases or logs is shown to the other's people: grants cover
subtrees, and a subtree never spans two roots. The installation administrator (the `avvik` command) configures
entities; no API role sees across them.
"""

from __future__ import annotations

import re
from typing import Any
from collections.abc import Iterable

from engine.context import Context
from engine.errors import InvalidInput, NoActiveConfiguration, NotFound
from engine.rules.access import Grant
from engine.rules.legal_entity import legal_entity
from engine.store import entities as entity_store
from engine.store import org as org_store
from engine.store.models import LegalEntity, Unit

__all__ = ["root_path", "legal_entity_of", "entities_of", "add_for_root", "configure",
           "list_entities", "public_entities", "complaints_unit", "next_number"]

_PREFIX = re.compile(r"[A-Z][A-Z0-9]{1,5}")


def root_path(unit_path: str) -> str:
    """The root unit's path: '/rs/ks/ks-akut/' -> '/rs/'; a subtree query under it is the whole entity."""
    return f"/{legal_entity(unit_path)}/"


def legal_entity_of(ctx: Context, unit_path_or_id: str) -> LegalEntity:
    """The entity a unit belongs to, given the unit's path ('/rs/ks/') or id ('ks')."""
    if not unit_path_or_id.startswith("/"):
        unit = org_store.get_unit(ctx.session, unit_path_or_id)
        if unit is None:
            raise NotFound("Enheten finns inte.")
        unit_path_or_id = unit.path
    entity = entity_store.get_entity(ctx.session, legal_entity(unit_path_or_id))
    if entity is None:  # every root unit is given one (add_for_root, migration 0007_entities)
        raise NotFound("Enheten hör inte till någon vårdgivare (huvudman).")
    return entity


def entities_of(grants: Iterable[Grant], role: str | None = None) -> set[str]:
    """The entities a user's grants (of `role`, if given) lie in."""
    return {legal_entity(g.unit_path) for g in grants if role is None or g.role == role}


def _default_prefix(ctx: Context, unit_id: str) -> str:
    base = re.sub(r"[^A-Z0-9]", "", unit_id.upper())[:6]
    base = base if _PREFIX.fullmatch(base) else f"E{base}"[:6].ljust(2, "X")
    prefix, n = base, 1
    while entity_store.entity_by_prefix(ctx.session, prefix) is not None:
        n += 1
        prefix = f"{base[:5]}{n}"
    return prefix


def add_for_root(ctx: Context, unit: Unit) -> LegalEntity:
    """A new root unit is a new legal entity, with a prefix from its id until the administrator sets one."""
    return entity_store.get_entity(ctx.session, unit.id) or entity_store.add_entity(
        ctx.session, unit.id, unit.name, _default_prefix(ctx, unit.id))


def _view(entity: LegalEntity) -> dict[str, Any]:
    return {"id": entity.id, "name": entity.name, "prefix": entity.prefix,
            "complaints_unit": entity.complaints_unit_id}


def configure(ctx: Context, entity_id: str, name: str | None = None, prefix: str | None = None,
              complaints_unit: str | None = None) -> dict[str, Any]:
    """The installation administrator's settings of an entity. A new prefix starts its own series; numbers
    already given keep theirs. The complaints unit must lie in the entity."""
    entity = entity_store.get_entity(ctx.session, entity_id)
    if entity is None:
        raise NotFound(f"Vårdgivaren {entity_id} finns inte.")
    if prefix is not None:
        if not _PREFIX.fullmatch(prefix):
            raise InvalidInput("Ogiltigt prefix.", errors=[
                {"path": "prefix", "message": "2–6 versaler eller siffror, först en bokstav."}])
        other = entity_store.entity_by_prefix(ctx.session, prefix)
        if other is not None and other.id != entity.id:
            raise InvalidInput("Prefixet används redan.", errors=[
                {"path": "prefix", "message": f"Vårdgivaren {other.id} har prefixet {prefix}."}])
        entity.prefix = prefix
    if complaints_unit is not None:
        unit = org_store.get_unit(ctx.session, complaints_unit)
        if unit is None or legal_entity(unit.path) != entity.id:
            raise InvalidInput("Enheten hör inte till vårdgivaren.", errors=[
                {"path": "complaints_unit", "message": "Välj en enhet i vårdgivarens organisation."}])
        entity.complaints_unit_id = unit.id
    if name is not None:
        entity.name = name
    ctx.session.flush()
    return _view(entity)


def list_entities(ctx: Context) -> list[dict[str, Any]]:
    return [_view(e) for e in entity_store.all_entities(ctx.session)]


def public_entities(ctx: Context) -> list[dict[str, Any]]:
    """The entities whose e-service takes complaints: id and name, for the complainant to pick."""
    return [{"id": e.id, "name": e.name} for e in entity_store.all_entities(ctx.session) if e.complaints_unit_id]


def complaints_unit(ctx: Context, entity_id: str) -> Unit:
    entity = entity_store.get_entity(ctx.session, entity_id) if isinstance(entity_id, str) else None
    if entity is None:
        raise NotFound("Vårdgivaren finns inte.")
    unit = org_store.get_unit(ctx.session, entity.complaints_unit_id) if entity.complaints_unit_id else None
    if unit is None:
        raise NoActiveConfiguration("Vårdgivaren tar inte emot synpunkter här ännu.", area="synpunkter")
    return unit


def next_number(ctx: Context, unit: Unit, year: int) -> str:
    """The next event number in the series of the unit's entity."""
    return entity_store.next_number(ctx.session, legal_entity_of(ctx, unit.path).prefix, year)
