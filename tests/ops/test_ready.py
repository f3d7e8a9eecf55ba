"""Readiness (/api/v1/ready) as a load balancer asks it: 200 only when the database answers, its schema is at
the newest migration and a release is active; otherwise 503 with every reason, in Swedish."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from engine import Database
from engine.store.schema import upgrade
from server.app import create_app
from server.config import Settings
from tests.live import free_port


def ready(url: str) -> tuple[int, dict[str, Any]]:
    response = create_app(Settings(database_url=url)).test_client().get("/api/v1/ready")
    return response.status_code, response.get_json()


def test_ready_when_the_database_is_current_and_a_release_is_active(client: Any) -> None:
    response = client.get("/api/v1/ready")
    assert response.status_code == 200
    assert response.get_json()["status"] == "ready"
    assert [c["code"] for c in response.get_json()["checks"]] == ["database", "schema", "configuration"]
    assert client.get("/api/v1/health").get_json()["status"] == "ok"  # liveness is unchanged and cheap


def test_not_ready_says_why_and_what_to_do(tmp_path: Path) -> None:
    empty = f"sqlite:///{tmp_path / 'empty.sqlite3'}"
    status, body = ready(empty)
    assert status == 503 and body["code"] == "not_ready" and body["request_id"]
    assert [(c["code"], c["ok"]) for c in body["checks"]] == [("database", True), ("schema_missing", False)]
    assert "avvik db upgrade" in body["message"]

    behind = f"sqlite:///{tmp_path / 'behind.sqlite3'}"
    upgrade(Database(behind), "0004_notify")
    status, body = ready(behind)
    assert status == 503 and body["checks"][-1]["code"] == "schema_outdated"
    assert "0004_notify" in body["checks"][-1]["message"]

    unconfigured = f"sqlite:///{tmp_path / 'unconfigured.sqlite3'}"
    upgrade(Database(unconfigured))
    status, body = ready(unconfigured)
    assert status == 503 and body["checks"][-1]["code"] == "no_active_configuration"
    assert "avvik release activate" in body["message"]

    status, body = ready(f"postgresql+psycopg://postgres@127.0.0.1:{free_port()}/avvik?connect_timeout=2")
    assert status == 503 and [c["code"] for c in body["checks"]] == ["database_unreachable"]
    assert "AVVIK_DATABASE_URL" in body["message"]
