"""A real `avvik serve` (gunicorn) on loopback against the test's database: the production path, for the
gunicorn and browser tests."""

from __future__ import annotations

import contextlib
import json
import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any, Iterator

import pytest

REPO = Path(__file__).resolve().parents[1]


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


def wait_until_up(origin: str, process: subprocess.Popen[bytes]) -> None:
    """Wait for the server's health answer; fail the test with gunicorn's own words if it never comes."""
    for _ in range(600):  # up to a minute: a worker importing scim2-models on a busy machine takes a while
        try:
            if call(f"{origin}/api/v1/health")[0] == 200:
                return
        except OSError:
            time.sleep(0.1)
    process.terminate()
    pytest.fail("gunicorn did not start: " + process.communicate(timeout=20)[1].decode())


@contextlib.contextmanager
def serve(database_url: str, workers: int = 2, port: int | None = None, **env: str) -> Iterator[str]:
    """Run `avvik serve` with the repository's code and extra environment; yield its origin."""
    port = port or free_port()
    environment = {**os.environ, "AVVIK_DATABASE_URL": database_url, "PYTHONPATH": str(REPO), **env}
    process = subprocess.Popen(
        [sys.executable, "-m", "engine.cli", "serve", "--port", str(port), "--workers", str(workers)],
        env=environment, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
    )
    origin = f"http://127.0.0.1:{port}"
    try:
        wait_until_up(origin, process)
        yield origin
    finally:
        process.terminate()
        process.wait(timeout=20)
