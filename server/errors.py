"""The one place errors become HTTP: every 4xx/5xx is `{code, message, ...}` with a stable code."""

from __future__ import annotations

import logging
from typing import Any

from flask import Flask, Response, jsonify
from marshmallow import ValidationError
from werkzeug.exceptions import HTTPException, MethodNotAllowed

from engine.api import (
    AuthenticationFailed,
    AvvikError,
    Conflict,
    DefinitionError,
    InvalidInput,
    NotFound,
    PermissionDenied,
    ProcessFault,
    RateLimited,
    SandboxError,
    TooLarge,
    Unavailable,
)
from server.messages import swedish
from server.tracing import request_id

__all__ = ["STATUS", "register", "error_response"]

log = logging.getLogger(__name__)

# Most specific first: the first matching class decides the status.
STATUS: list[tuple[type[AvvikError], int]] = [
    (AuthenticationFailed, 401),
    (PermissionDenied, 403),
    (RateLimited, 429),
    (NotFound, 404),
    (Conflict, 409),
    (TooLarge, 413),
    (InvalidInput, 422),
    (DefinitionError, 422),
    (SandboxError, 422),
    (ProcessFault, 422),
    (Unavailable, 503),
]

_HTTP_CODES = {
    400: ("bad_request", "Begäran kunde inte tolkas."),
    401: ("unauthenticated", "Du är inte inloggad."),
    404: ("not_found", "Adressen finns inte."),
    405: ("method_not_allowed", "Metoden är inte tillåten för adressen."),
    413: ("too_large", "Begäran är för stor."),
    415: ("unsupported_media_type", "Skicka JSON (Content-Type: application/json)."),
    429: ("rate_limited", "För många försök. Vänta en stund och försök igen."),
}


def error_response(status: int, code: str, message: str, **details: Any) -> Response:
    response = jsonify({"code": code, "message": message, **details})
    response.status_code = status
    return response


def _avvik(error: AvvikError) -> Response:
    status = next((s for cls, s in STATUS if isinstance(error, cls)), 500)
    response = jsonify(error.to_dict())
    response.status_code = status
    if status == 401:
        response.headers["WWW-Authenticate"] = 'Bearer realm="avvik"'
    return response


def _validation(error: ValidationError) -> Response:
    """marshmallow's nested messages flattened to [{path, message}], in Swedish (server/messages.py)."""
    errors: list[dict[str, str]] = []

    def walk(messages: Any, path: list[str]) -> None:
        if isinstance(messages, dict):
            for key, value in messages.items():
                walk(value, [*path, str(key)])
        elif isinstance(messages, list) and all(isinstance(m, str) for m in messages):
            errors.extend({"path": "/".join(path), "message": swedish(m)} for m in messages)
        elif isinstance(messages, list):
            for index, value in enumerate(messages):
                walk(value, [*path, str(index)])
        else:
            errors.append({"path": "/".join(path), "message": swedish(str(messages))})

    walk(error.messages, [])
    return error_response(422, "validation_failed", "Uppgifterna är inte giltiga.", errors=errors)


def _http(error: HTTPException) -> Response:
    """werkzeug's and Flask's own errors (404, 405, 413, 415, a BadRequest) in the one error shape."""
    status = error.code or 500
    code, message = _HTTP_CODES.get(status, ("error", "Något gick fel."))
    if hasattr(error, "avvik_code"):  # the input boundary's own 400s say what was wrong
        code, message = error.avvik_code, str(error.description)
    response = error_response(status, code, message)
    if isinstance(error, MethodNotAllowed) and error.valid_methods:
        response.headers["Allow"] = ", ".join(sorted(error.valid_methods))
    return response


def _unexpected(error: Exception) -> Response:
    log.exception("unhandled error", exc_info=error, extra={"fields": {"request_id": request_id()}})
    return error_response(500, "internal_error", "Ett oväntat fel inträffade och ändringen sparades inte. Försök igen.")


def register(app: Flask) -> None:
    app.register_error_handler(AvvikError, _avvik)
    app.register_error_handler(ValidationError, _validation)
    app.register_error_handler(HTTPException, _http)
    app.register_error_handler(Exception, _unexpected)
