"""Statistics at scale (GET /api/v1/stats through the Engine): the whole answer for the region handler (half the
organisation), for one hospital, and for this year only, repeated for percentiles; and how long each SQL statement
of one region-wide answer takes, so the slow figure is named. Part of part 4 (bench/scale.py); alone:

    python -m bench.stats --events 250000     # bulk-load, measure, print markdown, drop the database

The percentiles come from percentile_cont on PostgreSQL (engine/stats.py); the measurement `durations_sorted`
times the portable alternative (fetch every sorted duration and pick in Python) on the same data, which is why
PostgreSQL does not use it.
"""

from __future__ import annotations

import argparse
import gc
import json
import sys
import time
from datetime import date, datetime, UTC
from typing import Any
from collections.abc import Callable

from sqlalchemy import event

from bench.bulk import REGION_HANDLER, bulk_load
from bench.databases import drop_postgres, fresh_postgres, migrated, set_statement_timeout
from bench.timing import summarize
from bench.trees import REPO_TREE
from engine import Engine
from engine.access import case_scopes
from engine.context import Context
from engine.store import org as org_store
from engine.store import stats as stats_store
from engine.store.stats import CaseFilter

__all__ = ["measure_stats"]


def _timed(call: Callable[[], Any], repeats: int, budget_seconds: float) -> dict[str, Any]:
    call()  # warm-up: release parsing, plan caches
    gc.collect()  # as a server worker does after start (server/gunicorn.py): no full collection walks the
    gc.freeze()  # libraries; collected first, so no warm-up's garbage is kept for good
    samples: list[float] = []
    deadline = time.monotonic() + budget_seconds
    while len(samples) < repeats and time.monotonic() < deadline:
        start = time.perf_counter()
        call()
        samples.append(time.perf_counter() - start)
    return summarize(samples).as_dict()


def statement_times(engine: Engine, call: Callable[[], Any]) -> list[dict[str, Any]]:
    """Each statement one call sends, with its wall time in ms."""
    started: list[float] = []
    times: list[dict[str, Any]] = []

    def before(*_args: Any) -> None:
        started.append(time.perf_counter())

    def after(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        times.append({"ms": round((time.perf_counter() - started.pop()) * 1000, 1),
                      "sql": " ".join(statement.split())[:160]})

    event.listen(engine.db.engine, "before_cursor_execute", before)
    event.listen(engine.db.engine, "after_cursor_execute", after)
    try:
        call()
    finally:
        event.remove(engine.db.engine, "before_cursor_execute", before)
        event.remove(engine.db.engine, "after_cursor_execute", after)
    return sorted(times, key=lambda t: -t["ms"])


def _sorted_durations(engine: Engine, user: str) -> int:
    with engine.db.transaction() as session:
        ctx = Context(session, engine.releases, engine.clock)
        flt = CaseFilter(scopes=case_scopes(ctx, org_store.grants_of(session, user)))
        return len(stats_store.durations(session, flt, "report_to_closed"))


def measure_stats(engine: Engine, repeats: int, budget_seconds: float) -> dict[str, Any]:
    year = date(datetime.now(UTC).year, 1, 1)
    region = lambda: engine.statistics(REGION_HANDLER)  # noqa: E731
    answer = region()
    return {
        "region_cases_counted": answer["total"]["cases"],
        "stats_region": _timed(region, repeats, budget_seconds),
        "stats_region_this_year": _timed(lambda: engine.statistics(REGION_HANDLER, date_from=year), repeats,
                                         budget_seconds),
        "stats_hospital": _timed(lambda: engine.statistics(REGION_HANDLER, unit_id="r1-s01"), repeats,
                                 budget_seconds),
        "stats_region_area_only": _timed(lambda: engine.statistics(REGION_HANDLER, dimensions=["area"]), repeats,
                                         budget_seconds),
        "durations_sorted": _timed(lambda: _sorted_durations(engine, REGION_HANDLER), max(3, repeats // 5),
                                   budget_seconds),
        "statements_region": statement_times(engine, region),
    }


def _markdown(result: dict[str, Any]) -> str:
    lines = [f"# Statistics at scale: {result['events']:,} events".replace(",", " "), "",
             f"- region handler counts {result['stats']['region_cases_counted']:,} cases".replace(",", " "),
             f"- load {result['load']['load_seconds']:.0f} s, database {result['load']['database_mib']} MiB", "",
             "| read | p50 ms | p95 ms | n |", "|---|---|---|---|"]
    for key, value in result["stats"].items():
        if isinstance(value, dict) and "p50_ms" in value:
            lines.append(f"| {key} | {value['p50_ms']:.0f} | {value['p95_ms']:.0f} | {value['n']} |")
    lines += ["", "Statements of one region-wide answer, slowest first:", "", "| ms | statement |", "|---|---|"]
    lines += [f"| {s['ms']} | `{s['sql']}` |" for s in result["stats"]["statements_region"]]
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.stats", description=__doc__.split("\n\n")[0])
    parser.add_argument("--events", type=int, default=250_000)
    parser.add_argument("--repeats", type=int, default=20)
    args = parser.parse_args(argv)
    backend = fresh_postgres()
    engine = Engine(migrated(backend))
    try:
        published = engine.publish_tree(REPO_TREE, label="bench")
        release = engine.releases.get(published["hash"])
        assert release is not None
        load = bulk_load(engine, backend.dsn, args.events, release, published["id"],
                         lambda m: print(m, file=sys.stderr))
        set_statement_timeout(60)
        engine.db.engine.dispose()
        result = {"events": args.events, "load": load.as_dict(), "stats": measure_stats(engine, args.repeats, 120)}
        print(_markdown(result))
        print(json.dumps(result, indent=1), file=sys.stderr)
        return 0
    finally:
        engine.db.dispose()
        drop_postgres()


if __name__ == "__main__":
    raise SystemExit(main())
