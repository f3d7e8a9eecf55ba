"""The in-process floor: a case run in bare SpiffWorkflow, with nothing of avvik around it but the parsed spec and
the sandbox script engine. Optionally every step is serialized with SpiffWorkflow's own serializer (SPIFF_CONFIG,
spec included) and written as one row with one commit through the plain database driver."""

from __future__ import annotations

import sqlite3
import time
from dataclasses import dataclass, field
from typing import Any
from collections.abc import Callable

import psycopg
from SpiffWorkflow.bpmn import BpmnWorkflow
from SpiffWorkflow.bpmn.serializer.workflow import BpmnWorkflowSerializer
from SpiffWorkflow.spiff.serializer.config import SPIFF_CONFIG
from SpiffWorkflow.util.task import TaskState

from bench.databases import Backend
from engine.definitions.release import AreaDefinition
from engine.runtime.workflow import SCRIPT_ENGINE

__all__ = ["StateTable", "FloorCase", "run_floor_case"]

_SERIALIZER = BpmnWorkflowSerializer(BpmnWorkflowSerializer.configure(SPIFF_CONFIG))


class StateTable:
    """One row per case in `bench_floor_state`, rewritten and committed after each step, with the same durability
    settings as the engine's connections (SQLite: WAL, synchronous=NORMAL, BEGIN IMMEDIATE)."""

    def __init__(self, backend: Backend) -> None:
        self.backend = backend
        if backend.name == "sqlite":
            self._sqlite = sqlite3.connect(backend.dsn, isolation_level=None)
            for pragma in ("journal_mode=WAL", "synchronous=NORMAL", "busy_timeout=10000"):
                self._sqlite.execute(f"PRAGMA {pragma}")
            self._sqlite.execute("CREATE TABLE IF NOT EXISTS bench_floor_state (id INTEGER PRIMARY KEY, state TEXT)")
        else:
            self._pg = psycopg.connect(backend.dsn)
            self._pg.execute("CREATE TABLE IF NOT EXISTS bench_floor_state (id serial PRIMARY KEY, state json)")
            self._pg.commit()

    def insert(self, state: str) -> int:
        if self.backend.name == "sqlite":
            self._sqlite.execute("BEGIN IMMEDIATE")
            row_id = self._sqlite.execute("INSERT INTO bench_floor_state (state) VALUES (?)", (state,)).lastrowid
            self._sqlite.execute("COMMIT")
            return int(row_id or 0)
        row = self._pg.execute("INSERT INTO bench_floor_state (state) VALUES (%s) RETURNING id", (state,)).fetchone()
        self._pg.commit()
        return int(row[0]) if row else 0

    def update(self, row_id: int, state: str) -> None:
        if self.backend.name == "sqlite":
            self._sqlite.execute("BEGIN IMMEDIATE")
            self._sqlite.execute("UPDATE bench_floor_state SET state = ? WHERE id = ?", (state, row_id))
            self._sqlite.execute("COMMIT")
        else:
            self._pg.execute("UPDATE bench_floor_state SET state = %s WHERE id = %s", (state, row_id))
            self._pg.commit()

    def close(self) -> None:
        if self.backend.name == "sqlite":
            self._sqlite.close()
        else:
            self._pg.close()


@dataclass
class FloorCase:
    """Seconds per step (step 0 is the start, up to the first user task), and of that the serialize and
    write+commit parts when a table was given."""

    steps: list[float] = field(default_factory=list)
    serialize: list[float] = field(default_factory=list)
    write: list[float] = field(default_factory=list)
    state_bytes: list[int] = field(default_factory=list)  # per step, with a table


def _persist(workflow: BpmnWorkflow, table: StateTable, row_id: int | None, case: FloorCase) -> int:
    start = time.perf_counter()
    state = _SERIALIZER.serialize_json(workflow)
    serialized = time.perf_counter()
    if row_id is None:
        row_id = table.insert(state)
    else:
        table.update(row_id, state)
    case.serialize.append(serialized - start)
    case.write.append(time.perf_counter() - serialized)
    case.state_bytes.append(len(state.encode()))
    return row_id


def run_floor_case(
    definition: AreaDefinition,
    initial: dict[str, Any],
    data_for: Callable[[str], dict[str, Any]],
    table: StateTable | None = None,
    max_tasks: int | None = None,
) -> FloorCase:
    """Start the process with `initial`, complete each ready user task with data_for(its spec name) until the
    process ends (or max_tasks tasks are done)."""
    case = FloorCase()
    start = time.perf_counter()
    workflow = BpmnWorkflow(definition.spec, definition.subprocess_specs, script_engine=SCRIPT_ENGINE)
    for task in workflow.get_tasks(state=TaskState.READY):
        task.data.update(initial)
    workflow.do_engine_steps()
    row_id = _persist(workflow, table, None, case) if table else None
    case.steps.append(time.perf_counter() - start)
    while not workflow.completed and (max_tasks is None or len(case.steps) <= max_tasks):
        start = time.perf_counter()
        ready = workflow.get_tasks(state=TaskState.READY, manual=True)
        if len(ready) != 1:
            raise RuntimeError(f"expected one ready user task, found {[t.task_spec.name for t in ready]}")
        task = ready[0]
        task.set_data(**data_for(task.task_spec.name))
        task.run()
        workflow.do_engine_steps()
        if table:
            row_id = _persist(workflow, table, row_id, case)
        case.steps.append(time.perf_counter() - start)
    return case
