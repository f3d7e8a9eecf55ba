"""Per-unit configuration: which release and variant of each area a unit's new cases start on (bindings), and
unit values for an area's declared variables (overlays). Both inherit down the org tree, and the effective
value is always explained: where it came from.

Publishing a release activates nothing: a unit runs only what a binding on it or an ancestor names (a region
root's binding is the region's default), and a process owner binds only where they hold the owner role. The
intake form and routing table are bound like an area, under the key INTAKE."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from engine.access import OWNER_ROLE, grants_of
from engine.context import Context
from engine.entities import entities_of
from engine.rules.legal_entity import legal_entity
from engine.definitions.release import STANDARD, AreaDefinition, Release
from engine.errors import InvalidInput, NoActiveConfiguration, NotFound, PermissionDenied, StaleWrite
from engine.rules.access import roles_at
from engine.rules.inheritance import Resolved, ancestry, merged_variables, nearest
from engine.store import audit as audit_store
from engine.store import bindings as binding_store
from engine.store import entities as entity_store
from engine.store import org as org_store
from engine.store import releases as release_store
from engine.store.models import ReleaseRecord, Unit

__all__ = [
    "INTAKE",
    "owned_unit",
    "require_owner",
    "owned_release",
    "bind",
    "entity_release",
    "resolve_intake",
    "activate_release",
    "Resolution",
    "resolve",
    "unit_variables",
    "effective_config",
    "set_binding",
    "remove_binding",
    "set_overlay",
    "remove_overlay",
]

INTAKE = "intake"  # binding key of the intake form and routing table (processes/intake.yaml)


@dataclass(frozen=True)
class Resolution:
    record: ReleaseRecord
    release: Release
    definition: AreaDefinition
    binding_from: str  # unit id whose binding applies
    variables: dict[str, Resolved]

    def initial_data(self) -> dict[str, Any]:
        return {key: resolved.value for key, resolved in self.variables.items()}


def _binding(ctx: Context, unit: Unit, key: str) -> Resolved:
    chain = ancestry(unit.path)
    bound = nearest(chain, {b.unit_id: b for b in binding_store.bindings_for(ctx.session, chain, key)})
    if bound is None:
        raise NoActiveConfiguration(unit_id=unit.id, area=key)
    return bound


def resolve(ctx: Context, unit: Unit, area: str) -> Resolution:
    """What a new case of `area` at `unit` starts on: the nearest binding up the tree, else no_active_configuration."""
    bound = _binding(ctx, unit, area)
    record, release = ctx.release_by_id(bound.value.release_id)
    definition = release.variants.get((area, bound.value.variant))
    if definition is None:  # set_binding checks this; a hand-edited database could still get here
        raise NoActiveConfiguration("Den bundna releasen saknar området eller varianten.", unit_id=unit.id, area=area)
    return Resolution(record, release, definition, str(bound.from_unit), unit_variables(ctx, unit, definition))


def unit_variables(ctx: Context, unit: Unit, definition: AreaDefinition) -> dict[str, Resolved]:
    """The variables `definition` declares, with the overlays set on `unit` and its ancestors: what a case of
    that definition handled at `unit` runs on (at its start, after a move, after a migration)."""
    chain = ancestry(unit.path)
    declared = definition.area.declarations
    overlays: dict[str, dict[str, Any]] = {}
    for overlay in binding_store.overlays_for(ctx.session, chain, definition.area.id):
        value = overlay.value["value"]
        # A value this release's declaration refuses (stored before the check, or the bounds narrowed since)
        # is passed over: the unit inherits as if it had none, and no case starts on an unusable value.
        if overlay.key in declared and declared[overlay.key].problem(value) is None:
            overlays.setdefault(overlay.unit_id, {})[overlay.key] = value
    return merged_variables(chain, definition.area.variables, overlays)


def resolve_intake(ctx: Context, unit: Unit | None) -> tuple[ReleaseRecord, Release]:
    """The release whose intake form and routing table a report at `unit` goes through; with no unit (a form
    shown before the unit is chosen), the newest release bound for intake anywhere."""
    if unit is not None:
        return ctx.release_by_id(_binding(ctx, unit, INTAKE).value.release_id)
    active = binding_store.active_release_ids(ctx.session, INTAKE)
    if not active:
        raise NoActiveConfiguration(area=INTAKE)
    return ctx.release_by_id(active[-1])


def owned_unit(ctx: Context, unit_id: str, actor_id: str) -> Unit:
    unit = org_store.get_unit(ctx.session, unit_id)
    if unit is None:
        raise NotFound("Enheten finns inte.")
    if OWNER_ROLE not in roles_at(grants_of(ctx, actor_id), unit.path):
        raise PermissionDenied("Konfigurationen kräver rollen processägare på enheten.")
    return unit


def require_owner(ctx: Context, actor_id: str) -> set[str]:
    """The process owner role on some unit: what reading and publishing definitions takes. The legal entities
    the actor owns processes in."""
    owned = entities_of(grants_of(ctx, actor_id), OWNER_ROLE)
    if not owned:
        raise PermissionDenied("Att arbeta med definitioner kräver rollen processägare.")
    return owned


def owned_release(ctx: Context, release_hash: str, actor_id: str) -> ReleaseRecord:
    """A release of a legal entity the actor owns processes in; another entity's is as unknown as a missing one."""
    owned = require_owner(ctx, actor_id)
    record = release_store.release_by_hash(ctx.session, release_hash)
    if record is None or not owned & entity_store.release_owners(ctx.session, record.id):
        raise NotFound("Releasen finns inte.")
    return record
def entity_release(ctx: Context, unit: Unit, release_hash: str) -> ReleaseRecord:
    """A release the unit's legal entity owns; another entity's release is as unknown as a missing one."""
    record = release_store.release_by_hash(ctx.session, release_hash) if isinstance(release_hash, str) else None
    if record is None or legal_entity(unit.path) not in entity_store.release_owners(ctx.session, record.id):
        raise InvalidInput("Releasen finns inte.", errors=[{"path": "release", "message": "Okänd release."}])
    return record


def effective_config(ctx: Context, unit_id: str, actor_id: str, only: str | None = None) -> dict[str, Any]:
    """Every area's configuration at the unit, or only one area's (or only the intake's); an area the newest
    release lacks is 404."""
    unit = owned_unit(ctx, unit_id, actor_id)
    _, newest = ctx.current_release()
    if only is not None and only != INTAKE and only not in newest.areas:
        raise NotFound(f"Området '{only}' finns inte.")
    areas: list[dict[str, Any]] = []
    for area in sorted(newest.areas) if only is None else [a for a in [only] if a != INTAKE]:
        try:
            resolution = resolve(ctx, unit, area)
        except NoActiveConfiguration as exc:
            areas.append({"area": area, "error": exc.message})
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
    try:
        record, _ = resolve_intake(ctx, unit)
        intake: dict[str, Any] = {"release": record.hash, "release_label": record.label}
    except NoActiveConfiguration as exc:
        intake = {"error": exc.message}
    return {"unit_id": unit.id, "intake": intake, "areas": areas}


def set_binding(
    ctx: Context, unit_id: str, area: str, release_hash: str, variant: str, actor_id: str
) -> dict[str, Any]:
    unit = owned_unit(ctx, unit_id, actor_id)
    record = entity_release(ctx, unit, release_hash)
    if area == INTAKE and variant != STANDARD:
        raise InvalidInput("Intaget har bara standardvarianten.",
                           errors=[{"path": "variant", "message": f"Använd '{STANDARD}'."}])
    if area != INTAKE and (area, variant) not in ctx.release(record).variants:
        raise InvalidInput(
            "Releasen saknar området eller varianten.",
            errors=[{"path": "variant", "message": f"'{area}/{variant}' finns inte i releasen."}],
        )
    bind(ctx, unit, area, record, variant, actor_id)
    return effective_config(ctx, unit_id, actor_id)


def bind(ctx: Context, unit: Unit, area: str, record: ReleaseRecord, variant: str, actor_id: str | None) -> None:
    """Set the unit's own binding by compare-and-set against what was read: a concurrent change is 409 stale."""
    current = binding_store.get_binding(ctx.session, unit.id, area)
    expected = (current.release_id, current.variant) if current is not None else None
    if not binding_store.swap_binding(ctx.session, unit.id, area, expected, record.id, variant, actor_id or "operator"):
        raise StaleWrite("Bindningen ändrades samtidigt av någon annan. Ladda om och försök igen.")
    before = None
    if expected is not None:
        before_record = release_store.release_by_id(ctx.session, expected[0])
        before = {"release": before_record.hash if before_record else None, "variant": expected[1]}
    audit_store.record_change(
        ctx.session, actor_id=actor_id, entity="binding", entity_id=f"{unit.id}/{area}", operation="set",
        unit_path=unit.path,
        before=before, after={"release": record.hash, "variant": variant},
    )


def remove_binding(ctx: Context, unit_id: str, area: str, actor_id: str) -> dict[str, Any]:
    unit = owned_unit(ctx, unit_id, actor_id)
    if not binding_store.delete_binding(ctx.session, unit.id, area):
        raise NotFound("Enheten har ingen egen bindning för området.")
    audit_store.record_change(
        ctx.session, actor_id=actor_id, entity="binding", entity_id=f"{unit.id}/{area}", operation="remove",
        unit_path=unit.path,
    )
    return effective_config(ctx, unit_id, actor_id)


def set_overlay(ctx: Context, unit_id: str, area: str, key: str, value: Any, actor_id: str) -> dict[str, Any]:
    unit = owned_unit(ctx, unit_id, actor_id)
    try:
        resolution: Resolution | None = resolve(ctx, unit, area)
    except NoActiveConfiguration:
        resolution = None  # an area the unit does not run has no variables to set
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
        unit_path=unit.path,
        after={"value": value},
    )
    return effective_config(ctx, unit_id, actor_id)


def remove_overlay(ctx: Context, unit_id: str, area: str, key: str, actor_id: str) -> dict[str, Any]:
    unit = owned_unit(ctx, unit_id, actor_id)
    if not binding_store.delete_overlay(ctx.session, unit.id, area, key):
        raise NotFound("Enheten har inget eget värde för parametern.")
    audit_store.record_change(
        ctx.session, actor_id=actor_id, entity="overlay", entity_id=f"{unit.id}/{area}/{key}", operation="remove",
        unit_path=unit.path,
    )
    return effective_config(ctx, unit_id, actor_id)


def activate_release(ctx: Context, release_hash: str, unit_id: str, actor_id: str | None) -> dict[str, Any]:
    """Bind the intake and every area (standard variant) of a release at a unit: how a region goes live on a
    release. With an actor, only on a unit they own and a release of its entity; without one, the operator's
    CLI, which also gives the release to the unit's entity."""
    unit = owned_unit(ctx, unit_id, actor_id) if actor_id is not None else org_store.get_unit(ctx.session, unit_id)
    if unit is None:
        raise NotFound("Enheten finns inte.")
    if actor_id is not None:
        record = entity_release(ctx, unit, release_hash)
    else:
        found = release_store.release_by_hash(ctx.session, release_hash)
        if found is None:
            raise InvalidInput("Releasen finns inte.", errors=[{"path": "release", "message": "Okänd release."}])
        record = found
        entity_store.own_release(ctx.session, record.id, legal_entity(unit.path))
    for area in [INTAKE, *sorted(ctx.release(record).areas)]:
        bind(ctx, unit, area, record, STANDARD, actor_id)
    return {"unit_id": unit.id, "release": record.hash, "areas": [INTAKE, *sorted(ctx.release(record).areas)]}
