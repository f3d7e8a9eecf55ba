"""Part 4, reads at scale through the Engine facade (the real code and its real SQL): the worklist of a handler with a
large unit subtree and filtered event lists, repeated for percentiles; and EXPLAIN (ANALYZE, BUFFERS) of the
statements they send, captured from the engine's connection as they ran. Every statement is capped by a
statement timeout, so a read whose plan degrades with the data is reported as such instead of hanging the run."""

from __future__ import annotations

import gc
import re
import time
from typing import Any
from collections.abc import Callable

from psycopg import sql
from sqlalchemy import event
from sqlalchemy.exc import OperationalError

from bench.bulk import HOSPITAL_HANDLER, REGION_HANDLER, bulk_load
from bench.databases import drop_postgres, fresh_postgres, migrated, set_statement_timeout
from bench.profile import profile
from bench.stats import measure_stats
from bench.timing import summarize
from bench.trees import REPO_TREE
from engine import Database, Engine

__all__ = ["STATEMENT_TIMEOUT_S", "measure", "explain", "run_scale"]

STATEMENT_TIMEOUT_S = 30


def _timed_out(exc: OperationalError) -> bool:
    return getattr(exc.orig, "sqlstate", None) == "57014"  # query_canceled: the statement timeout struck


def measure(call: Callable[[], Any], repeats: int, budget_seconds: float) -> dict[str, Any]:
    """Latency summary of `call` over `repeats` calls after one warm-up call, stopping early when the time
    budget is spent; also the size of the last answer. A call cut by the statement timeout ends the series."""
    try:
        result = call()
    except OperationalError as exc:
        if not _timed_out(exc):
            raise
        return {"timed_out": True, "statement_timeout_s": STATEMENT_TIMEOUT_S}
    gc.collect()  # as a server worker does after start (server/gunicorn.py): no full collection walks the
    gc.freeze()  # libraries; collected first, so no warm-up's garbage is kept for good
    samples: list[float] = []
    deadline = time.monotonic() + budget_seconds
    while len(samples) < repeats and time.monotonic() < deadline:
        start = time.perf_counter()
        result = call()
        samples.append(time.perf_counter() - start)
    summary: dict[str, Any] = {"timed_out": False, **summarize(samples).as_dict()}
    summary["rows_returned"] = len(result["items"]) if isinstance(result, dict) else len(result)
    if isinstance(result, dict):
        summary["total"] = result["total"]
    return summary


def explain(engine: Engine, call: Callable[[], Any], wanted: Callable[[str], bool]) -> list[dict[str, Any]]:
    """Run `call` once while recording the engine's statements; EXPLAIN (ANALYZE, BUFFERS) each wanted one with
    the parameters it ran with (a plain EXPLAIN where the statement timeout cuts the analysed run)."""
    statements: list[tuple[str, Any]] = []

    def record(_conn: Any, _cursor: Any, statement: str, parameters: Any, _context: Any, _many: bool) -> None:
        statements.append((statement, parameters))

    event.listen(engine.db.engine, "before_cursor_execute", record)
    try:
        call()
    except OperationalError as exc:
        if not _timed_out(exc):
            raise
    finally:
        event.remove(engine.db.engine, "before_cursor_execute", record)
    plans = []
    connection = engine.db.engine.raw_connection()
    try:
        cursor = connection.cursor()
        for statement, parameters in statements:
            if not wanted(statement):
                continue
            analyzed = True
            try:
                cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + statement, parameters)
            except Exception as exc:  # the driver's QueryCanceled: not wrapped by SQLAlchemy on a raw connection
                if getattr(exc, "sqlstate", None) != "57014":
                    raise
                connection.rollback()
                analyzed = False
                cursor.execute("EXPLAIN " + statement, parameters)
            plan = [row[0] for row in cursor.fetchall()]
            plans.append({"statement": " ".join(statement.split()), "analyzed": analyzed, "top_line": plan[0],
                          "plan": plan, "generic": _generic_plan(cursor, statement, parameters)})
            connection.rollback()
        cursor.close()
    finally:
        connection.close()
    return plans


def _generic_plan(cursor: Any, statement: str, parameters: dict[str, Any]) -> dict[str, Any]:
    """The plan PostgreSQL uses once it switches a prepared statement to its generic plan. psycopg prepares a
    statement on the server after its 5th execution (prepare_threshold) and PostgreSQL may then stop planning
    for each call's values: the EXPLAIN above, planned for the values, can show a different plan than the one
    that runs. Also how often the engine's own prepared copy ran generic and custom plans on this connection."""
    names: list[str] = []

    def number(match: re.Match[str]) -> str:
        if match.group(1) not in names:
            names.append(match.group(1))
        return f"${names.index(match.group(1)) + 1}"

    converted = re.sub(r"%\((\w+)\)s", number, statement)
    cursor.execute("SELECT generic_plans, custom_plans FROM pg_prepared_statements WHERE statement = %s",
                   (converted,))
    counts = cursor.fetchone()
    cursor.execute(f"PREPARE bench_generic AS {converted}")
    try:
        cursor.execute("SET LOCAL plan_cache_mode = force_generic_plan")
        values = sql.SQL(", ").join(sql.Literal(parameters[name]) for name in names)  # typed by the PREPARE
        cursor.execute(sql.SQL("EXPLAIN (ANALYZE, BUFFERS) EXECUTE bench_generic({})").format(values))
        plan = [row[0] for row in cursor.fetchall()]
    except Exception as exc:  # the statement timeout: the generic plan is at least that slow
        if getattr(exc, "sqlstate", None) != "57014":
            raise
        cursor.connection.rollback()
        plan = [f"(cut by the statement timeout after {STATEMENT_TIMEOUT_S} s)"]
    finally:
        cursor.execute("DEALLOCATE bench_generic")
    return {
        "engine_statement_generic_plans": counts[0] if counts else None,
        "engine_statement_custom_plans": counts[1] if counts else None,
        "top_line": plan[0],
        "execution": plan[-1],
        "plan": plan,
    }


def run_scale(events: int, repeats: int, budget_seconds: float, progress: Callable[[str], None]) -> dict[str, Any]:
    """Bulk-load `events` events into a fresh `avvik_bench`, time the reads, explain them, profile the region
    handler's reads; the database is dropped afterwards (at 2.5 M events it holds about 20 GB)."""
    backend = fresh_postgres()
    engine = Engine(migrated(backend))
    try:
        published = engine.publish_tree(REPO_TREE, label="bench")
        release = engine.releases.get(published["hash"])
        assert release is not None  # publishing put it in the cache
        load = bulk_load(engine, backend.dsn, events, release, published["id"], progress)
        set_statement_timeout(STATEMENT_TIMEOUT_S)
        engine.db.engine.dispose()  # the pool's next connections take the timeout
        progress("reads")
        region_status: dict[str, Any] = {"status": "in_progress"}
        reads = {
            "worklist_region": measure(lambda: engine.worklist(REGION_HANDLER), repeats, budget_seconds),
            "worklist_hospital": measure(lambda: engine.worklist(HOSPITAL_HANDLER), repeats, budget_seconds),
            "events_region_status": measure(
                lambda: engine.list_events(REGION_HANDLER, **region_status), repeats, budget_seconds),
            "events_hospital_area": measure(
                lambda: engine.list_events(REGION_HANDLER, unit_id="r1-s01", area="vard"), repeats, budget_seconds),
            "events_region_unfiltered": measure(
                lambda: engine.list_events(REGION_HANDLER), repeats, budget_seconds),
        }
        unprepared = Engine(Database(backend.url, connect_args={"prepare_threshold": None}))
        reads["worklist_region_unprepared"] = measure(lambda: unprepared.worklist(REGION_HANDLER), repeats,
                                                      budget_seconds)
        unprepared.db.dispose()
        progress("statistics")
        try:
            stats: dict[str, Any] = measure_stats(engine, max(3, repeats // 5), budget_seconds)
        except OperationalError as exc:
            if not _timed_out(exc):
                raise
            stats = {"timed_out": True, "statement_timeout_s": STATEMENT_TIMEOUT_S}
        progress("explain and profile")
        result: dict[str, Any] = {
            "statement_timeout_s": STATEMENT_TIMEOUT_S,
            "load": load.as_dict(),
            "reads": reads,
            "stats": stats,
            "explain_worklist": explain(engine, lambda: engine.worklist(REGION_HANDLER),
                                        lambda sql: "FROM tasks" in sql and "ORDER BY" in sql)[0],
            "explain_event_list": explain(engine, lambda: engine.list_events(REGION_HANDLER, **region_status),
                                          lambda sql: "FROM events" in sql or "FROM area_cases" in sql),
            "profile_worklist": profile(lambda: engine.worklist(REGION_HANDLER), 50),
        }
        if not reads["events_region_status"]["timed_out"]:
            result["profile_event_list"] = profile(lambda: engine.list_events(REGION_HANDLER, **region_status), 10)
        return result
    finally:
        engine.db.dispose()
        drop_postgres()
