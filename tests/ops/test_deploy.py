"""Done when: an operator starts the API and a worker as deploy/ describes, scrapes /metrics, follows one request
id from an error to its log lines, and restores a backup into a fresh database. The unit files are read, not
copied: their ExecStart, Environment and EnvironmentFile run here with the test's database, ports and paths."""

from __future__ import annotations

import contextlib
import json
import os
import shlex
import subprocess
import sys
import time
import urllib.request
from pathlib import Path
from typing import Any
from collections.abc import Iterator

import pytest

from engine import Database, Engine
from server.app import create_app
from server.config import Settings
from tests.live import REPO, call, free_port, wait_until_up

from ..http import API
from ..smtp import Sink, smtp_sink  # noqa: F401  (the fixture)
from .test_backup import fresh_url  # noqa: F401  (the fixture)

pytestmark = pytest.mark.shared_database  # the deployed stack runs in subprocesses

DEPLOY = REPO / "deploy"


def unit(name: str) -> dict[str, list[str]]:
    """The [Service] settings of a unit file: key -> values in order."""
    settings: dict[str, list[str]] = {}
    section = None
    for line in (DEPLOY / name).read_text().splitlines():
        if line.startswith("["):
            section = line.strip("[]")
        elif section == "Service" and "=" in line and not line.startswith("#"):
            key, _, value = line.partition("=")
            settings.setdefault(key, []).append(value)
    return settings


def environment_file() -> dict[str, str]:
    lines = (DEPLOY / "avvik.env.example").read_text().splitlines()
    return dict(line.split("=", 1) for line in lines if line and not line.startswith("#"))


def command(service: dict[str, list[str]], options: dict[str, str]) -> list[str]:
    """ExecStart with this checkout's avvik in place of the installed one and the given options replaced."""
    argv = shlex.split(service["ExecStart"][0])
    assert argv[0] == "/opt/avvik/.venv/bin/avvik"
    argv[:1] = [sys.executable, "-m", "server.cli"]
    for option, value in options.items():
        argv[argv.index(option) + 1] = value
    return argv


@contextlib.contextmanager
def started(argv: list[str], env: dict[str, str], log: Path) -> Iterator[subprocess.Popen[bytes]]:
    with log.open("wb") as stderr:
        process = subprocess.Popen(argv, env=env, stdout=subprocess.DEVNULL, stderr=stderr, cwd=REPO)
        try:
            yield process
        finally:
            process.terminate()
            process.wait(timeout=30)


def scrape(url: str) -> str:
    with urllib.request.urlopen(url, timeout=10) as response:
        return response.read().decode()


def test_operator_runs_avvik_from_deploy(
    demo: Engine, report: dict[str, Any], tmp_path: Path, smtp_sink: tuple[Sink, str], fresh_url: str,  # noqa: F811
) -> None:
    api, worker = unit("avvik-api.service"), unit("avvik-worker.service")
    assert api["EnvironmentFile"] == worker["EnvironmentFile"] == ["/etc/avvik/avvik.env"]
    runtime = tmp_path / "run" / api["RuntimeDirectory"][0]  # what systemd creates for the unit
    runtime.mkdir(parents=True)
    port, metrics_port = free_port(), free_port()
    env = {**os.environ, "PYTHONPATH": str(REPO), **environment_file(),
           "AVVIK_DATABASE_URL": demo.db.url, "AVVIK_SMTP_URL": smtp_sink[1],
           "AVVIK_METRICS_BIND": f"127.0.0.1:{metrics_port}"}
    api_env = {**env, **{k: v.replace(f"/run/{api['RuntimeDirectory'][0]}", str(runtime))
                         for k, v in (item.split("=", 1) for item in api["Environment"])}}
    origin = f"http://127.0.0.1:{port}"
    api_log, worker_log = tmp_path / "api.log", tmp_path / "worker.log"

    with started(command(api, {"--host": "127.0.0.1", "--port": str(port), "--workers": "3"}), api_env,
                 api_log) as api_process, \
            started(command(worker, {"--interval": "0.5"}), env, worker_log):
        wait_until_up(origin, api_process, api_log)
        eva, anna = demo.create_token("eva"), demo.create_token("anna")
        assert call(f"{origin}{API}/events", eva, {"unit_id": "ks-akut", "data": report})[0] == 201
        assert call(f"{origin}{API}/ready")[0] == 200

        # /metrics: open on the internal listener, not on the public one
        assert call(f"{origin}/metrics")[0] == 404
        for _ in range(100):  # until the worker's first round is done
            metrics = scrape(f"http://127.0.0.1:{metrics_port}/metrics")
            if "avvik_worker_heartbeat_age_seconds" in metrics:
                break
            time.sleep(0.2)
        else:
            pytest.fail("no worker heartbeat in /metrics: " + worker_log.read_text())
        assert 'avvik_reports_total{area="vard"} 1.0' in metrics
        assert 'avvik_http_requests_total{endpoint="/api/v1/events",method="POST",status="201"} 1.0' in metrics
        assert (runtime / "metrics").is_dir() and any((runtime / "metrics").glob("*.db"))

        # a person sees an error with its id; the operator finds the request's log line by it
        status, error = call(f"{origin}{API}/events/AVV-2026-999999", anna)
        assert status == 404 and error["request_id"]
        for _ in range(50):  # the worker e-mails the triage task's notification
            if smtp_sink[0].received:
                break
            time.sleep(0.2)
        assert smtp_sink[0].received, worker_log.read_text()

    traced = [json.loads(line) for line in api_log.read_text().splitlines() if error["request_id"] in line]
    assert len(traced) == 1
    assert traced[0] | {"time": None, "duration_ms": None} == {
        "time": None, "level": "info", "logger": "avvik.request", "message": "request",
        "request_id": error["request_id"], "user_id": "anna", "method": "GET",
        "path": "/api/v1/events/<string:number>", "status": 404, "duration_ms": None}
    jobs = [json.loads(line) for line in worker_log.read_text().splitlines() if '"avvik.worker"' in line]
    assert {line["job"] for line in jobs} == {"timers", "action_deadlines", "outbox", "stats_rollup"}

    # yesterday's backup, restored into a fresh database, serves every event
    backup = tmp_path / "avvik-backup.dump"
    subprocess.run([sys.executable, "-m", "server.cli", "db", "backup", str(backup)], env=env, check=True,
                   capture_output=True, timeout=300)
    subprocess.run([sys.executable, "-m", "server.cli", "db", "restore", str(backup)],
                   env={**env, "AVVIK_DATABASE_URL": fresh_url}, check=True, capture_output=True, timeout=300)
    restored = Database(fresh_url)
    try:
        client = create_app(Settings(database_url=fresh_url), engine=Engine(restored)).test_client()
        listed = client.get(f"{API}/events", headers={"Authorization": f"Bearer {anna}"}).get_json()
        assert listed["items"] and listed["items"] == demo.list_events("anna")["items"]
        for item in listed["items"]:
            assert client.get(f"{API}/events/{item['number']}",
                              headers={"Authorization": f"Bearer {anna}"}).status_code == 200
    finally:
        restored.dispose()
