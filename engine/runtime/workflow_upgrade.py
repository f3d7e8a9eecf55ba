"""Moving an open workflow to a newer version of its process: safe only when no task that already ran
(COMPLETED or STARTED) was changed or removed in the new version."""

from __future__ import annotations

from SpiffWorkflow.bpmn import BpmnWorkflow
from SpiffWorkflow.bpmn.specs.bpmn_process_spec import BpmnProcessSpec
from SpiffWorkflow.bpmn.util.diff import WorkflowDiff, diff_workflow, migrate_workflow
from SpiffWorkflow.util.task import TaskState

from engine.runtime.serializer import spec_registry
from typing import Any

from engine.runtime.workflow import add_missing_data, advance

__all__ = ["blocking_tasks", "migrate"]

_RAN = TaskState.COMPLETED | TaskState.STARTED


def _diffs(
    workflow: BpmnWorkflow, spec: BpmnProcessSpec, subprocess_specs: dict[str, BpmnProcessSpec]
) -> tuple[WorkflowDiff, dict[object, WorkflowDiff | None]]:
    diffs: tuple[WorkflowDiff, dict[object, WorkflowDiff | None]] = diff_workflow(
        spec_registry(), workflow, spec, subprocess_specs)
    return diffs


def blocking_tasks(
    workflow: BpmnWorkflow, spec: BpmnProcessSpec, subprocess_specs: dict[str, BpmnProcessSpec]
) -> list[str]:
    """BPMN ids of tasks that ran and whose definition changed or disappeared; empty means safe to move."""
    top, subprocesses = _diffs(workflow, spec, subprocess_specs)
    blocking = [t.task_spec.name for t in top.changed + top.removed if t.has_state(_RAN)]
    for sp_id, diff in subprocesses.items():
        if diff is None:
            blocking.append(workflow.subprocesses[sp_id].spec.name)
        else:
            blocking.extend(t.task_spec.name for t in diff.changed + diff.removed if t.has_state(_RAN))
    return sorted(set(blocking))


def migrate(workflow: BpmnWorkflow, spec: BpmnProcessSpec, subprocess_specs: dict[str, BpmnProcessSpec],
            missing: dict[str, Any]) -> None:
    """Re-point the workflow at the new spec; ready and waiting tasks are re-predicted from it and given the
    `missing` values (the new release's variables, facts older cases never got) before anything runs on."""
    top, subprocesses = _diffs(workflow, spec, subprocess_specs)
    migrate_workflow(top, workflow, spec)
    for sp_id, diff in subprocesses.items():
        if diff is not None:
            sub = workflow.subprocesses[sp_id]
            migrate_workflow(diff, sub, subprocess_specs[sub.spec.name])
    workflow.subprocess_specs = subprocess_specs
    add_missing_data(workflow, missing)
    advance(workflow)
