"""What one statement costs in each layer the hot path goes through, in one run on PostgreSQL: the bare driver
(psycopg), SQLAlchemy Core (a statement built once, executed on a Connection) and the ORM (the same read loading a
mapped object through a Session). The same indexed one-row read of a task and the same one-row UPDATE, 200 per
transaction, rounds interleaved so machine noise hits every layer alike. Client CPU (`time.process_time`) is what
a worker pays per statement; wall time adds the round trip to PostgreSQL.

`python -m bench.layers` (AVVIK_BENCH_DATABASE names the database; it is created, filled with a few vård cases
through the engine, and dropped)."""

from __future__ import annotations

import gc
import json
import statistics
import time
from typing import Any
from collections.abc import Callable

import psycopg
from sqlalchemy import Connection, bindparam, select, update
from sqlalchemy.orm import Session

from bench.databases import drop_postgres, fresh_postgres
from bench.inprocess import engine_lifecycle, prepared_engine
from bench.machine import load_average
from engine.store.models import TaskRow

__all__ = ["measure_layers"]

_READ_CORE = select(*TaskRow.__table__.c).where(TaskRow.id == bindparam("task_id"))
_READ_ORM = select(TaskRow).where(TaskRow.id == bindparam("task_id"))
_WRITE_CORE = update(TaskRow).where(TaskRow.id == bindparam("task_id")).values(note=bindparam("new_note"))


def measure_layers(rounds: int = 15, lifecycles: int = 25) -> dict[str, Any]:
    """Median client CPU and wall µs per statement for each layer and statement kind."""
    backend = fresh_postgres()
    engine = prepared_engine(backend)
    try:
        for _ in range(lifecycles):  # about 8 task rows each
            engine_lifecycle(engine)
        sa_engine = engine.db.engine
        with psycopg.connect(backend.dsn, prepare_threshold=None, autocommit=True) as raw, \
                sa_engine.connect() as connection:
            ids = [row[0] for row in raw.execute("SELECT id FROM tasks ORDER BY id LIMIT 200")]
            kinds = _kinds(raw, connection, ids)
            for run in kinds.values():  # warm-up: statement caches filled
                run()
            gc.collect()
            gc.freeze()
            samples: dict[str, list[tuple[float, float]]] = {name: [] for name in kinds}
            for _ in range(rounds):
                for name, run in kinds.items():
                    cpu, wall = time.process_time(), time.perf_counter()
                    run()
                    samples[name].append((time.process_time() - cpu, time.perf_counter() - wall))
            gc.unfreeze()
        return {
            "statements_per_sample": len(ids),
            "load_average": load_average(),
            "us_per_statement": {
                name: {"client_cpu": round(statistics.median(c for c, _ in s) / len(ids) * 1e6, 1),
                       "wall": round(statistics.median(w for _, w in s) / len(ids) * 1e6, 1)}
                for name, s in samples.items()
            },
        }
    finally:
        engine.db.dispose()
        drop_postgres()


def _kinds(raw: psycopg.Connection[Any], connection: Connection, ids: list[str]) -> dict[str, Callable[[], None]]:
    def read_driver() -> None:
        with raw.transaction():
            for task_id in ids:
                raw.execute("SELECT * FROM tasks WHERE id = %s", (task_id,)).fetchall()

    def read_core() -> None:
        with connection.begin():
            for task_id in ids:
                connection.execute(_READ_CORE, {"task_id": task_id}).all()

    def read_orm() -> None:
        with Session(connection.engine) as session, session.begin():
            for task_id in ids:
                session.execute(_READ_ORM, {"task_id": task_id}).scalars().all()

    def write_driver() -> None:
        with raw.transaction():
            for task_id in ids:
                raw.execute("UPDATE tasks SET note = %s WHERE id = %s", (None, task_id))

    def write_core() -> None:
        with connection.begin():
            for task_id in ids:
                connection.execute(_WRITE_CORE, {"task_id": task_id, "new_note": None})

    return {"read, psycopg": read_driver, "read, SQLAlchemy Core": read_core, "read, SQLAlchemy ORM": read_orm,
            "update, psycopg": write_driver, "update, SQLAlchemy Core": write_core}


def main() -> int:
    print(json.dumps(measure_layers(), indent=1, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
