"""One real gunicorn on loopback, two workers, the same database as the test: the production path."""

from __future__ import annotations

import json
import os
import re
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any, Iterator

import pytest

from engine import Engine

from ..definitions import publish_with


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


def wait_until_up(base: str, process: subprocess.Popen[bytes]) -> None:
    for _ in range(100):
        try:
            if call(f"{base}/health")[0] == 200:
                return
        except OSError:
            time.sleep(0.1)
    process.terminate()
    pytest.fail("gunicorn did not start: " + process.communicate(timeout=20)[1].decode())


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
        wait_until_up(base, process)
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


def raw_exchange(base: str, request: bytes) -> tuple[int, dict[str, str], Any]:
    """Send raw bytes, read the whole answer until the server closes; a reset fails the test."""
    host, port = base.split("//")[1].split("/")[0].split(":")
    with socket.create_connection((host, int(port)), timeout=10) as sock:
        sock.sendall(request)
        answer = b""
        while chunk := sock.recv(65536):
            answer += chunk
    head, _, body = answer.partition(b"\r\n\r\n")
    status_line, *lines = head.decode("latin-1").split("\r\n")
    headers = {k.lower(): v.strip() for k, _, v in (line.partition(":") for line in lines)}
    return int(status_line.split()[1]), headers, json.loads(body)


def test_requests_gunicorn_refuses_itself_get_the_json_error_shape(server: str, demo: Engine) -> None:
    token = demo.create_token("anna").encode()
    big_body = b"a" * 3_000_000
    cases = [
        (b"GET /api/v1/health?" + b"a" * 10_000 + b" HTTP/1.1\r\nHost: t\r\n\r\n", 414, "uri_too_long"),
        (b"GET /api/v1/health HTTP/1.1\r\nHost: t\r\nX-A: " + b"a" * 10_000 + b"\r\n\r\n", 431, "headers_too_large"),
        (b"GET /api/v1/health HTTP/1.1\r\n" + b"".join(b"X-%d: 1\r\n" % i for i in range(150)) + b"\r\n", 431,
         "headers_too_large"),
        (b"\x00\x01 not http\r\n\r\n", 400, "bad_request"),
        (b"GET /api/v1/health HTTP/9.9\r\n\r\n", 400, "bad_request"),
        (b"POST /api/v1/events HTTP/1.1\r\nHost: t\r\nContent-Type: application/json\r\nContent-Length: 3000000"
         b"\r\n\r\n" + big_body, 401, "unauthenticated"),
        (b"POST /api/v1/events HTTP/1.1\r\nHost: t\r\nAuthorization: Bearer " + token + b"\r\nContent-Type: "
         b"application/json\r\nContent-Length: 3000000\r\n\r\n" + big_body, 413, "too_large"),
        (b"POST /api/v1/events HTTP/1.1\r\nHost: t\r\nAuthorization: Bearer " + token + b"\r\nContent-Type: "
         b"application/json\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\nabc\r\n0\r\n\r\n", 400, "bad_request"),
    ]
    for request, status, code in cases:
        got, headers, body = raw_exchange(server, request)
        assert (got, body["code"]) == (status, code), request[:60]
        assert headers["content-type"] == "application/json" and body["message"]
    got, headers, body = raw_exchange(server, b"DELETE /api/v1/health HTTP/1.1\r\nHost: t\r\n\r\n")
    assert (got, body["code"]) == (405, "method_not_allowed") and "GET" in headers["allow"]


def test_serve_with_worker_fires_timers_beside_the_api_and_stops_with_it(
    demo: Engine, report: dict[str, Any], tmp_path: Path
) -> None:
    """`make run` runs `avvik serve --with-worker`: an SLA clock fires without anyone running the worker."""
    publish_with(demo, tmp_path, "vard", {"sla_triage: P5D": "sla_triage: PT1S"}, label="kort triage")
    number = demo.report_event("eva", "ks-akut", report)["number"]
    port = free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "engine.cli", "serve", "--port", str(port), "--workers", "1", "--with-worker",
         "--worker-interval", "0.2"],
        env={**os.environ, "AVVIK_DATABASE_URL": demo.db.url}, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
    )
    try:
        wait_until_up(f"http://127.0.0.1:{port}/api/v1", process)
        for _ in range(150):
            if [t["event_number"] for t in demo.worklist("bertil")] == [number]:
                break  # the triage was escalated to the verksamhetschef by the worker
            time.sleep(0.1)
        else:
            pytest.fail("the worker did not fire the triage clock")
    finally:
        process.terminate()
        stderr = process.communicate(timeout=40)[1].decode()
    worker_pid = int(re.search(r"pid (\d+)", stderr).group(1))  # type: ignore[union-attr]
    with pytest.raises(ProcessLookupError):
        os.kill(worker_pid, 0)
