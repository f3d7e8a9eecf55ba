"""Worklists and task work: claim, release, assign, complete.

Completing checks, in order: the task exists and the actor may see it, the actor holds the lane's role on the
case's unit, the case is the version the actor saw, the task is READY and manual (SpiffWorkflow does not check),
the data passes the task's form with every error reported, and closure rules hold on any path that closes the
case. Only then is the step written, in one transaction with the task index, timers, decisions and audit.
"""

from __future__ import annotations

from typing import Any

from engine import facts, links, moves, notifications, reported_events
from engine.access import case_access, grants_of
from engine.actionplans import track_plan
from engine.cases import closure_state, definition_of, ensure_closable, load_workflow, save_step
from engine.context import Context
from engine.definitions.forms import swedish_errors
from engine.errors import InvalidInput, NotFound, PermissionDenied, StaleWrite, TaskNotReady
from engine.rules.access import Grant, acting_for, covers, roles_at
from engine.runtime import workflow as runtime
from engine.store import audit as audit_store
from engine.store import cases as case_store
from engine.store import org as org_store
from engine.store import tasks as task_store
from engine.store.models import AreaCase, Decision, TaskRow
from engine.views import case_view, task_view

__all__ = ["task_for", "worklist", "get_task", "claim", "release", "assign", "complete"]


def worklist(ctx: Context, actor_id: str, scope: str, limit: int = 50, offset: int = 0, area: str | None = None,
             unit_id: str | None = None, overdue: bool = False) -> list[dict[str, Any]]:
    """The actor's tasks, optionally only one area's, under one unit, or past their due time. 'available': the
    pool of the actor's roles, a deputy's included; 'mine': tasks assigned to the actor, and to the principals
    they stand in for in the task's role."""
    unit_path = None
    if unit_id is not None:
        unit = org_store.get_unit(ctx.session, unit_id)
        if unit is None:
            raise InvalidInput("Enheten finns inte.", errors=[{"path": "unit", "message": "Enheten finns inte."}])
        unit_path = unit.path
    narrow = task_store.TaskFilter(area, unit_path, ctx.clock() if overdue else None)
    grants = grants_of(ctx, actor_id)
    principals = sorted({g.on_behalf_of for g in grants if g.on_behalf_of})
    rows = task_store.worklist(ctx.session, actor_id, grants, scope, limit, offset, narrow,
                               also_assigned_to=principals)
    return [_for_actor(t, grants) for t in rows
            if t.assignee_id in (None, actor_id) or acting_for(grants, t.role, t.unit_path) == t.assignee_id]


def _for_actor(row: task_store.TaskFields, grants: list[Grant]) -> dict[str, Any]:
    """The task with whom the actor would work it for (a deputy's principal), for "på uppdrag av"."""
    return {**task_view(row), "on_behalf_of": acting_for(grants, row.role, row.unit_path)}


def task_for(ctx: Context, task_id: str, actor_id: str) -> tuple[TaskRow, AreaCase]:
    """The task if the actor holds its role on its unit; a task they cannot act on is 403, one of an area case
    they cannot read is 404."""
    found = case_store.task_for_step(ctx.session, task_id)
    grants = grants_of(ctx, actor_id)
    if found is None or not any(covers(g.unit_path, found[0].unit_path) for g in grants):
        raise NotFound("Uppgiften finns inte eller så saknar du behörighet.")
    row, case, open_tasks = found
    ctx.stored_case(case.id).open_tasks = open_tasks  # a step of the case need not read them again
    if row.role not in roles_at(grants, row.unit_path):
        if not case_access(ctx, grants, case).read:
            raise NotFound("Uppgiften finns inte eller så saknar du behörighet.")
        raise PermissionDenied(f"Uppgiften kräver rollen '{row.role}' på enheten.", required_role=row.role)
    ctx.on_behalf_of = acting_for(grants, row.role, row.unit_path)
    return row, case


def _open_task_for(ctx: Context, task_id: str, actor_id: str) -> tuple[TaskRow, AreaCase]:
    row, case = task_for(ctx, task_id, actor_id)
    if row.ended_at is not None:
        raise TaskNotReady("Uppgiften är redan avslutad.", outcome=row.outcome)
    return row, case


def get_task(ctx: Context, task_id: str, actor_id: str) -> dict[str, Any]:
    """The task's form and the case data as the actor may see it: a lane role works its task even on a restricted
    case, but sees protected values only where the area grants them."""
    row, case = task_for(ctx, task_id, actor_id)
    grants = grants_of(ctx, actor_id)
    access = case_access(ctx, grants, case)
    definition = access.definition
    info = definition.user_tasks[row.spec_name]
    form = access.release.forms.get(info.form, case.area, info.ui_form) if info.form else None
    if case.event.has_patient_data and access.protected:
        audit_store.record_read(ctx.session, actor_id=actor_id, event=case.event, purpose=f"uppgift {row.spec_name}")
    return {
        **_for_actor(row, grants),
        "instructions": info.instructions,
        "schema": moves.offer_units(ctx, case, definition, form) if form else None,
        "ui_schema": form.ui_schema if form else None,
        "data": access.data(),
        "case_version": case.version,
    }


def _audit_task(ctx: Context, row: TaskRow, case: AreaCase, actor_id: str, operation: str, **after: Any) -> None:
    audit_store.record_change(
        ctx.session,
        actor_id=actor_id,
        on_behalf_of=ctx.on_behalf_of,
        entity="task",
        entity_id=row.id,
        operation=operation,
        event=case.event,
        after={"task": row.spec_name, **after},
    )


def claim(ctx: Context, task_id: str, actor_id: str) -> dict[str, Any]:
    row, case = _open_task_for(ctx, task_id, actor_id)
    if row.assignee_id == actor_id:
        return task_view(row)
    if row.assignee_id is not None or not task_store.swap_assignee(ctx.session, row, None, actor_id):
        raise TaskNotReady("Uppgiften är redan tagen av någon annan.", assignee=row.assignee_id)
    _audit_task(ctx, row, case, actor_id, "claim", assignee=actor_id)
    return task_view(row)


def release(ctx: Context, task_id: str, actor_id: str) -> dict[str, Any]:
    row, case = _open_task_for(ctx, task_id, actor_id)
    if row.assignee_id != actor_id or not task_store.swap_assignee(ctx.session, row, actor_id, None):
        raise TaskNotReady("Du har inte tagit uppgiften.")
    _audit_task(ctx, row, case, actor_id, "release")
    return task_view(row)


def assign(ctx: Context, task_id: str, actor_id: str, user_id: str) -> dict[str, Any]:
    row, case = _open_task_for(ctx, task_id, actor_id)
    if org_store.get_user(ctx.session, user_id) is None:
        raise InvalidInput("Okänd användare.", errors=[{"path": "user", "message": "Användaren finns inte."}])
    if row.role not in roles_at(grants_of(ctx, user_id), row.unit_path):
        raise InvalidInput(
            "Användaren saknar rollen uppgiften kräver.",
            errors=[{"path": "user", "message": f"Användaren saknar rollen '{row.role}' på enheten."}],
        )
    before = row.assignee_id
    if not task_store.swap_assignee(ctx.session, row, before, user_id):
        raise StaleWrite("Uppgiften tilldelades samtidigt av någon annan. Ladda om och försök igen.")
    _audit_task(ctx, row, case, actor_id, "assign", assignee=user_id, previous=before)
    notifications.task_assigned(ctx, case.event, row, actor_id)
    return task_view(row)


def complete(
    ctx: Context, task_id: str, actor_id: str, data: Any, expected_version: int | None = None
) -> dict[str, Any]:
    row, case = task_for(ctx, task_id, actor_id)
    if expected_version is not None and expected_version != case.version:
        raise StaleWrite()
    if row.ended_at is not None:
        raise TaskNotReady("Uppgiften är redan avslutad.", outcome=row.outcome)
    if row.assignee_id not in (None, actor_id) and row.assignee_id != acting_for(
            grants_of(ctx, actor_id), row.role, row.unit_path):  # a deputy finishes what the principal took
        raise TaskNotReady("Uppgiften är tagen av någon annan.", assignee=row.assignee_id)
    record, definition = definition_of(ctx, case)
    workflow = load_workflow(ctx, case, definition)
    task = runtime.ready_task(workflow, task_id)
    info = definition.user_tasks[task.task_spec.name]
    form = ctx.release(record).forms.get(info.form, case.area, info.ui_form) if info.form else None
    if form is not None:
        errors = swedish_errors(form, data)
        if errors:
            raise InvalidInput("Formuläret innehåller fel.", errors=errors)
    elif data not in ({}, None):
        raise InvalidInput("Uppgiften har inget formulär.", errors=[{"path": "", "message": "Inga uppgifter väntas."}])
    refs = links.check_form_refs(ctx, case.event, form, data, actor_id) if form is not None else []
    move = moves.check_units(ctx, case, definition, form, data, actor_id) if form is not None else None
    data = form.with_defaults(data) if form is not None else {}
    if form is not None and form.report_events:
        data, reported = reported_events.report_events(ctx, case, form, data, actor_id)
        refs += reported
    track_plan(ctx, case, form, data, info.spec_name, actor_id)  # before the closing check: new items block it
    decision = form.decision if form is not None else None
    decisions = {decision} if decision else set()
    closure = None  # decisions and actions as read for the closing check; nothing below changes them before
    if info.spec_name in definition.area.closing_tasks:  # the check after the workflow completed
        closure = closure_state(ctx, case)
        ensure_closable(ctx, case, definition, {**case.data, **data}, decisions, closure)
    # A move hands the case over with the new unit's clocks: the restarted triage runs on its SLA, not the old one.
    runtime.complete_task(workflow, task, {**move.variables, **data} if move is not None else data)
    if workflow.completed:
        ensure_closable(ctx, case, definition, runtime.current_data(workflow), decisions, closure)
    if decision:
        _record_decision(ctx, case, decision, data.get(decision) or {}, actor_id, task_id)
    if form is not None and form.protected_values(data):
        case.event.has_patient_data = True
    links.record_form_links(ctx, case, refs, actor_id)
    if move is not None:
        moves.apply(ctx, case, move, actor_id)
    # The task ends in a conditional UPDATE (engine/store/cases.py:sync_tasks): a claim or completion racing this
    # one either lands first (and this one is stale) or waits and finds the task ended.
    completion = case_store.Completion(task_id, actor_id, row.assignee_id)
    open_tasks = save_step(ctx, case, case.event, definition, workflow, completed=completion)
    if move is not None:
        moves.end_moved_task(row, move)
        facts.refresh(ctx, cases=[case.id])  # the moved task no longer counts as the case's first step
    _audit_task(ctx, row, case, actor_id, "complete", data=form.mask_protected(data) if form else {})
    return {
        "event_number": case.event.number,
        "event_title": case.event.title,
        "event_status": case.event.status,
        "case": case_view(case, {case.area: definition.area.name}, record.hash),
        "next_tasks": [task_view(t) for t in open_tasks],
    }


def _record_decision(
    ctx: Context, case: AreaCase, kind: str, value: dict[str, Any], actor_id: str, task_id: str
) -> None:
    case_store.add_decision(
        ctx.session,
        Decision(
            area_case_id=case.id,
            event_id=case.event_id,
            kind=kind,
            value=str(value.get("varde", "")),
            reference=value.get("referens"),
            motivation=value.get("motivering"),
            decided_by=actor_id,
            task_id=task_id,
        ),
    )
