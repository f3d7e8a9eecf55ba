"""The OpenAPI 3 document, generated from the endpoint table and its marshmallow schemas."""

from __future__ import annotations

import re
from typing import Any

from apispec import APISpec
from apispec.ext.marshmallow import MarshmallowPlugin

from server.http import ENDPOINTS
from server.schemas import ErrorOut

__all__ = ["build_openapi"]

_CONVERTER = re.compile(r"<(?:[a-z]+:)?([a-z_]+)>")
_ERRORS = {
    "400": "Felaktig JSON", "401": "Inte inloggad", "403": "Saknar behörighet", "404": "Finns inte",
    "409": "Krock med ärendets läge (stale, not_ready, closure_blocked, illegal_transition)",
    "413": "För stor begäran", "422": "Ogiltiga uppgifter", "429": "För många försök",
}


def build_openapi() -> dict[str, Any]:
    spec = APISpec(
        title="avvik API",
        version="1",
        openapi_version="3.0.3",
        plugins=[MarshmallowPlugin()],
        info={"description": "Avvikelsehantering. Alla fel har formen {code, message, ...}."},
    )
    spec.components.security_scheme("bearer", {"type": "http", "scheme": "bearer"})
    spec.components.schema("Error", schema=ErrorOut)
    paths: dict[str, dict[str, Any]] = {}
    for ep in ENDPOINTS:
        path = _CONVERTER.sub(r"{\1}", ep.rule)
        operation: dict[str, Any] = {"summary": ep.summary, "responses": {}}
        params = [{"name": n, "in": "path", "required": True, "schema": {"type": "string"}}
                  for n in _CONVERTER.findall(ep.rule)]
        if ep.query is not None:
            params.append({"in": "query", "schema": ep.query})
        if params:
            operation["parameters"] = params
        if ep.body is not None:
            operation["requestBody"] = {"required": True, "content": {"application/json": {"schema": ep.body}}}
        if ep.raw_body:
            binary = {"schema": {"type": "string", "format": "binary"}}
            operation["requestBody"] = {"required": True, "content": {"application/zip": binary,
                                                                       "application/x-tar": binary}}
        ok: dict[str, Any] = {"description": "OK"}
        if ep.response is not None:
            schema: Any = ep.response
            ok["content"] = {"application/json": {"schema": {"type": "array", "items": schema} if ep.many else schema}}
        operation["responses"][str(ep.status)] = ok
        for status, text in _ERRORS.items():
            operation["responses"][status] = {
                "description": text, "content": {"application/json": {"schema": "Error"}}
            }
        if not ep.public:
            operation["security"] = [{"bearer": []}]
        paths.setdefault(path, {})[ep.method.lower()] = operation
    for path, operations in paths.items():
        spec.path(path=path, operations=operations)
    return spec.to_dict()


if __name__ == "__main__":  # `python -m server.openapi`: the document on stdout (the web app types its client with it)
    import json

    import server.routes  # noqa: F401  registers every endpoint

    print(json.dumps(build_openapi(), ensure_ascii=False, indent=1))
