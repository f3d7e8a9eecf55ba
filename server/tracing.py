"""Request correlation: every request has an id, taken from `X-Request-ID` when the caller sent a sane one (a
load balancer's), else made here. It is returned in `X-Request-ID`, written into every error body as
`request_id` (the web app shows it, so a screenshot can be traced), and carried by the one JSON log line each
request writes: time, level, request id, user, method, route template, status, duration. Never the raw path
(it holds event numbers), never a query value, never a body."""

from __future__ import annotations

import json
import logging
import re
import time
import uuid

from flask import Flask, Response, g, request

__all__ = ["REQUEST_ID_HEADER", "request_id", "route_template", "register"]

REQUEST_ID_HEADER = "X-Request-ID"
# What a caller's id may be: enough for UUIDs and the usual load balancer formats, nothing a log could trip on.
_VALID_ID = re.compile(r"[A-Za-z0-9._:-]{1,128}")
UNMATCHED = "<unmatched>"  # the template of a request no route matched (404s): never the path itself

log = logging.getLogger("avvik.request")


def request_id() -> str:
    return str(g.get("request_id") or "-")


def route_template() -> str:
    return request.url_rule.rule if request.url_rule is not None else UNMATCHED


def _start() -> None:
    offered = request.headers.get(REQUEST_ID_HEADER, "")
    g.request_id = offered if _VALID_ID.fullmatch(offered) else uuid.uuid4().hex
    g.started = time.perf_counter()


def _finish(response: Response) -> Response:
    response.headers[REQUEST_ID_HEADER] = request_id()
    if response.status_code >= 400 and response.mimetype == "application/json":
        body = response.get_json(silent=True)
        if isinstance(body, dict) and "request_id" not in body:
            body["request_id"] = request_id()
            response.set_data(json.dumps(body, ensure_ascii=False))
    duration_ms = round((time.perf_counter() - g.get("started", time.perf_counter())) * 1000, 1)
    level = logging.ERROR if response.status_code >= 500 else logging.INFO
    log.log(level, "request", extra={"fields": {
        "request_id": request_id(), "user_id": g.get("user_id"), "method": request.method,
        "path": route_template(), "status": response.status_code, "duration_ms": duration_ms,
    }})
    return response


def register(app: Flask) -> None:
    app.before_request(_start)
    app.after_request(_finish)
