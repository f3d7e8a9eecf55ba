"""SpiffWorkflow behind a small, safe surface: start, ready user tasks, complete, timers.

SpiffWorkflow trusts its caller: `Task.run()` runs any task in any state, and engine steps run until nothing is
ready. Everything here checks state first and bounds the engine's work, so a broken or looping definition
costs one refused request, never a hung worker.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from collections.abc import Iterable
from uuid import UUID

from SpiffWorkflow.bpmn import BpmnWorkflow
from SpiffWorkflow.bpmn.specs.event_definitions.timer import TimerEventDefinition
from SpiffWorkflow.bpmn.specs.mixins.events.event_types import CatchingEvent
from SpiffWorkflow.bpmn.specs.bpmn_process_spec import BpmnProcessSpec
from SpiffWorkflow.exceptions import SpiffWorkflowException
from SpiffWorkflow.task import Task
from SpiffWorkflow.util.task import TaskState

from engine.errors import AvvikError, ProcessFault, SandboxError, TaskNotReady
from engine.runtime.script import SandboxScriptEngine

__all__ = [
    "MAX_ENGINE_STEPS",
    "MAX_ENGINE_SECONDS",
    "SCRIPT_ENGINE",
    "start_workflow",
    "ready_user_tasks",
    "finished_user_task_ids",
    "ready_task",
    "complete_task",
    "timer_due_times",
    "fire_timers",
    "current_data",
    "advance",
    "reopen",
]

# A deviation process moves a handful of automatic steps between human tasks; far more means a loop.
MAX_ENGINE_STEPS = 500
MAX_ENGINE_SECONDS = 2.0
SCRIPT_ENGINE = SandboxScriptEngine()


@dataclass(frozen=True)
class _Budget:
    deadline: float
    steps: list[int]

    def tick(self, _task: Task) -> None:
        self.steps[0] += 1
        if self.steps[0] > MAX_ENGINE_STEPS or time.monotonic() > self.deadline:
            raise ProcessFault(
                "Processen tog för många automatiska steg utan att nå en uppgift för en människa "
                "(troligen en loop i processen). Kontakta processägaren.",
                reason="step_limit",
            )


def advance(workflow: BpmnWorkflow) -> None:
    """Run automatic steps, bounded in count and time; definition faults become ProcessFault."""
    budget = _Budget(time.monotonic() + MAX_ENGINE_SECONDS, [0])
    try:
        workflow.do_engine_steps(will_complete_task=budget.tick)
    except AvvikError:
        raise
    except SpiffWorkflowException as exc:
        raise _fault(exc) from None
    except (RecursionError, MemoryError):
        raise ProcessFault("Processen blev för djup eller för stor att köra.", reason="resources") from None
    except OverflowError:  # e.g. a timer thousands of years ahead: a date Python cannot represent
        raise ProcessFault("Ett värde i processen är för stort (t.ex. en tidsfrist). Kontakta processägaren.",
                           reason="overflow") from None


def _fault(exc: BaseException) -> AvvikError:
    """Surface a sandbox refusal as itself, anything else as a located ProcessFault."""
    cause: BaseException | None = exc
    while cause is not None:
        if isinstance(cause, SandboxError):
            return cause
        # SpiffWorkflow wraps with `raise ... from` in some places and a bare `except: raise Other` in others.
        cause = getattr(cause, "exception", None) or cause.__cause__ or cause.__context__
    task = getattr(exc, "task", None)
    element = getattr(getattr(task, "task_spec", None), "bpmn_id", None)
    return ProcessFault(
        f"Processen kunde inte gå vidare vid '{element or 'okänt steg'}': {exc}. Kontakta processägaren.",
        element_id=element,
    )


def start_workflow(
    spec: BpmnProcessSpec, subprocess_specs: dict[str, BpmnProcessSpec], data: dict[str, Any]
) -> BpmnWorkflow:
    workflow = BpmnWorkflow(spec, subprocess_specs, script_engine=SCRIPT_ENGINE)
    for task in workflow.get_tasks(state=TaskState.READY):
        task.data.update(data)
    advance(workflow)
    return workflow


def ready_user_tasks(workflow: BpmnWorkflow) -> list[Task]:
    return list(workflow.get_tasks(state=TaskState.READY, manual=True))


def ready_task(workflow: BpmnWorkflow, task_id: str) -> Task:
    """The READY manual task with this id, or TaskNotReady: SpiffWorkflow itself would run any task."""
    try:
        task = workflow.get_task_from_id(UUID(task_id))
    except (ValueError, TypeError):
        task = None
    if task is None or task.state != TaskState.READY or not task.task_spec.manual:
        raise TaskNotReady()
    return task


def complete_task(workflow: BpmnWorkflow, task: Task, data: dict[str, Any]) -> None:
    task.set_data(**data)
    try:
        task.run()
    except SpiffWorkflowException as exc:
        raise _fault(exc) from None
    advance(workflow)


def reopen(workflow: BpmnWorkflow, closing_tasks: Iterable[str]) -> Task | None:
    """Make a finished case's last closing task (else its last user task) ready again, so the case is handled
    and closed anew; None if no person ever completed a task in it."""
    done = [t for t in workflow.get_tasks(state=TaskState.COMPLETED) if t.task_spec.manual]
    closing = set(closing_tasks)
    candidates = [t for t in done if t.task_spec.name in closing] or done
    if not candidates:
        return None
    task = max(candidates, key=lambda t: t.last_state_change)
    try:
        workflow.reset_from_task_id(task.id)
    except SpiffWorkflowException as exc:
        raise _fault(exc) from None
    workflow.completed = False  # SpiffWorkflow sets the flag once and never clears it itself
    advance(workflow)
    return task


def add_missing_data(workflow: BpmnWorkflow, values: dict[str, Any]) -> None:
    """Give every open task the values it lacks (keys it has keep theirs): what a case started on an older
    release never received, such as a clock variable the new release declares."""
    for task in workflow.get_tasks(state=TaskState.READY | TaskState.WAITING):
        for key, value in values.items():
            task.data.setdefault(key, value)


def current_data(workflow: BpmnWorkflow) -> dict[str, Any]:
    """The case's data as people see it: the latest completed step's data over what each open branch holds
    (parallel branches keep their own copies until they join), newer values over older ones. A branch waiting
    at a join has not copied its data yet, so its parent's counts."""
    if workflow.completed:
        return dict(workflow.last_task.data) if workflow.last_task is not None else {}
    frontier = sorted(workflow.get_tasks(state=TaskState.READY | TaskState.WAITING), key=lambda t: t.last_state_change)
    merged: dict[str, Any] = {}
    for task in frontier:
        if task.parent is not None:
            merged.update(task.parent.data)
        merged.update(task.data)
    if workflow.last_task is not None:
        merged.update(workflow.last_task.data)
    return merged


def _timer_tasks(workflow: BpmnWorkflow) -> Iterable[Task]:
    for task in list(workflow.get_tasks(state=TaskState.WAITING)):
        spec = task.task_spec
        if isinstance(spec, CatchingEvent) and isinstance(spec.event_definition, TimerEventDefinition):
            yield task


def finished_user_task_ids(workflow: BpmnWorkflow) -> frozenset[str]:
    """The person's tasks the workflow has completed or cancelled: only these can be made ready again with the
    same id (a reopened closing task); a task created later gets a new one."""
    return frozenset(str(t.id) for t in workflow.get_tasks(state=TaskState.FINISHED_MASK, manual=True))


def timer_due_times(workflow: BpmnWorkflow) -> dict[str, datetime]:
    """Waiting timers and when each fires, to be kept in the timer table."""
    due: dict[str, datetime] = {}
    for task in _timer_tasks(workflow):
        value = task.task_spec.event_definition.details(task).value
        if isinstance(value, str):
            due[str(task.id)] = TimerEventDefinition.get_datetime(value)
    return due


def fire_timers(workflow: BpmnWorkflow) -> None:
    """Let every due timer fire and advance the process."""
    try:
        workflow.refresh_timers()
    except SpiffWorkflowException as exc:
        raise _fault(exc) from None
    advance(workflow)
