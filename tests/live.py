"""A real `avvik serve` (gunicorn) on loopback against the test's database: the production path, for the
gunicorn and browser tests."""

from __future__ import annotations

import contextlib
import json
import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any
from collections.abc import Iterator

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


def wait_until_up(origin: str, process: subprocess.Popen[bytes], log: Path | None = None) -> None:
    """Wait for the server's health answer; fail the test with gunicorn's own words (its stderr, or the log file
    it went to) if it never comes."""
    deadline = time.monotonic() + 90  # a loaded 2-core machine (CI beside other suites) can take a minute
    while time.monotonic() < deadline and process.poll() is None:
        try:
            if call(f"{origin}/api/v1/health")[0] == 200:
                return
        except OSError:
            time.sleep(0.2)
    process.terminate()
    stderr = process.communicate(timeout=20)[1]
    words = stderr.decode() if stderr is not None else log.read_text() if log is not None else ""
    pytest.fail("gunicorn did not start: " + words)


@contextlib.contextmanager
def serve(database_url: str, workers: int = 2, port: int | None = None, log: Path | None = None,
          **env: str) -> Iterator[str]:
    """Run `avvik serve` with the repository's code and extra environment; yield its origin. Its log (a JSON
    line per request) goes to `log`, else to a temporary file: never to a pipe nobody reads, which would fill
    and stall the server."""
    port = port or free_port()
    environment = {**os.environ, "AVVIK_DATABASE_URL": database_url, "PYTHONPATH": str(REPO), **env}
    with contextlib.ExitStack() as stack:
        if log is None:
            log = Path(stack.enter_context(tempfile.TemporaryDirectory())) / "serve.log"
        process = subprocess.Popen(
            [sys.executable, "-m", "server.cli", "serve", "--port", str(port), "--workers", str(workers)],
            env=environment, stdout=subprocess.DEVNULL, stderr=stack.enter_context(log.open("wb")),
        )
        origin = f"http://127.0.0.1:{port}"
        try:
            wait_until_up(origin, process, log)
            yield origin
        finally:
            process.terminate()
            process.wait(timeout=20)
