"""The contract: /openapi.json is valid OpenAPI 3.1, every path is templated and reachable from the document, every
error status an operation can answer is documented with the Error body, and every error is that body."""

from __future__ import annotations

import re
from typing import Any

from openapi_spec_validator import validate

from ..http import API, assert_error

METHODS = ("get", "put", "post", "delete")


def document(client: Any) -> dict[str, Any]:
    response = client.get(f"{API}/openapi.json")
    assert response.status_code == 200
    return dict(response.get_json())


def operations(doc: dict[str, Any]) -> list[tuple[str, str, dict[str, Any]]]:
    return [(path, method, op) for path, item in doc["paths"].items() for method, op in item.items()
            if method in METHODS]


def test_the_document_is_valid_openapi_3_1(client: Any) -> None:
    doc = document(client)
    assert doc["openapi"].startswith("3.1")
    validate(doc)  # raises with the first violation


def test_every_path_is_templated_and_each_template_has_a_typed_parameter(client: Any) -> None:
    doc = document(client)
    for path, method, op in operations(doc):
        assert "<" not in path and ">" not in path, path
        declared = {p["name"]: p["schema"] for p in op.get("parameters", []) if p["in"] == "path"}
        assert set(re.findall(r"{(\w+)}", path)) == set(declared), (method, path)
    action = doc["paths"][f"{API}/actions/{{action_id}}"]["get"]["parameters"][0]["schema"]
    assert action == {"type": "integer", "minimum": 0, "maximum": 2147483647}
    task = doc["paths"][f"{API}/tasks/{{task_id}}"]["get"]["parameters"][0]["schema"]
    assert task == {"type": "string", "format": "uuid"}


def test_every_operation_documents_its_errors_with_the_error_body(client: Any) -> None:
    doc = document(client)
    error = doc["components"]["schemas"]["Error"]
    assert {"code", "message", "errors", "findings", "allowed", "unmet"} <= set(error["properties"])
    assert error.get("additionalProperties") is not False  # codes add their own members (required_role, ...)
    for name, response in doc["components"]["responses"].items():
        assert response["content"]["application/json"]["schema"] == {"$ref": "#/components/schemas/Error"}, name
    for path, method, op in operations(doc):
        statuses = set(op["responses"])
        assert "400" in statuses, (method, path)
        if op.get("security"):
            assert {"401", "403", "404"} <= statuses, (method, path)
        if "requestBody" in op:
            assert {"413", "415", "422"} <= statuses, (method, path)
        if method != "get" and op.get("security"):
            assert "409" in statuses, (method, path)
    assert "429" in doc["paths"][f"{API}/public/{{entity}}/feedback"]["post"]["responses"]


def test_flask_and_werkzeug_errors_have_the_error_shape_and_405_says_what_is_allowed(client: Any, auth: Any) -> None:
    anna = auth("anna")
    assert_error(client.get(f"{API}/nothing-here", headers=anna), 404, "not_found")
    assert_error(client.get(f"{API}/actions/99999999999", headers=anna), 404, "not_found")
    response = client.delete(f"{API}/events", headers=anna)
    assert_error(response, 405, "method_not_allowed")
    assert set(response.headers["Allow"].replace(" ", "").split(",")) >= {"GET", "POST"}
    assert_error(client.post(f"{API}/events", data="x", content_type="text/plain", headers=anna), 415,
                 "unsupported_media_type")
    assert_error(client.post(f"{API}/events", data="{", content_type="application/json", headers=anna), 400,
                 "bad_request")
    assert_error(client.post(f"{API}/events", data=b"\xff\xfe\x00", content_type="application/json", headers=anna),
                 400, "bad_request")


def test_links_lead_from_an_answer_to_operations_that_exist(client: Any) -> None:
    doc = document(client)
    ids = {op["operationId"]: (path, op) for path, _, op in operations(doc)}
    links = [link for _, _, op in operations(doc) for r in op["responses"].values()
             for link in r.get("links", {}).values()]
    assert len(links) >= 10
    for link in links:
        path, _ = ids[link["operationId"]]
        assert set(link["parameters"]) <= set(re.findall(r"{(\w+)}", path)), link
