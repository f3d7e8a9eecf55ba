"""/metrics: not public, and scraped from a real `avvik serve` with three workers the values move."""

from __future__ import annotations

import re
import urllib.request
from typing import Any

from engine import Engine
from server.app import create_app
from server.config import Settings
from tests.live import call, serve

from ..engine.test_vard_case import ACCEPT
from ..http import API


def test_metrics_are_not_public(demo: Engine) -> None:
    closed = create_app(Settings(database_url=demo.db.url), engine=demo).test_client()
    assert closed.get("/metrics").status_code == 404
    guarded = create_app(Settings(database_url=demo.db.url, metrics_token="s3cret"), engine=demo).test_client()
    assert guarded.get("/metrics").status_code == 404
    assert guarded.get("/metrics", headers={"Authorization": "Bearer wrong"}).status_code == 404
    response = guarded.get("/metrics", headers={"Authorization": "Bearer s3cret"})
    assert response.status_code == 200 and response.mimetype == "text/plain"
    assert "avvik_timer_lag_seconds" in response.get_data(as_text=True)


def scrape(origin: str, token: str = "s3cret") -> dict[str, float]:
    request = urllib.request.Request(f"{origin}/metrics", headers={"Authorization": f"Bearer {token}"})
    with urllib.request.urlopen(request, timeout=10) as response:
        text = response.read().decode()
    samples: dict[str, float] = {}
    for line in text.splitlines():
        match = re.fullmatch(r"([a-z_]+(?:\{[^}]*\})?) (\S+)", line)
        if match:
            samples[match[1]] = float(match[2])
    return samples


def value(samples: dict[str, float], name: str, **labels: str) -> float:
    """The sample's value, 0 when absent; labels must all match (others may be present)."""
    total = 0.0
    for key, number in samples.items():
        metric, _, rest = key.partition("{")
        if metric == name and all(f'{k}="{v}"' in rest for k, v in labels.items()):
            total += number
    return total


def test_scraping_a_running_server_with_several_workers(demo: Engine, report: dict[str, Any]) -> None:
    eva, anna = demo.create_token("eva"), demo.create_token("anna")
    with serve(demo.db.url, workers=3, AVVIK_METRICS_TOKEN="s3cret") as origin:
        before = scrape(origin)
        for _ in range(12):  # spread over the three workers; the scrape sums them
            assert call(f"{origin}{API}/me", anna)[0] == 200
        assert call(f"{origin}{API}/events/AVV-2026-999999", anna)[0] == 404
        status, event = call(f"{origin}{API}/events", eva, {"unit_id": "ks-akut", "data": report})
        assert status == 201
        after_report = scrape(origin)
        task = next(t for t in call(f"{origin}{API}/tasks", anna)[1] if t["event_number"] == event["number"])
        status, _ = call(f"{origin}{API}/tasks/{task['id']}/complete", anna, {"data": ACCEPT})
        assert status == 200
        after = scrape(origin)

    me = {"endpoint": "/api/v1/me", "method": "GET", "status": "200"}
    assert value(after, "avvik_http_requests_total", **me) - value(before, "avvik_http_requests_total", **me) == 12
    assert value(after, "avvik_http_requests_total", endpoint="/api/v1/events/<string:number>", status="404") == 1
    assert not any("AVV-2026" in key for key in after)  # templates, never paths
    assert value(after, "avvik_http_request_duration_seconds_count", endpoint="/api/v1/me") >= 12
    assert value(after, "avvik_reports_total", area="vard") - value(before, "avvik_reports_total", area="vard") == 1
    assert value(after, "avvik_tasks_completed_total", area="vard") == 1
    assert value(after_report, "avvik_tasks_open", area="vard") == value(before, "avvik_tasks_open", area="vard") + 1
    assert "avvik_tasks_overdue{area=\"vard\"}" in after
    assert value(after, "avvik_db_pool_size") >= 3  # one pool per worker, summed over the live ones
    assert "avvik_db_pool_connections_in_use" in after
    for gauge in ("avvik_timer_lag_seconds", "avvik_outbox_oldest_pending_seconds"):
        assert gauge in after
    assert value(after, "avvik_outbox_notifications", state="pending") >= 1  # the triage task notified its role
