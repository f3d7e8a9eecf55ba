"""`python -m bench.event_list load N` then `python -m bench.event_list time` (with PYTHONPATH pointing at any
checkout, so the code before a change and after it time the same loaded database): the event list's three reads
of part 4 at N bulk-loaded events, and the EXPLAIN (ANALYZE, BUFFERS) of each statement they send, with whether a
plan reads all of `area_cases` or `events` (a Seq Scan). `AVVIK_BENCH_DATABASE` names the database; `drop` drops
it. Prints one JSON document; asserts nothing."""

from __future__ import annotations

import json
import sys
from typing import Any

from bench.bulk import REGION_HANDLER, bulk_load
from bench.databases import drop_postgres, fresh_postgres, migrated, postgres_admin_dsn
from bench.machine import load_average
from bench.scale import explain, measure
from bench.trees import REPO_TREE
from engine import Database, Engine

__all__ = ["main"]

READS: dict[str, dict[str, Any]] = {
    "region_status": {"status": "in_progress"},
    "hospital_area": {"unit_id": "r1-s01", "area": "vard"},
    "region_unfiltered": {},
}


def _bench_url() -> str:
    from bench.databases import BENCH_DATABASE

    return postgres_admin_dsn().rsplit("/", 1)[0].replace("postgresql://", "postgresql+psycopg://") + \
        f"/{BENCH_DATABASE}"


def _load(events: int) -> dict[str, Any]:
    backend = fresh_postgres()
    engine = Engine(migrated(backend))
    published = engine.publish_tree(REPO_TREE, label="bench")
    release = engine.releases.get(published["hash"])
    assert release is not None
    load = bulk_load(engine, backend.dsn, events, release, published["id"], lambda m: print(m, file=sys.stderr))
    engine.db.dispose()
    return {"loaded": events, "load": str(load)}


def _seq_scans(plan: list[str]) -> list[str]:
    return [line.strip() for line in plan if "Seq Scan on area_cases" in line or "Seq Scan on events" in line]


def _time() -> dict[str, Any]:
    engine = Engine(Database(_bench_url()))
    results: dict[str, Any] = {"load_average": load_average()}
    for name, filters in READS.items():
        def call(filters: dict[str, Any] = filters) -> Any:
            return engine.list_events(REGION_HANDLER, **filters)

        timing = measure(call, 60, 20.0)
        plans = explain(engine, call, lambda statement: "FROM events" in statement)
        results[name] = {
            "p50_ms": timing.get("p50_ms"), "p95_ms": timing.get("p95_ms"), "total": timing.get("total"),
            "statements": [{"top_line": p["top_line"], "seq_scans": _seq_scans(p["plan"]),
                            "plan": p["plan"]} for p in plans],
        }
    engine.db.dispose()
    return results


def main(argv: list[str] | None = None) -> int:
    args = argv if argv is not None else sys.argv[1:]
    if args[:1] == ["load"]:
        result = _load(int(args[1]))
    elif args[:1] == ["time"]:
        result = _time()
    elif args[:1] == ["drop"]:
        drop_postgres()
        result = {"dropped": True}
    else:
        print(__doc__, file=sys.stderr)
        return 2
    print(json.dumps(result, indent=1, default=str))
    return 0


if __name__ == "__main__":
    sys.exit(main())
