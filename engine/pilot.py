"""Piloting a release on chosen units: first a dry run that says, per unit, what would change in its effective
configuration (which areas move to the release, which of their files and variables change) and which open cases
could follow it (a migration dry run); then the same answer with the bindings set.

A pilot binds the intake and every area of the release at each unit, keeping the variant the unit runs when the
release has it. It moves no case: migrating open cases stays the separate, explicit POST /releases/migrate."""

from __future__ import annotations

from typing import Any

from engine.bindings import INTAKE, bind, owned_unit, resolve, resolve_intake, unit_variables
from engine.context import Context
from engine.definitions.release import STANDARD, Release
from engine.errors import NoActiveConfiguration, NotFound
from engine.case_upgrade import migrate_cases
from engine.store import releases as release_store
from engine.store.models import ReleaseRecord, Unit
from engine.studio import area_files

__all__ = ["pilot"]


def _changed_files(before: ReleaseRecord | None, after: ReleaseRecord, area: str) -> list[dict[str, str]]:
    old = before.files if before is not None else {}
    paths = sorted(set(area_files(list(old), area)) | set(area_files(list(after.files), area)))
    changes = []
    for path in paths:
        if path not in old:
            changes.append({"path": path, "change": "added"})
        elif path not in after.files:
            changes.append({"path": path, "change": "removed"})
        elif old[path] != after.files[path]:
            changes.append({"path": path, "change": "changed"})
    return changes


def _intake_diff(ctx: Context, unit: Unit, record: ReleaseRecord) -> dict[str, Any]:
    try:
        before: ReleaseRecord | None = resolve_intake(ctx, unit)[0]
    except NoActiveConfiguration:
        before = None
    return {
        "area": INTAKE, "from_release": before.hash if before else None, "to_release": record.hash,
        "from_variant": STANDARD if before else None, "to_variant": STANDARD,
        "files": _changed_files(before, record, INTAKE), "variables": [], "migration": None,
    }


def _area_diff(ctx: Context, unit: Unit, record: ReleaseRecord, release: Release, area: str,
               actor_id: str) -> dict[str, Any]:
    try:
        current = resolve(ctx, unit, area)
    except NoActiveConfiguration:
        current = None
    variant = current.definition.variant if current and (area, current.definition.variant) in release.variants \
        else STANDARD
    definition = release.variants[(area, variant)]
    before_values = current.variables if current else {}
    after_values = unit_variables(ctx, unit, definition)
    variables = [
        {"key": key,
         "before": before_values[key].value if key in before_values else None,
         "after": after_values[key].value if key in after_values else None,
         "from_unit": after_values[key].from_unit if key in after_values else None}
        for key in sorted(set(before_values) | set(after_values))
        if (before_values[key].value if key in before_values else None)
        != (after_values[key].value if key in after_values else None)
    ]
    same = current is not None and current.record.id == record.id and current.definition.variant == variant
    migration = None if same else migrate_cases(ctx, area, record.hash, unit.id, actor_id, dry_run=True)["cases"]
    return {
        "area": area,
        "from_release": current.record.hash if current else None, "to_release": record.hash,
        "from_variant": current.definition.variant if current else None, "to_variant": variant,
        "files": _changed_files(current.record if current else None, record, area),
        "variables": variables, "migration": migration,
    }


def pilot(ctx: Context, release_hash: str, unit_ids: list[str], actor_id: str, dry_run: bool) -> dict[str, Any]:
    """Per unit the configuration diff and the migration dry run; without dry_run the bindings are then set."""
    record = release_store.release_by_hash(ctx.session, release_hash)
    if record is None:
        raise NotFound("Releasen finns inte.")
    release = ctx.release(record)
    units = [owned_unit(ctx, unit_id, actor_id) for unit_id in dict.fromkeys(unit_ids)]
    answer: list[dict[str, Any]] = []
    for unit in units:
        changes = [_intake_diff(ctx, unit, record)]
        changes += [_area_diff(ctx, unit, record, release, area, actor_id) for area in sorted(release.areas)]
        answer.append({"unit_id": unit.id, "unit_name": unit.name, "areas": changes})
    if not dry_run:
        for unit, result in zip(units, answer):
            for change in result["areas"]:
                if (change["from_release"], change["from_variant"]) != (record.hash, change["to_variant"]):
                    bind(ctx, unit, change["area"], record, change["to_variant"], actor_id)
    return {"release": record.hash, "dry_run": dry_run, "units": answer}
