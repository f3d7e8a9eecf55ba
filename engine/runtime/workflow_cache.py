"""Deserialized workflows kept between steps, per process: a step on a case that this process stepped last
skips rebuilding the workflow from its stored state (linear in the instance: 26 % of a step at task 200).

Keyed by (case id, version) — the case's optimistic-lock version, which every write of the case raises — so a
case that another worker (or thread) stepped since is a miss, never a stale hit. A workflow is put only after
its transaction committed, and taken out (not shared) by the step that uses it: a step that fails leaves no
half-mutated workflow behind, and two threads never hold the same one. Bounded: the least recently kept go first.
"""

from __future__ import annotations

from SpiffWorkflow.bpmn import BpmnWorkflow
from SpiffWorkflow.bpmn.specs.bpmn_process_spec import BpmnProcessSpec

from engine.lru import Lru

__all__ = ["WorkflowCache"]


class WorkflowCache:
    def __init__(self, size: int = 32) -> None:  # a 200-task instance is a few MB in memory
        self._items: Lru[int, tuple[int, BpmnWorkflow]] = Lru(size)

    def take(self, case_id: int, version: int, spec: BpmnProcessSpec) -> BpmnWorkflow | None:
        """The workflow at exactly this version of the case, on this spec, removed from the cache; else None."""
        kept = self._items.pop(case_id)
        if kept is None or kept[0] != version or kept[1].spec is not spec:
            return None
        return kept[1]

    def put(self, case_id: int, version: int, workflow: BpmnWorkflow) -> None:
        self._items.put(case_id, (version, workflow))
