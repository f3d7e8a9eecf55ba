"""`avvik serve` (gunicorn) on loopback as a child process, and what its workers cost: CPU time and peak RSS
(VmHWM) read from /proc for each worker, the children of the gunicorn master."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from dataclasses import dataclass
from pathlib import Path

import psycopg

from bench.databases import BENCH_DATABASE, Backend, postgres_admin_dsn
from bench.trees import REPO_TREE

__all__ = ["WorkerSample", "Server"]

_CLOCK_TICKS = os.sysconf("SC_CLK_TCK")


@dataclass(frozen=True)
class WorkerSample:
    pid: int
    cpu_seconds: float  # user + system since the worker started
    peak_rss_mib: float  # VmHWM
    rss_mib: float  # VmRSS


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _children(pid: int) -> list[int]:
    children = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue  # the process ended meanwhile
            if int(fields[1]) == pid:
                children.append(int(entry.name))
    return sorted(children)


def _cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / _CLOCK_TICKS  # utime, stime (fields 14 and 15 of stat)


def _sample(pid: int) -> WorkerSample:
    cpu = _cpu_seconds(pid)
    status = dict(
        line.split(":", 1) for line in Path(f"/proc/{pid}/status").read_text().splitlines() if ":" in line
    )
    return WorkerSample(
        pid=pid,
        cpu_seconds=cpu,
        peak_rss_mib=round(int(status["VmHWM"].split()[0]) / 1024, 1),
        rss_mib=round(int(status["VmRSS"].split()[0]) / 1024, 1),
    )


class Server:
    """`avvik serve` with `workers` workers on 127.0.0.1, its database given by AVVIK_DATABASE_URL; `code`: the
    checkout whose server runs (another one, e.g. an older commit's worktree, for a before/after in one run); `env`:
    more of the server's settings."""

    def __init__(self, backend: Backend, workdir: Path, workers: int = 2, code: Path | None = None,
                 env: dict[str, str] | None = None) -> None:
        self.backend = backend
        self.port = _free_port()
        self.base = f"http://127.0.0.1:{self.port}/api/v1"
        self.workers = workers
        self._log = workdir / f"gunicorn-{backend.name}.log"
        with self._log.open("wb") as log:
            self._process = subprocess.Popen(
                [sys.executable, "-m", "server.cli", "serve", "--port", str(self.port), "--workers", str(workers)],
                env={**os.environ, **(env or {}), "AVVIK_DATABASE_URL": backend.url,
                     "PYTHONPATH": str(code or REPO_TREE)},
                cwd=code or REPO_TREE,
                stdout=subprocess.DEVNULL,  # the access log: one line per request
                stderr=log,
            )
        self._wait_ready()
        self.worker_pids = _children(self._process.pid)

    def _wait_ready(self, seconds: float = 30.0) -> None:
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            if self._process.poll() is not None:
                break
            try:
                with urllib.request.urlopen(f"{self.base}/health", timeout=2) as response:
                    if response.status == 200 and len(_children(self._process.pid)) == self.workers:
                        return
            except OSError:
                pass
            time.sleep(0.2)
        self.stop()
        raise RuntimeError("gunicorn did not start:\n" + self._log.read_text()[-3000:])

    def samples(self) -> list[WorkerSample]:
        """The current workers; a worker that gunicorn replaced (timeout, crash) shows up with a new pid."""
        return [_sample(pid) for pid in _children(self._process.pid)]

    def database_cpu_seconds(self) -> float | None:
        """CPU time of the PostgreSQL backends serving the bench database so far (None on SQLite, where the
        database works inside the workers)."""
        if self.backend.name != "postgresql":
            return None
        with psycopg.connect(postgres_admin_dsn(), autocommit=True) as connection:
            pids = [row[0] for row in connection.execute(
                "SELECT pid FROM pg_stat_activity WHERE datname = %s AND pid <> pg_backend_pid()", (BENCH_DATABASE,))]
        total = 0.0
        for pid in pids:
            try:
                total += _cpu_seconds(pid)
            except OSError:
                continue  # the backend ended meanwhile
        return total

    def stop(self) -> None:
        if self._process.poll() is None:
            self._process.send_signal(signal.SIGTERM)
            try:
                self._process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self._process.kill()
                self._process.wait()
