"""Per-unit configuration: which release and variant of each area a unit's new cases start on (bindings), and
unit values for an area's declared variables (overlays). Both inherit down the org tree, and the effective
value is always explained: where it came from."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from engine.context import Context
from engine.definitions.release import STANDARD, AreaDefinition, Release
from engine.errors import InvalidInput, NotFound, PermissionDenied
from engine.rules.access import roles_at
from engine.rules.inheritance import Resolved, ancestry, merged_variables, nearest
from engine.store import audit as audit_store
from engine.store import bindings as binding_store
from engine.store import org as org_store
from engine.store import releases as release_store
from engine.store.models import ReleaseRecord, Unit

__all__ = [
    "OWNER_ROLE",
    "Resolution",
    "resolve",
    "effective_config",
    "set_binding",
    "remove_binding",
    "set_overlay",
    "remove_overlay",
]

OWNER_ROLE = "processagare"


@dataclass(frozen=True)
class Resolution:
    record: ReleaseRecord
    release: Release
    definition: AreaDefinition
    binding_from: str | None  # unit id whose binding applies; None: the newest release's standard variant
    variables: dict[str, Resolved]

    def initial_data(self) -> dict[str, Any]:
        return {key: resolved.value for key, resolved in self.variables.items()}


def resolve(ctx: Context, unit: Unit, area: str) -> Resolution | None:
    """What a new case of `area` at `unit` starts on; None if that release has no such area."""
    chain = ancestry(unit.path)
    bound = nearest(chain, {b.unit_id: b for b in binding_store.bindings_for(ctx.session, chain, area)})
    if bound is None:
        record, release = ctx.current_release()
        variant, source = STANDARD, None
    else:
        record, release = ctx.release_by_id(bound.value.release_id)
        variant, source = bound.value.variant, bound.from_unit
    definition = release.variants.get((area, variant))
    if definition is None:
        return None
    declared = definition.area.declarations
    overlays: dict[str, dict[str, Any]] = {}
    for overlay in binding_store.overlays_for(ctx.session, chain, area):
        value = overlay.value["value"]
        # A value this release's declaration refuses (stored before the check, or the bounds narrowed since)
        # is passed over: the unit inherits as if it had none, and no case starts on an unusable value.
        if overlay.key in declared and declared[overlay.key].problem(value) is None:
            overlays.setdefault(overlay.unit_id, {})[overlay.key] = value
    variables = merged_variables(chain, definition.area.variables, overlays)
    return Resolution(record, release, definition, source, variables)


def _owned_unit(ctx: Context, unit_id: str, actor_id: str) -> Unit:
    unit = org_store.get_unit(ctx.session, unit_id)
    if unit is None:
        raise NotFound("Enheten finns inte.")
    if OWNER_ROLE not in roles_at(org_store.grants_of(ctx.session, actor_id), unit.path):
        raise PermissionDenied("Konfigurationen kräver rollen processägare på enheten.")
    return unit


def effective_config(ctx: Context, unit_id: str, actor_id: str) -> dict[str, Any]:
    unit = _owned_unit(ctx, unit_id, actor_id)
    _, newest = ctx.current_release()
    areas = []
    for area in sorted(newest.areas):
        resolution = resolve(ctx, unit, area)
        if resolution is None:
            areas.append({"area": area, "error": "Den bundna releasen saknar området eller varianten."})
            continue
        areas.append({
            "area": area,
            "release": resolution.record.hash,
            "release_label": resolution.record.label,
            "variant": resolution.definition.variant,
            "inherited_from": resolution.binding_from,
            "variables": [
                {"key": key, "value": r.value, "from_unit": r.from_unit}
                for key, r in sorted(resolution.variables.items())
            ],
        })
    return {"unit_id": unit.id, "areas": areas}


def set_binding(
    ctx: Context, unit_id: str, area: str, release_hash: str, variant: str, actor_id: str
) -> dict[str, Any]:
    unit = _owned_unit(ctx, unit_id, actor_id)
    record = release_store.release_by_hash(ctx.session, release_hash)
    if record is None:
        raise InvalidInput("Releasen finns inte.", errors=[{"path": "release", "message": "Okänd release."}])
    if (area, variant) not in ctx.release(record).variants:
        raise InvalidInput(
            "Releasen saknar området eller varianten.",
            errors=[{"path": "variant", "message": f"'{area}/{variant}' finns inte i releasen."}],
        )
    binding_store.put_binding(ctx.session, unit.id, area, record.id, variant, actor_id)
    audit_store.record_change(
        ctx.session, actor_id=actor_id, entity="binding", entity_id=f"{unit.id}/{area}", operation="set",
        after={"release": record.hash, "variant": variant},
    )
    return effective_config(ctx, unit_id, actor_id)


def remove_binding(ctx: Context, unit_id: str, area: str, actor_id: str) -> dict[str, Any]:
    unit = _owned_unit(ctx, unit_id, actor_id)
    if not binding_store.delete_binding(ctx.session, unit.id, area):
        raise NotFound("Enheten har ingen egen bindning för området.")
    audit_store.record_change(
        ctx.session, actor_id=actor_id, entity="binding", entity_id=f"{unit.id}/{area}", operation="remove",
    )
    return effective_config(ctx, unit_id, actor_id)


def set_overlay(ctx: Context, unit_id: str, area: str, key: str, value: Any, actor_id: str) -> dict[str, Any]:
    unit = _owned_unit(ctx, unit_id, actor_id)
    resolution = resolve(ctx, unit, area)
    if resolution is None or key not in resolution.definition.area.declarations:
        raise InvalidInput(
            "Okänd parameter.",
            errors=[{"path": "key", "message": "Bara parametrar som området deklarerar under variables kan ändras."}],
        )
    problem = resolution.definition.area.declarations[key].problem(value)
    if problem is not None:
        raise InvalidInput("Värdet passar inte parametern.", errors=[{"path": "value", "message": problem}])
    binding_store.put_overlay(ctx.session, unit.id, area, key, value, actor_id)
    audit_store.record_change(
        ctx.session, actor_id=actor_id, entity="overlay", entity_id=f"{unit.id}/{area}/{key}", operation="set",
        after={"value": value},
    )
    return effective_config(ctx, unit_id, actor_id)


def remove_overlay(ctx: Context, unit_id: str, area: str, key: str, actor_id: str) -> dict[str, Any]:
    unit = _owned_unit(ctx, unit_id, actor_id)
    if not binding_store.delete_overlay(ctx.session, unit.id, area, key):
        raise NotFound("Enheten har inget eget värde för parametern.")
    audit_store.record_change(
        ctx.session, actor_id=actor_id, entity="overlay", entity_id=f"{unit.id}/{area}/{key}", operation="remove",
    )
    return effective_config(ctx, unit_id, actor_id)
