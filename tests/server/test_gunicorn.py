"""One real gunicorn on loopback, two workers, the same database as the test: the production path."""

from __future__ import annotations

import json
import os
import re
import socket
import subprocess
import sys
import time
from pathlib import Path
from typing import Any
from collections.abc import Iterator

import pytest

from engine import Engine
from tests.live import call, free_port, serve, wait_until_up

from ..definitions import publish_with

pytestmark = pytest.mark.shared_database  # gunicorn serves from subprocesses


@pytest.fixture
def server(demo: Engine) -> Iterator[str]:
    with serve(demo.db.url) as origin:
        yield f"{origin}/api/v1"


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
    got, headers, body = raw_exchange(server, b"DELETE /api/v1/health HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n")
    assert (got, body["code"]) == (405, "method_not_allowed") and "GET" in headers["allow"]


def test_serve_with_worker_fires_timers_beside_the_api_and_stops_with_it(
    demo: Engine, report: dict[str, Any], tmp_path: Path
) -> None:
    """`make run` runs `avvik serve --with-worker`: an SLA clock fires without anyone running the worker."""
    publish_with(demo, tmp_path, "vard", {"sla_triage: P5D": "sla_triage: PT1S"}, label="kort triage")
    number = demo.report_event("eva", "ks-akut", report)["number"]
    port = free_port()
    log = tmp_path / "serve.log"  # a file, not a pipe: the JSON lines of the API and the worker would fill a pipe
    with log.open("wb") as stderr:
        process = subprocess.Popen(
            [sys.executable, "-m", "server.cli", "serve", "--port", str(port), "--workers", "1", "--with-worker",
             "--worker-interval", "0.2"],
            env={**os.environ, "AVVIK_DATABASE_URL": demo.db.url}, stdout=subprocess.DEVNULL, stderr=stderr,
        )
        try:
            wait_until_up(f"http://127.0.0.1:{port}", process, log)
            for _ in range(150):
                if [t["event_number"] for t in demo.worklist("bertil")] == [number]:
                    break  # the triage was escalated to the verksamhetschef by the worker
                time.sleep(0.1)
            else:
                pytest.fail("the worker did not fire the triage clock")
        finally:
            process.terminate()
            process.wait(timeout=40)
    worker_pid = int(re.search(r"pid (\d+)", log.read_text()).group(1))  # type: ignore[union-attr]
    with pytest.raises(ProcessLookupError):
        os.kill(worker_pid, 0)


def test_an_api_client_keeps_its_connection_between_requests(server: str, demo: Engine) -> None:
    # Sync workers closed the connection after every response: each API call paid a new TCP connection.
    import http.client

    token = demo.create_token("anna")
    host, port = server.split("//")[1].split("/")[0].split(":")
    connection = http.client.HTTPConnection(host, int(port), timeout=10)
    try:
        peers = []
        for _ in range(3):
            connection.request("GET", "/api/v1/tasks", headers={"Authorization": f"Bearer {token}"})
            response = connection.getresponse()
            assert response.status == 200 and json.loads(response.read()) == []
            assert response.getheader("Connection", "").lower() != "close"
            assert connection.sock is not None
            peers.append(connection.sock.getsockname())
        assert len(set(peers)) == 1  # one TCP connection, the same local port, for all three
    finally:
        connection.close()
