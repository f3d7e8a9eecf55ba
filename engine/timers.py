"""Firing due BPMN timers (escalations, SLA clocks). Run by `avvik worker`; safe with many workers at once:
each case is stepped in its own transaction under its version lock, so when two workers pick the same case
one writes and the other gets StaleWrite and moves on."""

from __future__ import annotations

from datetime import timedelta

from engine.cases import definition_of, ensure_closable, load_workflow, save_step
from engine.context import Context
from engine.errors import AvvikError
from engine.runtime import workflow as runtime
from engine.store import audit as audit_store
from engine.store import cases as case_store

__all__ = ["RETRY_AFTER", "due_case_ids", "fire_case", "postpone"]

# A timer whose step fails (e.g. closure blocked on a timer path) is retried later, not in a hot loop.
RETRY_AFTER = timedelta(hours=1)


def due_case_ids(ctx: Context, limit: int = 100) -> list[int]:
    return sorted({t.area_case_id for t in case_store.due_timers(ctx.session, ctx.clock(), limit)})


def fire_case(ctx: Context, case_id: int) -> None:
    """Fire the due timers of one case and write the step; AvvikError if the definition cannot advance."""
    case = case_store.case_for_step(ctx.session, case_id)
    if case is None:
        return
    _, definition = definition_of(ctx, case)
    workflow = load_workflow(ctx, case, definition)
    runtime.fire_timers(workflow)
    if workflow.completed:
        ensure_closable(ctx, case, definition, runtime.current_data(workflow))
    save_step(ctx, case, case.event, definition, workflow, fired=True)
    audit_store.record_change(
        ctx.session, actor_id=None, entity="area_case", entity_id=case_id, operation="timer", event=case.event,
        after={"ready": [t.task_spec.name for t in runtime.ready_user_tasks(workflow)]},
    )


def postpone(ctx: Context, case_id: int, error: AvvikError) -> None:
    """Leave the case as it was, retry its timers after RETRY_AFTER, and say why in the audit log."""
    case = case_store.case_by_id(ctx.session, case_id)
    if case is None:
        return
    case_store.postpone_timers(ctx.session, case_id, ctx.clock() + RETRY_AFTER)
    audit_store.record_change(
        ctx.session, actor_id=None, entity="area_case", entity_id=case_id, operation="timer_failed",
        event=case.event, after={"error": error.to_dict()},
    )
