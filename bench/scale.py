"""Part 4, reads at scale through the Engine facade (the real code and its real SQL): the worklist of a handler with a
large unit subtree and filtered event lists, repeated for percentiles; and EXPLAIN (ANALYZE, BUFFERS) of the
worklist's own statement, captured from the engine's connection as it ran."""

from __future__ import annotations

import time
from typing import Any, Callable

from sqlalchemy import event

from bench.bulk import HOSPITAL_HANDLER, REGION_HANDLER, bulk_load
from bench.databases import drop_postgres, fresh_postgres, migrated
from bench.profile import profile
from bench.timing import summarize
from bench.trees import REPO_TREE
from engine import Engine

__all__ = ["measure", "explain_worklist", "run_scale"]


def measure(call: Callable[[], Any], repeats: int, budget_seconds: float) -> dict[str, Any]:
    """Latency summary of `call` over `repeats` calls after one warm-up call, stopping early when the time
    budget is spent; also the size of the last answer."""
    result = call()
    samples: list[float] = []
    deadline = time.monotonic() + budget_seconds
    while len(samples) < repeats and time.monotonic() < deadline:
        start = time.perf_counter()
        result = call()
        samples.append(time.perf_counter() - start)
    size = len(result["items"]) if isinstance(result, dict) else len(result)
    summary = summarize(samples).as_dict()
    summary["rows_returned"] = size
    if isinstance(result, dict):
        summary["total"] = result["total"]
    return summary


def explain_worklist(engine: Engine, user_id: str) -> dict[str, Any]:
    """Run Engine.worklist once while recording its statements; EXPLAIN ANALYZE the one that reads tasks."""
    statements: list[tuple[str, Any]] = []

    def record(_conn: Any, _cursor: Any, statement: str, parameters: Any, _context: Any, _many: bool) -> None:
        statements.append((statement, parameters))

    event.listen(engine.db.engine, "before_cursor_execute", record)
    try:
        engine.worklist(user_id)
    finally:
        event.remove(engine.db.engine, "before_cursor_execute", record)
    statement, parameters = next((s, p) for s, p in statements if "FROM tasks" in s and "ORDER BY" in s)
    connection = engine.db.engine.raw_connection()
    try:
        cursor = connection.cursor()
        cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + statement, parameters)
        plan = [row[0] for row in cursor.fetchall()]
        cursor.close()
    finally:
        connection.close()
    return {"statement": " ".join(statement.split()), "top_line": plan[0], "plan": plan}


def run_scale(events: int, repeats: int, budget_seconds: float) -> dict[str, Any]:
    """Bulk-load `events` events into a fresh `avvik_bench`, time the reads, explain the worklist, profile the
    region handler's worklist; the database is dropped afterwards (at 2.5 M events it holds many GB)."""
    backend = fresh_postgres()
    engine = Engine(migrated(backend))
    try:
        published = engine.publish_tree(REPO_TREE, label="bench")
        release = engine.releases.get(published["hash"])
        assert release is not None  # publishing put it in the cache
        load = bulk_load(engine, backend.dsn, events, release, published["id"])
        reads = {
            "worklist_region": measure(lambda: engine.worklist(REGION_HANDLER), repeats, budget_seconds),
            "worklist_hospital": measure(lambda: engine.worklist(HOSPITAL_HANDLER), repeats, budget_seconds),
            "events_region_status": measure(
                lambda: engine.list_events(REGION_HANDLER, status="in_progress"), repeats, budget_seconds),
            "events_hospital_area": measure(
                lambda: engine.list_events(REGION_HANDLER, unit_id="r1-s01", area="vard"), repeats, budget_seconds),
            "events_region_unfiltered": measure(
                lambda: engine.list_events(REGION_HANDLER), repeats, budget_seconds),
        }
        return {
            "load": load.as_dict(),
            "reads": reads,
            "explain_worklist": explain_worklist(engine, REGION_HANDLER),
            "profile_worklist": profile(lambda: engine.worklist(REGION_HANDLER), 50),
            "profile_event_list": profile(lambda: engine.list_events(REGION_HANDLER, status="in_progress"), 10),
        }
    finally:
        engine.db.dispose()
        drop_postgres()
