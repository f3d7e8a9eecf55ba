"""One real gunicorn on loopback, two workers, the same database as the test: the production path."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from typing import Any, Iterator

import pytest

from engine import Engine


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def call(url: str, token: str | None = None, body: Any = None) -> tuple[int, Any]:
    data = json.dumps(body).encode() if body is not None else None
    request = urllib.request.Request(url, data=data, method="POST" if data else "GET")
    request.add_header("Content-Type", "application/json")
    if token:
        request.add_header("Authorization", f"Bearer {token}")
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read())


@pytest.fixture
def server(demo: Engine) -> Iterator[str]:
    port = free_port()
    env = {**os.environ, "AVVIK_DATABASE_URL": demo.db.url}
    process = subprocess.Popen(
        [sys.executable, "-m", "engine.cli", "serve", "--port", str(port), "--workers", "2"],
        env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
    )
    base = f"http://127.0.0.1:{port}/api/v1"
    try:
        for _ in range(100):
            try:
                if call(f"{base}/health")[0] == 200:
                    break
            except OSError:
                time.sleep(0.1)
        else:
            process.terminate()
            pytest.fail("gunicorn did not start: " + process.communicate(timeout=20)[1].decode())
        yield base
    finally:
        process.terminate()
        process.wait(timeout=20)


def test_report_and_worklist_through_gunicorn(server: str, demo: Engine, report: dict[str, Any]) -> None:
    eva, anna = demo.create_token("eva"), demo.create_token("anna")
    status, event = call(f"{server}/events", eva, {"unit_id": "ks-akut", "data": report})
    assert status == 201 and event["areas"][0]["area"] == "vard"
    numbers = set()
    for _ in range(6):  # requests land on both workers
        status, tasks = call(f"{server}/tasks", anna)
        assert status == 200
        numbers |= {t["event_number"] for t in tasks}
    assert numbers == {event["number"]}
    status, error = call(f"{server}/tasks", "avk_wrong")
    assert status == 401 and error["code"] == "unauthenticated"
