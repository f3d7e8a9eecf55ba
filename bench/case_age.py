"""Case age: what one step costs early and late in a long case. The bench-only rework process (bench/definitions)
sends the same user task back to itself; each round adds tasks to the SpiffWorkflow instance, so a cost per step
that grows with the instance shows up as a slope between the 5th and the 200th task. Measured in bare
SpiffWorkflow with the state written per step (the floor) and through the Engine, on one backend."""

from __future__ import annotations

import statistics
import time
from typing import Any

from bench import vard
from bench.databases import Backend, migrated
from bench.floor import StateTable, run_floor_case
from bench.profile import profile
from bench.trees import REWORK_AREA, REWORK_TREE, area_definition
from engine import Engine

__all__ = ["REWORK_DATA", "CHECKPOINTS", "prepared_rework_engine", "ReworkCase", "engine_rework_case", "run_case_age",
           "profile_late_steps"]

REWORK_DATA: dict[str, Any] = {"bedomning": {"beslut": "komplettera", "kommentar": "Underlaget behöver kompletteras."}}
CHECKPOINTS = (5, 50, 100, 150, 200)
WINDOW = 2  # a checkpoint's figure is the median of tasks n-2 … n+2 over all cases
UNIT, HANDLER = "bench-enhet", "bench-handlaggare"


def prepared_rework_engine(backend: Backend) -> Engine:
    """A fresh database with only the bench's rework tree published, one unit and its handler."""
    engine = Engine(migrated(backend))
    published = engine.publish_tree(REWORK_TREE, label="bench-omarbete")
    engine.add_unit(UNIT, "Bänkenheten", "akut")
    engine.activate_release(published["hash"], UNIT)
    engine.add_user(HANDLER, "Bänkhandläggare")
    engine.add_user(vard.REPORTER, "Rapportör")
    engine.grant_role(HANDLER, "handlaggare", UNIT)
    return engine


class ReworkCase:
    """One rework case through the Engine: reported on creation, then one task completed per step()."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self.number = engine.report_event(vard.REPORTER, UNIT, vard.REPORT)["number"]
        self.task_id = next(t["id"] for t in engine.worklist(HANDLER, limit=200) if t["event_number"] == self.number)

    def step(self) -> None:
        result = self.engine.complete_task(self.task_id, HANDLER, REWORK_DATA)
        self.task_id = result["next_tasks"][0]["id"]


def engine_rework_case(engine: Engine, tasks: int) -> list[float]:
    """Seconds per step: index 0 is report_event, index n the completion of the n-th task."""
    start = time.perf_counter()
    case = ReworkCase(engine)  # the worklist read that finds the first task is part of step 0 here
    steps = [time.perf_counter() - start]
    for _ in range(tasks):
        start = time.perf_counter()
        case.step()
        steps.append(time.perf_counter() - start)
    return steps


def _at(cases: list[list[float]], task: int) -> float:
    """Median milliseconds of the steps around `task` over all cases."""
    return statistics.median(s for case in cases for s in case[task - WINDOW:task + WINDOW + 1]) * 1000


def run_case_age(engine: Engine, backend: Backend, cases: int) -> dict[str, Any]:
    """`cases` rework cases of max(CHECKPOINTS) + WINDOW tasks each, floor and engine alternating."""
    tasks = max(CHECKPOINTS) + WINDOW
    definition = area_definition(REWORK_TREE, REWORK_AREA)
    initial = vard.start_data(definition.area.variables)
    table = StateTable(backend)
    floor: list[list[float]] = []
    through_engine: list[list[float]] = []
    rebuilt: list[list[float]] = []  # the engine without kept workflows: every step deserializes the state
    sizes: list[int] = []
    try:
        for _ in range(cases):
            case = run_floor_case(definition, initial, lambda _name: REWORK_DATA, table, tasks)
            floor.append(case.steps)
            sizes = case.state_bytes
            through_engine.append(engine_rework_case(engine, tasks))
            kept, engine.workflows = engine.workflows, None
            try:
                rebuilt.append(engine_rework_case(engine, tasks))
            finally:
                engine.workflows = kept
    finally:
        table.close()
    result: dict[str, Any] = {
        "backend": backend.name, "cases": cases, "tasks_per_case": tasks, "window": WINDOW,
        "floor_state_bytes_at_task": {str(n): sizes[n] for n in CHECKPOINTS},  # SPIFF_CONFIG, spec included
    }
    for name, samples in (("floor", floor), ("engine", through_engine), ("engine_rebuilding_state", rebuilt)):
        curve = {str(n): round(_at(samples, n), 3) for n in CHECKPOINTS}
        first, last = _at(samples, CHECKPOINTS[0]), _at(samples, CHECKPOINTS[-1])
        result[name] = {"ms_at_task": curve, "ratio_last_to_first": round(last / first, 2)}
    return result


def profile_late_steps(engine: Engine, repeats: int) -> dict[str, Any]:
    """Profile `repeats` steps of a case that has already done max(CHECKPOINTS) - repeats tasks."""
    case = ReworkCase(engine)
    for _ in range(max(CHECKPOINTS) - repeats - 1):  # profile() makes one more, unprofiled, warm-up step
        case.step()
    return profile(case.step, repeats)


def main() -> int:
    """`python -m bench.case_age`: part 5 alone, one case per backend (AVVIK_BENCH_DATABASE names the database)."""
    import json
    import shutil
    import tempfile
    from pathlib import Path

    from bench.databases import drop_postgres, fresh_postgres, fresh_sqlite
    from bench.machine import load_average

    workdir = Path(tempfile.mkdtemp(prefix="avvik-age-"))
    results: dict[str, Any] = {"load_average_at_start": load_average()}
    try:
        for backend in (fresh_sqlite(workdir, "age"), fresh_postgres()):
            engine = prepared_rework_engine(backend)
            try:
                results[backend.name] = run_case_age(engine, backend, 1)
            finally:
                engine.db.dispose()
    finally:
        drop_postgres()
        shutil.rmtree(workdir, ignore_errors=True)
    results["load_average_at_end"] = load_average()
    print(json.dumps(results, indent=1))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
