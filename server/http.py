"""One decorator turns a view into an API endpoint: authentication, marshmallow in, one engine call in the
view, marshmallow out, and an entry in the OpenAPI document. Views stay a few lines each."""

from __future__ import annotations

import functools
from dataclasses import dataclass
from typing import Any
from collections.abc import Callable

from flask import Blueprint, Response, current_app, jsonify, request
from marshmallow import Schema

from engine.api import Engine
from server.auth import login_required
from server.boundary import json_body

__all__ = ["Endpoint", "ENDPOINTS", "endpoint", "engine"]


@dataclass(frozen=True)
class Endpoint:
    rule: str
    method: str
    name: str  # blueprint.view: the operationId
    summary: str
    body: type[Schema] | None
    query: type[Schema] | None
    response: type[Schema] | None
    many: bool
    status: int
    public: bool
    raw_body: bool
    errors: tuple[int, ...] = ()  # error statuses beyond those the endpoint's shape implies (server/openapi.py)
    multipart: type[Schema] | None = None  # a multipart/form-data body, its parts described by the schema
    # media types of the files the view may answer (a Response, passed on as it is): beside its JSON when it has
    # a response schema (?format=csv|xlsx|pdf), else its only answer (an attachment's content)
    files: tuple[str, ...] = ()


ENDPOINTS: list[Endpoint] = []


def engine() -> Engine:
    return current_app.extensions["avvik.engine"]


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
    errors: tuple[int, ...] = (),
    multipart: type[Schema] | None = None,
    files: tuple[str, ...] = (),
) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Register `view` at `rule`; raw_body: the view reads a binary body itself (documented as such); errors:
    further error statuses the view answers; multipart: the view reads a multipart body (request.files, .form);
    files: the media types of the file Responses the view may return (server/openapi.py documents them)."""

    def decorate(view: Callable[..., Any]) -> Callable[..., Any]:
        ENDPOINTS.append(Endpoint(
            (blueprint.url_prefix or "") + rule, method, f"{blueprint.name}.{view.__name__}", summary, body, query,
            response, many, status, public, raw_body, errors, multipart, files,
        ))

        @functools.wraps(view)
        def handler(**path: Any) -> Response:
            kwargs = dict(path)
            if body is not None:
                kwargs["body"] = body().load(json_body())
            if query is not None:
                kwargs["query"] = query().load(request.args.to_dict())
            result = view(**kwargs)
            if isinstance(result, Response):  # readiness' 503, a file
                return result
            payload = response(many=many).dump(result) if response is not None else result
            reply = jsonify(payload)
            reply.status_code = status
            return reply

        wrapped = handler if public else login_required(handler)
        blueprint.add_url_rule(rule, view_func=wrapped, methods=[method], endpoint=view.__name__)
        return view

    return decorate
