"""One decorator turns a view into an API endpoint: authentication, marshmallow in, one engine call in the
view, marshmallow out, and an entry in the OpenAPI document. Views stay a few lines each."""

from __future__ import annotations

import functools
from dataclasses import dataclass
from typing import Any, Callable

from flask import Blueprint, Response, current_app, jsonify, request
from marshmallow import Schema
from werkzeug.exceptions import BadRequest, UnsupportedMediaType

from engine.api import Engine
from server.auth import login_required

__all__ = ["Endpoint", "ENDPOINTS", "endpoint", "engine"]


@dataclass(frozen=True)
class Endpoint:
    rule: str
    method: str
    summary: str
    body: type[Schema] | None
    query: type[Schema] | None
    response: type[Schema] | None
    many: bool
    status: int
    public: bool
    raw_body: bool


ENDPOINTS: list[Endpoint] = []


def engine() -> Engine:
    return current_app.extensions["avvik.engine"]


# Deeper JSON than any form needs is refused before it reaches recursive code (parsers, validators, storage).
MAX_JSON_DEPTH = 32


def _depth(value: Any) -> int:
    """Nesting depth, iteratively: a recursive walk would itself overflow on hostile input."""
    deepest, stack = 0, [(value, 1)]
    while stack:
        node, level = stack.pop()
        deepest = max(deepest, level)
        if level > MAX_JSON_DEPTH:
            break
        children = node.values() if isinstance(node, dict) else node if isinstance(node, list) else ()
        stack.extend((child, level + 1) for child in children)
    return deepest


def _json_body() -> Any:
    if not request.is_json:
        raise UnsupportedMediaType()
    try:
        data = request.get_json(silent=True)
    except RecursionError:
        data = None
    if data is None or _depth(data) > MAX_JSON_DEPTH:
        raise BadRequest()
    return data


def endpoint(
    blueprint: Blueprint,
    rule: str,
    method: str = "GET",
    *,
    summary: str,
    body: type[Schema] | None = None,
    query: type[Schema] | None = None,
    response: type[Schema] | None = None,
    many: bool = False,
    status: int = 200,
    public: bool = False,
    raw_body: bool = False,
) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Register `view` at `rule`; raw_body: the view reads a binary body itself (documented as such)."""
    ENDPOINTS.append(Endpoint(
        (blueprint.url_prefix or "") + rule, method, summary, body, query, response, many, status, public, raw_body
    ))

    def decorate(view: Callable[..., Any]) -> Callable[..., Any]:
        @functools.wraps(view)
        def handler(**path: Any) -> Response:
            kwargs = dict(path)
            if body is not None:
                kwargs["body"] = body().load(_json_body())
            if query is not None:
                kwargs["query"] = query().load(request.args.to_dict())
            result = view(**kwargs)
            payload = response(many=many).dump(result) if response is not None else result
            reply = jsonify(payload)
            reply.status_code = status
            return reply

        wrapped = handler if public else login_required(handler)
        blueprint.add_url_rule(rule, view_func=wrapped, methods=[method], endpoint=view.__name__)
        return view

    return decorate
