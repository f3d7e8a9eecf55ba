"""Parts 1 and 2: the floor and the engine in-process. The engine runs on a database prepared like `make run` does
(schema, the repo's definitions published, the demo organisation), the vård lifecycle through the Engine facade
as the demo users."""

from __future__ import annotations

import functools
import statistics
import time
from typing import Any

from bench import vard
from bench.databases import Backend, migrated
from bench.floor import FloorCase, StateTable, run_floor_case
from bench.profile import count_statements
from bench.timing import summarize
from bench.trees import REPO_TREE, area_definition
from engine import Engine
from server.demo import seed_demo

__all__ = ["prepared_engine", "engine_lifecycle", "run_inprocess"]


def prepared_engine(backend: Backend) -> Engine:
    """Schema at head, the repo's processes/ + forms/ published, the demo organisation seeded."""
    engine = Engine(migrated(backend))
    seed_demo(engine, engine.publish_tree(REPO_TREE, label="bench")["hash"])
    return engine


def engine_lifecycle(engine: Engine) -> list[float]:
    """Seconds per step: report_event, then complete_task for each vård task as the user holding its role.
    Finding the first task (a worklist read) is not timed; each completion names the next task."""
    start = time.perf_counter()
    event = engine.report_event(vard.REPORTER, vard.REPORT_UNIT, vard.REPORT)
    steps = [time.perf_counter() - start]
    areas = [area["area"] for area in event["areas"]]
    if areas != [vard.AREA]:
        raise RuntimeError(f"the bench report was routed to {areas}, expected only {vard.AREA!r}")
    handler = vard.DEMO_USERS["handlaggare"]
    task_id = next(t["id"] for t in engine.worklist(handler, limit=200) if t["event_number"] == event["number"])
    for index, step in enumerate(vard.STEPS):
        start = time.perf_counter()
        result = engine.complete_task(task_id, vard.DEMO_USERS[step.role], step.data)
        steps.append(time.perf_counter() - start)
        following = vard.STEPS[index + 1].spec_name if index + 1 < len(vard.STEPS) else None
        names = [t["spec_name"] for t in result["next_tasks"]]
        if names != ([following] if following else []):
            raise RuntimeError(f"after {step.spec_name} the case has {names} open, expected {following!r}")
        task_id = result["next_tasks"][0]["id"] if following else ""
    return steps


def _per_step_ms(lifecycles: list[list[float]]) -> float:
    """The median lifecycle's time divided by its number of steps."""
    return statistics.median(sum(steps) for steps in lifecycles) / len(lifecycles[0]) * 1000


def run_inprocess(engines: dict[str, Engine], backends: list[Backend], rounds: int) -> dict[str, Any]:
    """Parts 1 and 2, interleaved round by round so machine noise hits floor and engine alike: the floor in
    memory, then per backend the floor with its writes and the engine."""
    definition = area_definition(REPO_TREE, vard.AREA)
    initial = vard.start_data(definition.area.variables)
    tables = {b.name: StateTable(b) for b in backends}
    memory: list[list[float]] = []
    floor: dict[str, list[FloorCase]] = {b.name: [] for b in backends}
    through: dict[str, list[list[float]]] = {b.name: [] for b in backends}
    try:
        run_floor_case(definition, initial, vard.data_for)  # warm-up: imports, caches, the release parse
        for b in backends:
            run_floor_case(definition, initial, vard.data_for, tables[b.name])
            engine_lifecycle(engines[b.name])
        for _ in range(rounds):
            memory.append(run_floor_case(definition, initial, vard.data_for).steps)
            for b in backends:
                floor[b.name].append(run_floor_case(definition, initial, vard.data_for, tables[b.name]))
                through[b.name].append(engine_lifecycle(engines[b.name]))
    finally:
        for table in tables.values():
            table.close()
    result: dict[str, Any] = {
        "steps_per_lifecycle": len(memory[0]),
        "rounds": rounds,
        "floor_memory": {"per_step_ms": round(_per_step_ms(memory), 3),
                         "lifecycle_ms": summarize([sum(s) for s in memory]).as_dict()},
    }
    for b in backends:
        cases = floor[b.name]
        floor_step = _per_step_ms([c.steps for c in cases])
        engine_step = _per_step_ms(through[b.name])
        engine = engines[b.name]
        result[f"floor_{b.name}"] = {
            "per_step_ms": round(floor_step, 3),
            "lifecycle_ms": summarize([sum(c.steps) for c in cases]).as_dict(),
            "serialize_ms_per_step": round(statistics.fmean(s for c in cases for s in c.serialize) * 1000, 3),
            "write_commit_ms_per_step": round(statistics.fmean(s for c in cases for s in c.write) * 1000, 3),
            "state_bytes_at_end": cases[-1].state_bytes[-1],
        }
        result[f"engine_{b.name}"] = {
            "per_step_ms": round(engine_step, 3),
            "ratio_to_floor": round(engine_step / floor_step, 2),
            "lifecycle_ms": summarize([sum(s) for s in through[b.name]]).as_dict(),
            "report_event_ms": summarize([s[0] for s in through[b.name]]).as_dict(),
            "complete_task_ms": summarize([x for s in through[b.name] for x in s[1:]]).as_dict(),
            "statements_per_lifecycle": count_statements(engine, functools.partial(engine_lifecycle, engine)),
        }
    return result
