"""The OpenAPI 3.1 document, generated from the endpoint table and its marshmallow schemas.

Every path is templated (`{action_id}`, never a Flask converter), every path parameter has the schema its
converter enforces, and every operation lists the error statuses it can answer, each with the Error body.
"""

from __future__ import annotations

import re
from typing import Any

from apispec import APISpec
from apispec.ext.marshmallow import MarshmallowPlugin

from server.http import ENDPOINTS, Endpoint
from server.schemas import ErrorOut

# ?format=csv|xlsx answers (server/downloads.py)

__all__ = ["build_openapi"]

# <converter(args):name> or <name>: werkzeug's rule syntax.
_CONVERTER = re.compile(r"<(?:(?P<kind>[a-z]+)(?:\((?P<args>[^)]*)\))?:)?(?P<name>[a-z_]+)>")
_ERRORS = {
    "400": "Begäran kunde inte tolkas: trasig eller icke-standard JSON (NaN, Infinity, 1e400), otillåtna tecken i "
           "adress eller frågesträng (invalid_text)",
    "401": "Inte inloggad, eller nyckeln har gått ut eller återkallats",
    "403": "Saknar behörighet (required_role)",
    "404": "Finns inte, eller du får inte veta att det finns",
    "409": "Krock med nuvarande läge: stale, not_ready, closure_blocked (unmet), illegal_transition (allowed), "
           "case_closed, event_closed, conflict (någon annan hann före; försök igen)",
    "413": "För stor begäran",
    "415": "Fel Content-Type",
    "422": "Ogiltiga uppgifter: validation_failed (errors med path), definition_invalid (findings), "
           "expression_refused, process_fault, attachment_infected",
    "429": "För många försök",
    "503": "Inte tillgänglig: not_ready (readiness; checks säger vad som saknas och hur det åtgärdas) eller "
           "unavailable (en del begäran behöver svarar inte här, t.ex. PDF-biblioteket eller virusskannern)",
}

# /metrics is the operators' (server/metrics.py): Prometheus text, not JSON, and not public.
_METRICS: dict[str, Any] = {
    "summary": "Mätvärden i Prometheus-format (bara på den interna adressen AVVIK_METRICS_BIND eller med "
               "AVVIK_METRICS_TOKEN; annars 404)",
    "operationId": "metrics",
    "responses": {
        "200": {"description": "OK", "content": {"text/plain": {"schema": {"type": "string"}}}},
        "400": {"$ref": "#/components/responses/E400"},
        "404": {"$ref": "#/components/responses/E404"},
    },  # no `security`: its token is AVVIK_METRICS_TOKEN, not an API token, and a wrong one is a 404
}

# Stateful links (OpenAPI 3.1 link objects): from an operation's answer to the operations it makes possible, so
# clients and fuzzers can follow report → event → task → claim/complete and action → transition.
_LINKS: dict[str, dict[str, tuple[str, str, str]]] = {
    # operationId: {link name: (target operationId, path parameter, runtime expression)}
    "events.report": {
        "GetEvent": ("events.get_event", "number", "$response.body#/number"),
        "Closure": ("events.closure", "number", "$response.body#/number"),
        "CreateAction": ("events.create_action", "number", "$response.body#/number"),
        "Rename": ("events.rename", "number", "$response.body#/number"),
        "AddArea": ("events.add_area", "number", "$response.body#/number"),
    },
    "events.list_events": {
        "GetEvent": ("events.get_event", "number", "$response.body#/items/0/number"),
        "Closure": ("events.closure", "number", "$response.body#/items/0/number"),
        "CreateAction": ("events.create_action", "number", "$response.body#/items/0/number"),
    },
    "events.get_event": {
        "GetTask": ("tasks.get_task", "task_id", "$response.body#/open_tasks/0/id"),
        "ClaimTask": ("tasks.claim", "task_id", "$response.body#/open_tasks/0/id"),
        "CompleteTask": ("tasks.complete", "task_id", "$response.body#/open_tasks/0/id"),
    },
    "tasks.worklist": {
        "GetTask": ("tasks.get_task", "task_id", "$response.body#/0/id"),
        "ClaimTask": ("tasks.claim", "task_id", "$response.body#/0/id"),
    },
    "tasks.get_task": {
        "ClaimTask": ("tasks.claim", "task_id", "$response.body#/id"),
        "CompleteTask": ("tasks.complete", "task_id", "$response.body#/id"),
    },
    "tasks.claim": {
        "ReleaseTask": ("tasks.release", "task_id", "$response.body#/id"),
        "CompleteTask": ("tasks.complete", "task_id", "$response.body#/id"),
        "AssignTask": ("tasks.assign", "task_id", "$response.body#/id"),
    },
    "events.create_action": {
        "GetAction": ("actions.get_action", "action_id", "$response.body#/id"),
        "Transition": ("actions.transition", "action_id", "$response.body#/id"),
        "Link": ("actions.link", "action_id", "$response.body#/id"),
    },
}


def _path_parameter(kind: str | None, args: str | None, name: str) -> dict[str, Any]:
    schema: dict[str, Any]
    if kind == "int":
        schema = {"type": "integer", "minimum": 0}
        limit = re.search(r"max=(\d+)", args or "")
        if limit:
            schema["maximum"] = int(limit.group(1))
    elif kind == "uuid":
        schema = {"type": "string", "format": "uuid"}
    else:  # werkzeug's default string converter: one non-empty segment
        schema = {"type": "string", "minLength": 1, "pattern": "^[^/]+$"}
    return {"name": name, "in": "path", "required": True, "schema": schema}


def _error_statuses(ep: Endpoint, has_path_parameters: bool) -> list[str]:
    """The error statuses this operation can answer (400 for any request: path and query are checked)."""
    statuses = {"400", *map(str, ep.errors)}
    if not ep.public:
        statuses |= {"401", "403", "404"}
    if has_path_parameters:
        statuses |= {"404", "422"}
    if ep.body is not None or ep.raw_body or ep.multipart is not None:
        statuses |= {"413", "415", "422"}
    if ep.query is not None:
        statuses.add("422")
    if ep.method != "GET" and not ep.public:
        statuses.add("409")
    if ep.public and "/public/" in ep.rule:  # the public channel is rate limited per address, reads included
        statuses.add("429")
    return sorted(statuses)


def _operation(ep: Endpoint) -> dict[str, Any]:
    operation: dict[str, Any] = {"summary": ep.summary, "operationId": ep.name, "responses": {}}
    params = [_path_parameter(m["kind"], m["args"], m["name"]) for m in _CONVERTER.finditer(ep.rule)]
    path_parameters = bool(params)
    if ep.query is not None:
        params.append({"in": "query", "schema": ep.query})
    if params:
        operation["parameters"] = params
    if ep.body is not None:
        operation["requestBody"] = {"required": True, "content": {"application/json": {"schema": ep.body}}}
    if ep.raw_body:
        binary = {"schema": {"type": "string", "contentMediaType": "application/octet-stream"}}
        operation["requestBody"] = {"required": True, "content": {"application/zip": binary,
                                                                   "application/x-tar": binary}}
    if ep.multipart is not None:
        operation["requestBody"] = {"required": True, "content": {"multipart/form-data": {"schema": ep.multipart}}}
    ok: dict[str, Any] = {"description": "OK"}
    if ep.response is not None:
        schema: Any = ep.response
        ok["content"] = {"application/json": {"schema": {"type": "array", "items": schema} if ep.many else schema}}
    elif not ep.files:
        ok["content"] = {"application/json": {"schema": {"type": "object"}}}
    if ep.files:
        ok.setdefault("content", {}).update(
            {media: {"schema": {"type": "string", "contentMediaType": media}} for media in ep.files})
        if ep.response is not None:
            ok["description"] = "OK; with ?format= a file (Content-Disposition: attachment)"
    if ep.name in _LINKS:
        ok["links"] = {name: {"operationId": target, "parameters": {parameter: expression}}
                       for name, (target, parameter, expression) in _LINKS[ep.name].items()}
    operation["responses"][str(ep.status)] = ok
    for status in _error_statuses(ep, path_parameters):
        operation["responses"][status] = {"$ref": f"#/components/responses/E{status}"}
    if not ep.public:
        operation["security"] = [{"bearer": []}]
    return operation


def build_openapi() -> dict[str, Any]:
    spec = APISpec(
        title="avvik API",
        version="1",
        openapi_version="3.1.0",
        plugins=[MarshmallowPlugin()],
        info={"description": "Avvikelsehantering. Alla fel har formen Error: {code, message, ...}; en metod som "
                             "adressen inte har ger 405 med Allow."},
    )
    spec.components.security_scheme("bearer", {"type": "http", "scheme": "bearer"})
    spec.components.schema("Error", schema=ErrorOut)
    error_body = {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}
    for status, text in _ERRORS.items():
        spec.components.response(f"E{status}", {"description": text, "content": error_body})
    paths: dict[str, dict[str, Any]] = {}
    for ep in ENDPOINTS:
        path = _CONVERTER.sub(lambda m: "{" + m["name"] + "}", ep.rule)
        paths.setdefault(path, {})[ep.method.lower()] = _operation(ep)
    paths["/metrics"] = {"get": _METRICS}
    for path, operations in paths.items():
        spec.path(path=path, operations=operations)
    return spec.to_dict()


if __name__ == "__main__":  # `python -m server.openapi`: the document on stdout (the web app types its client with it)
    import json

    import server.routes  # noqa: F401  registers every endpoint

    print(json.dumps(build_openapi(), ensure_ascii=False, indent=1))
