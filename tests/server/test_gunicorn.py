"""One real gunicorn on loopback, two workers, the same database as the test: the production path."""

from __future__ import annotations

from typing import Any, Iterator

import pytest

from engine import Engine
from tests.live import call, serve


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
