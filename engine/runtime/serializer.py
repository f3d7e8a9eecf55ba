"""Workflow state without the embedded spec.

SpiffWorkflow embeds the whole process spec in every serialized instance (most of the blob). Specs belong to
the release, which is stored once, so the stored state holds only tasks and data, and is re-joined with the
release's parsed spec when loaded. STATE_VERSION versions our stored shape: a change of shape bumps it and
adds one named migration step beside `load_state`.
"""

from __future__ import annotations

from copy import copy
from typing import Any
from uuid import UUID

from SpiffWorkflow.bpmn import BpmnWorkflow
from SpiffWorkflow.bpmn.script_engine import PythonScriptEngine
from SpiffWorkflow.bpmn.serializer.default.workflow import BpmnWorkflowConverter, WorkflowConverter
from SpiffWorkflow.bpmn.serializer.workflow import BpmnWorkflowSerializer
from SpiffWorkflow.bpmn.specs.bpmn_process_spec import BpmnProcessSpec
from SpiffWorkflow.spiff.serializer.config import SPIFF_CONFIG

from engine.errors import StateUnreadable

__all__ = ["STATE_VERSION", "dump_state", "load_state", "spec_registry"]

STATE_VERSION = 1


class _SpecFreeWorkflowConverter(BpmnWorkflowConverter):
    def to_dict(self, workflow: BpmnWorkflow) -> dict[str, Any]:
        dct: dict[str, Any] = WorkflowConverter.to_dict(self, workflow)
        dct["subprocesses"] = self.mapping_to_dict(workflow.subprocesses)
        dct["bpmn_events"] = self.registry.convert(workflow.bpmn_events)
        return dct

    def from_dict(
        self,
        dct: dict[str, Any],
        spec: BpmnProcessSpec,
        subprocess_specs: dict[str, BpmnProcessSpec],
        script_engine: PythonScriptEngine,
    ) -> BpmnWorkflow:
        dct = copy(dct)
        # The script engine is passed in, never defaulted: SpiffWorkflow's default is plain eval/exec.
        workflow = self.target_class(spec, subprocess_specs, script_engine=script_engine, deserializing=True)
        workflow.tasks = self.mapping_from_dict(dct["tasks"], UUID, workflow=workflow)
        workflow.task_tree = workflow.tasks.get(UUID(dct["root"]))
        self.set_default_attributes(workflow, dct)
        self.subprocesses_from_dict(dict(dct["subprocesses"]), workflow)
        workflow.bpmn_events = self.registry.restore(dct.get("bpmn_events", []))
        return workflow


_config = dict(SPIFF_CONFIG)
_config[BpmnWorkflow] = _SpecFreeWorkflowConverter
_serializer = BpmnWorkflowSerializer(BpmnWorkflowSerializer.configure(_config))


def dump_state(workflow: BpmnWorkflow) -> dict[str, Any]:
    """JSON-native state of a workflow, without its spec."""
    return {"v": STATE_VERSION, "wf": _serializer.to_dict(workflow)}


def load_state(
    state: dict[str, Any],
    spec: BpmnProcessSpec,
    subprocess_specs: dict[str, BpmnProcessSpec],
    script_engine: PythonScriptEngine,
    case_id: int | None = None,
) -> BpmnWorkflow:
    """The workflow saved by dump_state; StateUnreadable (naming the case) if it was saved in another format."""
    version = state.get("v") if isinstance(state, dict) else None
    if version != STATE_VERSION:
        # e.g. written by a newer avvik after a rollback of the server: refuse, never guess
        raise StateUnreadable(
            f"Ärende {case_id}: det sparade läget har formatversion {version!r}, men den här versionen av avvik "
            f"läser bara version {STATE_VERSION}. Ingenting ändrades. Kontakta förvaltningen.",
            area_case_id=case_id, version=version, supported=STATE_VERSION,
        )
    return _serializer.from_dict(
        state["wf"], spec=spec, subprocess_specs=subprocess_specs, script_engine=script_engine
    )


def spec_registry() -> Any:
    """The serializer's registry, which SpiffWorkflow's spec diff uses to compare task specs."""
    return _serializer.registry
