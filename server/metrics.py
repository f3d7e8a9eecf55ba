"""Prometheus metrics at /metrics (prometheus-client; docs/operations.md lists every metric).

Under gunicorn each worker is a process of its own: `avvik serve` points PROMETHEUS_MULTIPROC_DIR at a fresh
directory before the workers start, every worker writes its counters there, and a scrape (answered by whichever
worker gets it) sums them; a worker's files are marked dead when it exits. Counters count in the process that saw
the request; the work-flow gauges (open and overdue tasks, timer lag, the outbox, the worker's heartbeat) are read
from the database at each scrape, by a few indexed queries.

/metrics is not public: it answers only on the internal listener AVVIK_METRICS_BIND, or with
`Authorization: Bearer $AVVIK_METRICS_TOKEN`; with neither configured it is 404.
"""

from __future__ import annotations

import hmac
import os
import time
from collections.abc import Iterator

from flask import Flask, Response, current_app, g, request
from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, Counter, Gauge, Histogram, generate_latest
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.multiprocess import MultiProcessCollector
from prometheus_client.registry import REGISTRY, Collector

from engine.api import Engine
from server.errors import error_response
from server.tracing import route_template

__all__ = ["register", "count_outcome", "MULTIPROC_ENV"]

MULTIPROC_ENV = "PROMETHEUS_MULTIPROC_DIR"

REQUESTS = Counter("avvik_http_requests", "HTTP requests answered, by route template, method and status",
                   ["method", "endpoint", "status"])
LATENCY = Histogram("avvik_http_request_duration_seconds", "Time to answer a request, by route template",
                    ["method", "endpoint"])
OUTCOMES = {
    "reported": Counter("avvik_reports", "Area cases started by reports, by area", ["area"]),
    "task_completed": Counter("avvik_tasks_completed", "Tasks completed by a person, by area", ["area"]),
}
# Summed over the live worker processes: connections in use, and what the pools may open.
POOL_IN_USE = Gauge("avvik_db_pool_connections_in_use", "Database connections checked out of the pools",
                    multiprocess_mode="livesum")
POOL_SIZE = Gauge("avvik_db_pool_size", "Connections the pools keep open (without overflow)",
                  multiprocess_mode="livesum")


def count_outcome(what: str, area: str) -> None:
    """The engine's observer: a committed report or task completion."""
    OUTCOMES[what].labels(area=area).inc()


class _WorkFlow(Collector):
    """The gauges read from the database at scrape time."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    def collect(self) -> Iterator[GaugeMetricFamily]:
        state = self.engine.operations_snapshot()
        open_tasks = GaugeMetricFamily("avvik_tasks_open", "Open tasks, by area", labels=["area"])
        overdue = GaugeMetricFamily("avvik_tasks_overdue", "Open tasks past their due time, by area", labels=["area"])
        for area, (total, late) in sorted(state["tasks"].items()):
            open_tasks.add_metric([area], total)
            overdue.add_metric([area], late)
        yield open_tasks
        yield overdue
        yield GaugeMetricFamily("avvik_timer_lag_seconds", "How long the oldest due timer has waited to fire "
                                "(0: none is due)", value=state["timer_lag_s"])
        outbox = GaugeMetricFamily("avvik_outbox_notifications", "Notifications by delivery state: pending (not "
                                   "yet delivered), retrying (pending after a failed try), dead (given up)",
                                   labels=["state"])
        for state_name, count in state["outbox"].items():
            outbox.add_metric([state_name], count)
        yield outbox
        yield GaugeMetricFamily("avvik_outbox_oldest_pending_seconds", "Age of the oldest undelivered notification",
                                value=state["outbox_oldest_s"])
        if state["heartbeat_age_s"] is not None:
            yield GaugeMetricFamily("avvik_worker_heartbeat_age_seconds", "Seconds since an `avvik worker` last "
                                    "finished a round", value=state["heartbeat_age_s"])


def _watch_pool(engine: Engine) -> None:
    """Count checkouts across processes."""
    size = engine.watch_pool(POOL_IN_USE.inc, POOL_IN_USE.dec)
    if size is not None:
        POOL_SIZE.inc(size)


def _observe(response: Response) -> Response:
    endpoint, method = route_template(), request.method
    REQUESTS.labels(method=method, endpoint=endpoint, status=str(response.status_code)).inc()
    started = g.get("started")  # set by server/tracing.py when the request began
    if started is not None:
        LATENCY.labels(method=method, endpoint=endpoint).observe(max(0.0, time.perf_counter() - started))
    return response


def _allowed() -> bool:
    settings = current_app.extensions["avvik.settings"]
    if settings.metrics_bind:
        host, _, port = settings.metrics_bind.rpartition(":")
        # gunicorn sets these from the listening socket the request came in on, never from the Host header
        if (request.environ.get("SERVER_NAME"), request.environ.get("SERVER_PORT")) == (host.strip("[]"), port):
            return True
    if settings.metrics_token:
        scheme, _, token = request.headers.get("Authorization", "").partition(" ")
        offered, expected = token.strip().encode(), settings.metrics_token.encode()
        return scheme.lower() == "bearer" and hmac.compare_digest(offered, expected)
    return False


def _scrape() -> Response:
    if not _allowed():
        return error_response(404, "not_found", "Adressen finns inte.")
    engine: Engine = current_app.extensions["avvik.engine"]
    registry = CollectorRegistry()
    registry.register(_WorkFlow(engine))
    if os.environ.get(MULTIPROC_ENV):
        MultiProcessCollector(registry)
        text = generate_latest(registry)
    else:  # one process (tests, a single development server): its own counters
        text = generate_latest(REGISTRY) + generate_latest(registry)
    return Response(text, content_type=CONTENT_TYPE_LATEST, headers={"Cache-Control": "no-store"})


def register(app: Flask) -> None:
    engine: Engine = app.extensions["avvik.engine"]
    if count_outcome not in engine.observers:
        engine.observers.append(count_outcome)
    _watch_pool(engine)
    app.after_request(_observe)
    app.add_url_rule("/metrics", "metrics", _scrape, methods=["GET"])
