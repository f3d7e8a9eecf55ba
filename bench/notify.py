"""Notifications: how fast the worker delivers the outbox to a local SMTP sink, and what writing the outbox adds
to a task completion.

    python -m bench.notify [--postgres] [--messages 2000] [--rounds 20]

1. **Delivery throughput.** A database prepared like `make run`; `--messages` pending notifications for the demo
   users (rows as the engine writes them, rendered text and HTML), then `Engine.deliver_notifications` with the
   standard-library SMTP transport to aiosmtpd's discarding sink on loopback, in its own process (sharing the
   2 cores). Messages per second of wall time, claim + compose + send + settle included.
2. **Outbox overhead on a completion.** The vård lifecycle (bench/vard.py) run `--rounds` times with notifications
   written and as many times with the writing switched off (engine.cases' calls replaced by no-ops), interleaved
   round by round. The ratio is the median completion with notifications over the median without, minus one.

Prints one JSON document; bench/README.md records a run.
"""

from __future__ import annotations

import argparse
import json
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from contextlib import contextmanager
from datetime import timedelta
from pathlib import Path
from typing import Any
from collections.abc import Iterator

from bench import vard
from bench.databases import Backend, drop_postgres, fresh_postgres, fresh_sqlite
from bench.inprocess import prepared_engine
from bench.machine import describe, load_average
from engine import Engine
from engine import cases as case_steps
from engine.delivery.settings import DeliverySettings
from engine.delivery.smtp import SmtpTransport
from engine.store import outbox as outbox_store

TARGET_MESSAGES_PER_S = 200
TARGET_OVERHEAD = 0.10


def _pending(engine: Engine, count: int) -> None:
    users = [u for u in ("anna", "bertil", "cecilia", "karin", "sven", "hanna", "klara", "lars")]
    now = engine.clock() - timedelta(seconds=1)
    body = "Ny uppgift\n\nUppgift: Triagera händelsen\nOmråde: Vård\n\nÖppna i avvik: http://localhost:8000/uppgifter/x"
    with engine.db.transaction() as session:
        outbox_store.add(session, [dict(
            kind="task_created", user_id=users[i % len(users)], event_number=f"AVV-2026-{i:06d}",
            subject=f"AVV-2026-{i:06d} · Fel läkemedel gavs på akuten", body=body,
            html=f"<p><strong>Ny uppgift</strong></p><p>{body}</p>", link="/uppgifter/x",
            status=outbox_store.PENDING, attempts=0, next_attempt_at=now) for i in range(count)])


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@contextmanager
def _sink() -> Iterator[int]:
    """aiosmtpd's discarding sink in a process of its own, as a mail server is: the port it listens on."""
    port = _free_port()
    process = subprocess.Popen([sys.executable, "-m", "aiosmtpd", "-n", "-l", f"127.0.0.1:{port}",
                                "-c", "aiosmtpd.handlers.Sink"], stderr=subprocess.DEVNULL)
    try:
        for _ in range(200):
            with socket.socket() as probe:
                if probe.connect_ex(("127.0.0.1", port)) == 0:
                    break
            time.sleep(0.05)
        yield port
    finally:
        process.terminate()
        process.wait(timeout=10)


def delivery(engine: Engine, count: int) -> dict[str, Any]:
    _pending(engine, count)
    with _sink() as port:
        settings = DeliverySettings(SmtpTransport("127.0.0.1", port), "http://localhost:8000")
        start = time.perf_counter()
        counts = engine.deliver_notifications(settings)
        elapsed = time.perf_counter() - start
    if counts["sent"] != count:
        raise RuntimeError(f"sent {counts}, expected {count}")
    rate = count / elapsed
    return {"messages": count, "seconds": round(elapsed, 3), "messages_per_s": round(rate, 1),
            "target": TARGET_MESSAGES_PER_S, "met": rate >= TARGET_MESSAGES_PER_S}


@contextmanager
def _without_notifications() -> Iterator[None]:
    calls = ("tasks_created", "feedback_given", "complaint_answered")
    saved = {name: getattr(case_steps.notifications, name) for name in calls}
    try:
        for name in calls:
            setattr(case_steps.notifications, name, lambda *args, **kwargs: None)
        yield
    finally:
        for name, function in saved.items():
            setattr(case_steps.notifications, name, function)


def _completions(engine: Engine) -> list[float]:
    """Seconds per completion of one vård lifecycle (the report is not counted)."""
    event = engine.report_event(vard.REPORTER, vard.REPORT_UNIT, vard.REPORT)
    task_id = next(t["id"] for t in engine.worklist("anna", limit=200) if t["event_number"] == event["number"])
    times = []
    for index, step in enumerate(vard.STEPS):
        start = time.perf_counter()
        result = engine.complete_task(task_id, vard.DEMO_USERS[step.role], step.data)
        times.append(time.perf_counter() - start)
        task_id = result["next_tasks"][0]["id"] if index + 1 < len(vard.STEPS) else ""
    return times


def overhead(engine: Engine, rounds: int) -> dict[str, Any]:
    _completions(engine)  # warm: the release parsed, the caches filled
    with_outbox: list[float] = []
    without: list[float] = []
    for _ in range(rounds):
        with_outbox += _completions(engine)
        with _without_notifications():
            without += _completions(engine)
    ratio = statistics.median(with_outbox) / statistics.median(without) - 1
    return {"rounds": rounds, "completions": len(with_outbox),
            "median_ms_with_outbox": round(statistics.median(with_outbox) * 1000, 2),
            "median_ms_without": round(statistics.median(without) * 1000, 2),
            "overhead": round(ratio, 4), "target": TARGET_OVERHEAD, "met": ratio <= TARGET_OVERHEAD}


def run(backend: Backend, messages: int, rounds: int) -> dict[str, Any]:
    engine = prepared_engine(backend)
    measured = {"delivery": delivery(engine, messages)}
    measured["completion_overhead"] = overhead(engine, rounds)
    return measured


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--postgres", action="store_true", help="PostgreSQL (avvik_bench) instead of SQLite")
    parser.add_argument("--messages", type=int, default=2000)
    parser.add_argument("--rounds", type=int, default=20)
    args = parser.parse_args()
    report: dict[str, Any] = {"machine": describe("postgresql://postgres@127.0.0.1:5432/postgres"),
                              "load_before": load_average()}
    with tempfile.TemporaryDirectory() as folder:
        backend = fresh_postgres() if args.postgres else fresh_sqlite(Path(folder), "notify")
        try:
            report[backend.name] = run(backend, args.messages, args.rounds)
        finally:
            if args.postgres:
                drop_postgres()
    report["load_after"] = load_average()
    print(json.dumps(report, ensure_ascii=False, indent=2))


if __name__ == "__main__":
    main()
