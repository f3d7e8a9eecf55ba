"""Request ids and the request's log line, in process: the id a caller sends is kept when sane, returned in
X-Request-ID and in every error body; the line names the route template, never the path or a query value."""

from __future__ import annotations

import json
import logging
from typing import Any

import pytest

from engine.logs import JsonFormatter

from ..http import API


def test_a_sane_request_id_is_kept_and_returned(client: Any, auth: Any) -> None:
    for offered in ("a1b2c3d4", "lb-7f3a:12.9_x", "x" * 128):
        response = client.get(f"{API}/me", headers={**auth("anna"), "X-Request-ID": offered})
        assert response.status_code == 200 and response.headers["X-Request-ID"] == offered


@pytest.mark.parametrize("offered", ["", "x" * 129, "two words", "bad\"quote", "åäö", "{\"json\":1}"])
def test_an_unsafe_request_id_is_replaced(client: Any, offered: str) -> None:
    response = client.get(f"{API}/health", headers={"X-Request-ID": offered})
    returned = response.headers["X-Request-ID"]
    assert returned != offered and len(returned) == 32 and returned.isalnum()


def test_every_error_body_carries_the_request_id(client: Any, auth: Any) -> None:
    cases = [
        client.get(f"{API}/me"),  # 401
        client.get(f"{API}/events/AVV-2026-999999", headers=auth("anna")),  # 404 from the engine
        client.get("/finns/inte"),  # 404 from werkzeug, no route
        client.post(f"{API}/events", data="{", headers={**auth("eva"), "Content-Type": "application/json"}),  # 400
        client.post(f"{API}/events", json={"unit_id": "ks-akut"}, headers=auth("eva")),  # 422
        client.delete(f"{API}/health", headers={"X-Request-ID": "trace-405"}),  # 405
    ]
    for response in cases:
        assert response.status_code >= 400
        assert response.get_json()["request_id"] == response.headers["X-Request-ID"], response.get_json()
    assert cases[-1].get_json()["request_id"] == "trace-405"


def test_the_request_line_has_the_template_and_no_path_or_query_values(
    client: Any, auth: Any, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger="avvik.request")
    client.get(f"{API}/events/AVV-2026-000042?hemligt=19121212-1212", headers={**auth("anna"), "X-Request-ID": "r-1"})
    client.get(f"{API}/events?text=19121212-1212", headers=auth("anna"))
    client.get("/finns/19121212-1212")
    lines = [json.loads(JsonFormatter().format(r)) for r in caplog.records if r.name == "avvik.request"]
    assert [(line["path"], line["status"]) for line in lines] == [
        ("/api/v1/events/<string:number>", 404), ("/api/v1/events", 200), ("<unmatched>", 404)]
    first = lines[0]
    assert first["request_id"] == "r-1" and first["user_id"] == "anna" and first["method"] == "GET"
    assert first["level"] == "info" and first["time"] and first["duration_ms"] >= 0
    assert not any("1212" in json.dumps(line) or "000042" in json.dumps(line) for line in lines)


def test_an_unexpected_error_logs_its_type_and_frames_never_its_message(
    client: Any, auth: Any, demo: Any, caplog: pytest.LogCaptureFixture, monkeypatch: pytest.MonkeyPatch
) -> None:
    def explode(*_: Any, **__: Any) -> Any:
        raise RuntimeError("värdet 19121212-1212 är fel")

    monkeypatch.setattr(demo, "me", explode)
    caplog.set_level(logging.INFO)
    response = client.get(f"{API}/me", headers={**auth("anna"), "X-Request-ID": "boom-1"})
    assert response.status_code == 500 and response.get_json()["request_id"] == "boom-1"
    lines = [json.loads(JsonFormatter().format(r)) for r in caplog.records]
    error = next(line for line in lines if line.get("error"))
    assert error["error"] == "RuntimeError" and error["request_id"] == "boom-1" and error["stack"]
    assert not any("19121212" in json.dumps(line) for line in lines)
