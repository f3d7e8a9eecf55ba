"""Opt-in migration of open cases to a newer release: a dry run that says, per case, whether it can move
safely, and a run that moves the safe ones. Both answer the same question the same way; only the run writes."""

from __future__ import annotations

from typing import Any

from engine.cases import case_facts, definition_of, load_workflow, save_step
from engine.bindings import entity_release, owned_unit, unit_variables
from engine.context import Context
from engine.definitions.release import Release
from engine.rules.access import covers
from engine.runtime import workflow_upgrade
from engine.store import audit as audit_store
from engine.store import cases as case_store
from engine.store import org as org_store
from engine.store.models import AreaCase, ReleaseRecord, Unit

__all__ = ["migrate_cases"]


def migrate_cases(ctx: Context, area: str, release_hash: str, unit_id: str, actor_id: str,
                  dry_run: bool) -> dict[str, Any]:
    """Open cases of `area` handled under `unit_id`, a unit the actor owns."""
    unit = owned_unit(ctx, unit_id, actor_id)
    target = entity_release(ctx, unit, release_hash)
    release = ctx.release(target)
    results = [
        _one(ctx, case, target, release, actor_id, dry_run)
        for case in case_store.open_cases(ctx.session, area, exclude_release_id=target.id)
        if covers(unit.path, case.unit_path)
    ]
    return {"area": area, "release": target.hash, "unit_id": unit.id, "dry_run": dry_run, "cases": results}


def _one(ctx: Context, case: AreaCase, target: ReleaseRecord, release: Release, actor_id: str,
         dry_run: bool) -> dict[str, Any]:
    result: dict[str, Any] = {"event_number": case.event.number, "event_title": case.event.title,
                              "case_id": case.id, "variant": case.variant}
    new_definition = release.variants.get((case.area, case.variant))
    if new_definition is None:
        return {**result, "safe": False, "moved": False, "blocking": [], "reason": "Varianten saknas i releasen."}
    old_record, old_definition = definition_of(ctx, case)
    workflow = load_workflow(ctx, case, old_definition)
    blocking = workflow_upgrade.blocking_tasks(workflow, new_definition.spec, new_definition.subprocess_specs)
    result.update(from_release=old_record.hash, safe=not blocking, blocking=blocking, moved=False)
    if blocking or dry_run:
        return result
    missing = {key: r.value for key, r in unit_variables(ctx, _unit(ctx, case), new_definition).items()}
    workflow_upgrade.migrate(workflow, new_definition.spec, new_definition.subprocess_specs,
                              {**missing, **case_facts(case.event)})
    case.release_id = target.id
    save_step(ctx, case, case.event, new_definition, workflow)
    audit_store.record_change(
        ctx.session, actor_id=actor_id, entity="area_case", entity_id=case.id, operation="migrate", event=case.event,
        before={"release": old_record.hash}, after={"release": target.hash},
    )
    return {**result, "moved": True}


def _unit(ctx: Context, case: AreaCase) -> Unit:
    unit = org_store.get_unit(ctx.session, case.unit_id)
    assert unit is not None  # the foreign key guarantees it
    return unit
