"""Area cases: start one, load its workflow, check closure, and write a step (state, task index, timers,
status roll-up) in the caller's transaction."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any
from collections.abc import Iterable

from SpiffWorkflow.bpmn import BpmnWorkflow
from SpiffWorkflow.task import Task
from SpiffWorkflow.util.task import TaskState

from engine import facts, notifications
from engine.context import Context, StoredCase
from engine.definitions.forms import value_at
from engine.definitions.release import AreaDefinition
from engine.errors import ClosureBlocked
from engine.rules.closure import ActionState, RuleResult, evaluate_rules, unmet
from engine.runtime import serializer
from engine.runtime import workflow as runtime
from engine.store import actions as action_store
from engine.store import cases as case_store
from engine.store import org as org_store
from engine.store.models import AreaCase, Event, ReleaseRecord, TaskRow, Unit
from engine.rules.access import CaseStatus

__all__ = [
    "case_facts",
    "CASE_STATUS_LABELS",
    "EVENT_STATUS_LABELS",
    "start_case",
    "definition_of",
    "load_workflow",
    "save_step",
    "ClosureState",
    "closure_state",
    "closure_results",
    "ensure_closable",
    "roll_up",
]

CASE_STATUS_LABELS: dict[str, str] = {  # keyed by CaseStatus, read with the stored strings
    CaseStatus.SUBMITTED: "Inskickad",
    CaseStatus.IN_PROGRESS: "Under handläggning",
    CaseStatus.CLOSED: "Avslutad",
    CaseStatus.REMOVED: "Borttagen från området",
    CaseStatus.CULLED: "Gallrad",  # engine/records/retention.py: the content is culled, the number and dates kept
}
EVENT_STATUS_LABELS = CASE_STATUS_LABELS
_ORDER: dict[str, int] = {CaseStatus.SUBMITTED: 0, CaseStatus.IN_PROGRESS: 1, CaseStatus.CLOSED: 2}


def start_case(
    ctx: Context,
    record: ReleaseRecord,
    definition: AreaDefinition,
    variables: dict[str, Any],
    event: Event,
    data: dict[str, Any],
) -> AreaCase:
    """Start `definition` for the event; `variables` are the area's declared variables with unit overlays,
    `data` the report plus the routing facts."""
    unit = _responsible_unit(ctx, event, definition.area.responsible_unit_kind)
    initial = {**variables, **data, **case_facts(event)}
    workflow = runtime.start_workflow(definition.spec, definition.subprocess_specs, initial)
    case = AreaCase(
        event_id=event.id,
        area=definition.area.id,
        variant=definition.variant,
        unit_id=unit.id,
        unit_path=unit.path,
        release_id=record.id,
        status=CaseStatus.SUBMITTED,
        state={},
        data={},
    )
    case.event = event
    case_store.add_case(ctx.session, case)
    save_step(ctx, case, event, definition, workflow, new_case=True)
    return case


def case_facts(event: Event) -> dict[str, Any]:
    """What every case's data holds about its event; `mottagen` (receipt) starts the clocks that run from it
    (complaints)."""
    return {"event_number": event.number, "event_title": event.title, "mottagen": event.created_at.isoformat()}


def _responsible_unit(ctx: Context, event: Event, kind: str | None) -> Unit:
    event_unit = org_store.get_unit(ctx.session, event.unit_id)
    assert event_unit is not None  # the foreign key guarantees it
    if kind is None or event_unit.kind == kind:
        return event_unit
    return org_store.nearest_of_kind(ctx.session, event_unit.path, kind) or event_unit


def definition_of(ctx: Context, case: AreaCase) -> tuple[ReleaseRecord, AreaDefinition]:
    """The release and area definition the case was started on (or migrated to)."""
    record, release = ctx.release_by_id(case.release_id)
    return record, release.variants[(case.area, case.variant)]


def load_workflow(ctx: Context, case: AreaCase, definition: AreaDefinition) -> BpmnWorkflow:
    """The case's workflow: kept from this process's last step of this very version of the case, else rebuilt
    from the stored state."""
    kept = ctx.workflows.take(case.id, case.version, definition.spec) if ctx.workflows is not None else None
    workflow = kept if kept is not None else serializer.load_state(
        case.state, definition.spec, definition.subprocess_specs, runtime.SCRIPT_ENGINE, case_id=case.id)
    stored = ctx.stored_case(case.id)
    stored.timers = frozenset(runtime.timer_due_times(workflow))
    stored.finished_tasks = runtime.finished_user_task_ids(workflow)
    return workflow


def _due_at(task: Task, timers: dict[str, datetime]) -> datetime | None:
    """A user task's due time is its earliest boundary timer (siblings under SpiffWorkflow's boundary split)."""
    siblings = task.parent.children if task.parent is not None else []
    times = [timers[str(t.id)] for t in siblings if str(t.id) in timers]
    return min(times) if times else None


def save_step(
    ctx: Context,
    case: AreaCase,
    event: Event,
    definition: AreaDefinition,
    workflow: BpmnWorkflow,
    completed: case_store.Completion | None = None,
    fired: bool = False,
    new_case: bool = False,
) -> list[TaskRow]:
    """Write the workflow's new state; `completed` names the person's task that caused the step, if one did,
    `fired` says a timer did, `new_case` that start_case just added the case (no tasks or timers stored yet).
    Returns the case's open tasks. Notifies, in the same transaction, the people of each new task, the reporter
    when feedback was given and a public complainant when answered."""
    before = case.data or {}
    timers = runtime.timer_due_times(workflow)
    case.state = serializer.dump_state(workflow)
    case.data = runtime.current_data(workflow)
    if workflow.completed:
        case.status = CaseStatus.CLOSED
        case.closed_at = ctx.clock()
    elif case.status == CaseStatus.SUBMITTED and _any_human_step_done(workflow):
        case.status = CaseStatus.IN_PROGRESS
    ctx.session.flush()
    _keep_after_commit(ctx, case, workflow)
    rows = []
    for task in runtime.ready_user_tasks(workflow):
        info = definition.user_tasks[task.task_spec.name]
        unit = _task_unit(ctx, case, info.unit_field)
        rows.append(
            TaskRow(
                id=str(task.id),
                area_case_id=case.id,
                event_id=event.id,
                event_number=event.number,
                event_title=event.title,
                area=case.area,
                role=info.role,
                unit_id=unit.id if unit else case.unit_id,
                unit_path=unit.path if unit else case.unit_path,
                spec_name=info.spec_name,
                name=info.name,
                due_at=_due_at(task, timers),
            )
        )
    stored = StoredCase(frozenset(), frozenset(), []) if new_case else ctx.stored_case(case.id)
    known = (case_store.KnownTasks(stored.open_tasks, stored.finished_tasks)
             if stored.open_tasks is not None and stored.finished_tasks is not None else None)
    open_tasks = case_store.sync_tasks(ctx.session, case.id, rows, ctx.clock(), completed, known)
    case_store.replace_timers(ctx.session, case.id, timers, stored.timers)
    ctx.stored[case.id] = StoredCase(timers=frozenset(timers))  # what this step stored; its tasks are not kept
    roll_up(event)
    facts.refresh(ctx, cases=[case.id])
    # sync_tasks returns the stored row for a task that was open already and our new row for a new one
    created = [task for task, row in zip(open_tasks, rows) if task is row]
    notifications.tasks_created(ctx, case, event, definition.area, created, fired)
    notifications.feedback_given(ctx, case, before)
    notifications.complaint_answered(ctx, case, before)
    return open_tasks


def _keep_after_commit(ctx: Context, case: AreaCase, workflow: BpmnWorkflow) -> None:
    """Keep the workflow for the case's next step in this process, once this transaction committed; only if the
    state it wrote is still the case's state then (no later step in the same transaction replaced it)."""
    if ctx.workflows is None:
        return
    cache, state = ctx.workflows, case.state

    def keep() -> None:
        if case.state is state:
            cache.put(case.id, case.version, workflow)

    ctx.after_commit.append(keep)


def _task_unit(ctx: Context, case: AreaCase, field: str | None) -> Unit | None:
    """The unit a task's `avvikUnitField` names in the case data (validated by the form), if any."""
    value = value_at(case.data, field.split(".")) if field else None
    return org_store.get_unit(ctx.session, value) if isinstance(value, str) else None


def _any_human_step_done(workflow: BpmnWorkflow) -> bool:
    return any(t.task_spec.manual for t in workflow.get_tasks(state=TaskState.COMPLETED))


def roll_up(event: Event) -> None:
    """The event's status is its least advanced area case's; a case removed at triage does not count."""
    statuses = [c.status for c in event.area_cases if c.status != CaseStatus.REMOVED] or [CaseStatus.SUBMITTED]
    event.status = min(statuses, key=lambda s: _ORDER.get(s, 0))


@dataclass(frozen=True)
class ClosureState:
    """What the closure rules read besides the case data: the case's recorded decisions and its actions."""

    decisions: frozenset[str]
    actions: tuple[ActionState, ...]


def closure_state(ctx: Context, case: AreaCase) -> ClosureState:
    actions = tuple(ActionState(a.id, a.title, a.status, a.owner_id)
                    for a in action_store.actions_for_case(ctx.session, case.id))
    return ClosureState(frozenset(case_store.decision_kinds(ctx.session, case.id)), actions)


def closure_results(
    ctx: Context, case: AreaCase, definition: AreaDefinition, data: dict[str, Any], extra_decisions: Iterable[str] = (),
    state: ClosureState | None = None,
) -> list[RuleResult]:
    """The closure rules on `data`; `state` when the caller read it already in this use case and changed neither
    decisions nor actions since."""
    state = state if state is not None else closure_state(ctx, case)
    return evaluate_rules(definition.area.closure_rules, data, state.decisions | set(extra_decisions), state.actions)


def ensure_closable(
    ctx: Context, case: AreaCase, definition: AreaDefinition, data: dict[str, Any], extra_decisions: Iterable[str] = (),
    state: ClosureState | None = None,
) -> None:
    missing = unmet(closure_results(ctx, case, definition, data, extra_decisions, state))
    if missing:
        blocking = [f"#{a['id']} {a['title']} ({a['status_label']}, {a['owner'] or 'ingen ansvarig'})"
                    for m in missing for a in m.get("actions", ())]
        raise ClosureBlocked(
            "Ärendet kan inte avslutas än: " + " ".join(m["message"] for m in missing)
            + (f" Öppna åtgärder: {'; '.join(blocking)}." if blocking else ""),
            unmet=missing,
        )
