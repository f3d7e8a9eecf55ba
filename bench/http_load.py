"""Closed-loop HTTP clients against `avvik serve`: a submit phase (POST /events) and a complete phase (GET /tasks,
then POST /tasks/{id}/complete). Each client is a thread of this process, with its own handler user on its own
unit, so clients never compete for the same task; every loop is bounded by a deadline and a request count."""

from __future__ import annotations

import http.client
import json
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from collections.abc import Callable
from urllib.parse import urlsplit

from bench import vard
from bench.databases import Backend
from bench.inprocess import prepared_engine
from bench.server import Server, WorkerSample
from bench.timing import summarize
from engine import Engine

__all__ = ["Client", "Samples", "request", "prepare_clients", "run_phase", "submit_loop", "complete_loop",
           "PhaseResult", "cpu_per", "run_http"]

HANDLER_ROLES = ("handlaggare", "patientsakerhet", "verksamhetschef")
MAX_REQUESTS_PER_CLIENT = 20_000


@dataclass(frozen=True)
class Client:
    unit_id: str
    reporter_token: str
    handler_token: str


def prepare_clients(engine: Engine, count: int) -> list[Client]:
    """One akut unit under Karolinska per client, with a handler holding all three vård roles there."""
    reporter_token = engine.create_token(vard.REPORTER, "bench")
    clients = []
    for index in range(count):
        unit_id, user_id = f"bench-akut-{index}", f"bench-handler-{index}"
        engine.add_unit(unit_id, f"Bänkakuten {index}", "akut", "ks")
        engine.add_user(user_id, f"Bänkhandläggare {index}")
        for role in HANDLER_ROLES:
            engine.grant_role(user_id, role, unit_id)
        clients.append(Client(unit_id, reporter_token, engine.create_token(user_id, "bench")))
    return clients


@dataclass
class Samples:
    """What one client thread measured: seconds per successful request, by kind; failures by kind and status.
    With `keepalive`, the thread's one connection, reused while the server keeps it open."""

    latencies: dict[str, list[float]] = field(default_factory=dict)
    failures: dict[str, int] = field(default_factory=dict)
    keepalive: bool = False
    connection: http.client.HTTPConnection | None = None

    def ok(self, kind: str, seconds: float) -> None:
        self.latencies.setdefault(kind, []).append(seconds)

    def failed(self, kind: str, status: int) -> None:
        key = f"{kind} {status}"
        self.failures[key] = self.failures.get(key, 0) + 1


Loop = Callable[[str, Client, float, Samples], None]


def request(base: str, method: str, path: str, token: str, body: Any = None,
             samples: Samples | None = None, content_type: str | None = None) -> tuple[int, Any]:
    """One request: on a new connection, or on the thread's kept-alive one (opened again if the server closed
    it: http.client reconnects by itself on the next request). A body is sent as JSON unless `content_type`
    names what its bytes are."""
    url = urlsplit(base)
    keep = samples is not None and samples.keepalive
    connection = samples.connection if keep and samples and samples.connection else None
    if connection is None:
        connection = http.client.HTTPConnection(url.hostname or "127.0.0.1", url.port, timeout=30)
        if keep and samples is not None:
            samples.connection = connection
    try:
        headers = {"Authorization": f"Bearer {token}"}
        payload = None
        if body is not None:
            payload = body if content_type else json.dumps(body).encode()
            headers["Content-Type"] = content_type or "application/json"
        connection.request(method, url.path + path, body=payload, headers=headers)
        response = connection.getresponse()
        return response.status, json.loads(response.read() or b"null")
    finally:
        if not keep:
            connection.close()


def submit_loop(base: str, client: Client, deadline: float, samples: Samples) -> None:
    body = {"unit_id": client.unit_id, "data": vard.REPORT}
    for _ in range(MAX_REQUESTS_PER_CLIENT):
        if time.monotonic() >= deadline:
            return
        start = time.perf_counter()
        status, _reply = request(base, "POST", "/events", client.reporter_token, body, samples)
        if status == 201:
            samples.ok("submit", time.perf_counter() - start)
        else:
            samples.failed("submit", status)


def complete_loop(base: str, client: Client, deadline: float, samples: Samples) -> None:
    """Take the first task of the handler's own worklist and complete it, until the worklist is empty."""
    for _ in range(MAX_REQUESTS_PER_CLIENT):
        if time.monotonic() >= deadline:
            return
        start = time.perf_counter()
        status, tasks = request(base, "GET", "/tasks?limit=1", client.handler_token, samples=samples)
        if status != 200:
            samples.failed("worklist", status)
            continue
        samples.ok("worklist", time.perf_counter() - start)
        if not tasks:
            return
        task = tasks[0]
        start = time.perf_counter()
        status, _reply = request(base, "POST", f"/tasks/{task['id']}/complete", client.handler_token,
                                  {"data": vard.data_for(task["spec_name"])}, samples)
        if status == 200:
            samples.ok("complete", time.perf_counter() - start)
            samples.ok("worklist+complete", time.perf_counter() - start + samples.latencies["worklist"][-1])
        else:
            samples.failed("complete", status)


@dataclass(frozen=True)
class PhaseResult:
    seconds: float
    counts: dict[str, int]
    throughput: dict[str, float]  # successful requests per second of the phase, by kind
    latency: dict[str, dict[str, Any]]  # Summary.as_dict() by kind
    failures: dict[str, int]
    server_cpu_seconds: float  # the workers' user+system time during the phase
    database_cpu_seconds: float | None  # the PostgreSQL backends' (None on SQLite: it runs inside the workers)
    driver_cpu_seconds: float  # this process: the client threads
    workers: list[WorkerSample]  # after the phase

    def as_dict(self) -> dict[str, Any]:
        return {
            "seconds": round(self.seconds, 2),
            "counts": self.counts,
            "throughput_per_s": {k: round(v, 1) for k, v in self.throughput.items()},
            "latency": self.latency,
            "failures": self.failures,
            "server_cpu_seconds": round(self.server_cpu_seconds, 2),
            "database_cpu_seconds": None if self.database_cpu_seconds is None else round(self.database_cpu_seconds, 2),
            "driver_cpu_seconds": round(self.driver_cpu_seconds, 2),
            "workers": [vars(w) for w in self.workers],
        }


def run_phase(server: Server, clients: list[Client], loop: Loop, seconds: float,
              keepalive: bool = False) -> PhaseResult:
    """Run `loop` in one thread per client until the deadline; all threads are joined before returning."""
    before = sum(w.cpu_seconds for w in server.samples())
    database_before = server.database_cpu_seconds()
    driver_before = time.process_time()
    deadline = time.monotonic() + seconds
    per_thread = [Samples(keepalive=keepalive) for _ in clients]
    threads = [
        threading.Thread(target=loop, args=(server.base, client, deadline, samples), daemon=True)
        for client, samples in zip(clients, per_thread, strict=True)
    ]
    start = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=seconds + 60)
    for samples in per_thread:
        if samples.connection is not None:
            samples.connection.close()
    elapsed = time.perf_counter() - start
    driver = time.process_time() - driver_before
    workers = server.samples()
    database_after = server.database_cpu_seconds()
    merged = Samples()
    for samples in per_thread:
        for kind, values in samples.latencies.items():
            merged.latencies.setdefault(kind, []).extend(values)
        for key, count in samples.failures.items():
            merged.failures[key] = merged.failures.get(key, 0) + count
    return PhaseResult(
        seconds=elapsed,
        counts={kind: len(values) for kind, values in merged.latencies.items()},
        throughput={kind: len(values) / elapsed for kind, values in merged.latencies.items()},
        latency={kind: summarize(values).as_dict() for kind, values in merged.latencies.items()},
        failures=merged.failures,
        server_cpu_seconds=sum(w.cpu_seconds for w in workers) - before,
        database_cpu_seconds=None if database_after is None or database_before is None
        else database_after - database_before,
        driver_cpu_seconds=driver,
        workers=workers,
    )


def cpu_per(phase: PhaseResult, kind: str) -> dict[str, float | None]:
    count = max(phase.counts.get(kind, 0), 1)
    database = phase.database_cpu_seconds
    return {
        "workers": round(phase.server_cpu_seconds / count * 1000, 2),
        "postgresql": None if database is None else round(database / count * 1000, 2),
        "driver": round(phase.driver_cpu_seconds / count * 1000, 2),
        "total": round((phase.server_cpu_seconds + (database or 0.0) + phase.driver_cpu_seconds) / count * 1000, 2),
    }


def run_http(backend: Backend, workdir: Path, clients: int, warmup_seconds: float, submit_seconds: float,
             complete_seconds: float, keepalive: bool = True, code: Path | None = None) -> dict[str, Any]:
    """Part 3 (and the RSS of part 6) on one fresh backend: prepare it in-process, start `avvik serve --workers 2`,
    warm both workers up (the first request of each parses the release), then the submit and complete phases."""
    engine = prepared_engine(backend)
    users = prepare_clients(engine, clients)
    engine.db.dispose()
    server = Server(backend, workdir, code=code)
    try:
        run_phase(server, users, submit_loop, warmup_seconds, keepalive)
        submit = run_phase(server, users, submit_loop, submit_seconds, keepalive)
        complete = run_phase(server, users, complete_loop, complete_seconds, keepalive)
        workers = server.samples()
    finally:
        server.stop()
    return {
        "clients": clients,
        "keepalive": keepalive,
        "code": str(code) if code else "this tree",
        "workers": server.workers,
        "workers_replaced": sorted({w.pid for w in workers} ^ set(server.worker_pids)),
        "submit": submit.as_dict(),
        "complete": complete.as_dict(),
        "submits_per_s": round(submit.throughput.get("submit", 0.0), 1),
        "completions_per_s": round(complete.throughput.get("complete", 0.0), 1),
        # CPU ms per request by who spent it; a completion includes the worklist read that precedes it
        "cpu_ms_per_submit": cpu_per(submit, "submit"),
        "cpu_ms_per_completion": cpu_per(complete, "complete"),
        "peak_rss_mib_per_worker": [w.peak_rss_mib for w in workers],
    }
