"""The HTTP tests' vocabulary over Flask's test client: report, look at an event, complete its tasks by BPMN id,
read worklists and closure rules, check the error shape.

Every function takes the test client and the caller's headers (from the `auth` fixture), so a test reads as who
does what: `done(client, auth("anna"), number, "triage", ACCEPT)`.
"""

from __future__ import annotations

from typing import Any

API = "/api/v1"


def assert_error(response: Any, status: int, code: str) -> dict[str, Any]:
    """Assert the response is an error with this status and code and a message; return its body."""
    assert response.status_code == status, response.get_json()
    body = response.get_json()
    assert body["code"] == code and isinstance(body["message"], str) and body["message"]
    return body


def error_paths(response: Any) -> set[str]:
    """The paths of a 422 validation failure's errors."""
    return {e["path"] for e in assert_error(response, 422, "validation_failed")["errors"]}


def submit(client: Any, headers: dict[str, str], report: dict[str, Any], unit: str = "ks-akut") -> dict[str, Any]:
    """Report an event at the unit (POST /events); return the created event."""
    response = client.post(f"{API}/events", json={"unit_id": unit, "data": report}, headers=headers)
    assert response.status_code == 201, response.get_json()
    return response.get_json()


def event(client: Any, headers: dict[str, str], number: str) -> dict[str, Any]:
    """The event as this caller sees it (GET /events/{number})."""
    response = client.get(f"{API}/events/{number}", headers=headers)
    assert response.status_code == 200, response.get_json()
    return response.get_json()


def open_specs(client: Any, headers: dict[str, str], number: str, area: str | None = None) -> list[str]:
    """The sorted BPMN ids of the event's open tasks, of one area when given."""
    tasks = event(client, headers, number)["open_tasks"]
    return sorted(t["spec_name"] for t in tasks if area is None or t["area"] == area)


def open_task(client: Any, headers: dict[str, str], number: str, spec: str) -> dict[str, Any]:
    """The event's open task with this BPMN id; it must be open."""
    tasks = event(client, headers, number)["open_tasks"]
    matches = [t for t in tasks if t["spec_name"] == spec]
    assert matches, f"{spec} is not open on {number}: {[t['spec_name'] for t in tasks]}"
    return matches[0]


def complete(client: Any, headers: dict[str, str], number: str, spec: str, data: dict[str, Any]) -> Any:
    """POST the data to complete the open task with this BPMN id; return the response, whatever its status."""
    task_id = open_task(client, headers, number, spec)["id"]
    return client.post(f"{API}/tasks/{task_id}/complete", json={"data": data}, headers=headers)


def done_from_worklist(client: Any, headers: dict[str, str], number: str, spec: str,
                       data: dict[str, Any]) -> dict[str, Any]:
    """Complete this event's task with this BPMN id found in the caller's available worklist (how a lane role
    works a case it may not read in full), which must succeed; return the response body."""
    tasks = client.get(f"{API}/tasks?scope=available", headers=headers).get_json()
    task = next(t for t in tasks if t["event_number"] == number and t["spec_name"] == spec)
    response = client.post(f"{API}/tasks/{task['id']}/complete", json={"data": data}, headers=headers)
    assert response.status_code == 200, response.get_json()
    return response.get_json()


def done(client: Any, headers: dict[str, str], number: str, spec: str, data: dict[str, Any]) -> dict[str, Any]:
    """Complete the open task with this BPMN id, which must succeed; return the response body."""
    response = complete(client, headers, number, spec, data)
    assert response.status_code == 200, response.get_json()
    return response.get_json()


def advance(client: Any, headers: dict[str, str], number: str, spec: str, data: dict[str, Any]) -> list[str]:
    """Complete like `done`; return the sorted BPMN ids of the tasks that open next."""
    return sorted(t["spec_name"] for t in done(client, headers, number, spec, data)["next_tasks"])


def add_action(client: Any, headers: dict[str, str], number: str, data: dict[str, Any]) -> dict[str, Any]:
    """Add an action to the event (POST /events/{number}/actions), which must succeed; return the action."""
    response = client.post(f"{API}/events/{number}/actions", json={"data": data}, headers=headers)
    assert response.status_code == 201, response.get_json()
    return response.get_json()


def carry_out_action(client: Any, headers: dict[str, str], action_id: str) -> None:
    """Move an action through beslutad and pagar to genomford; every step must succeed."""
    for target in ("beslutad", "pagar", "genomford"):
        moved = client.post(f"{API}/actions/{action_id}/transition", json={"to": target}, headers=headers)
        assert moved.status_code == 200, moved.get_json()


def worklist(client: Any, headers: dict[str, str], number: str) -> list[str]:
    """The sorted BPMN ids of this event's tasks in the caller's available worklist."""
    tasks = client.get(f"{API}/tasks?scope=available", headers=headers).get_json()
    return sorted(t["spec_name"] for t in tasks if t["event_number"] == number)


def closure(client: Any, headers: dict[str, str], number: str, area: str, sole: bool = False) -> dict[str, Any]:
    """One area's closure status (GET /events/{number}/closure); with sole, it must be the event's only area."""
    areas = client.get(f"{API}/events/{number}/closure", headers=headers).get_json()
    if sole:
        assert [a["area"] for a in areas] == [area]
    return next(a for a in areas if a["area"] == area)


def closure_rules(client: Any, headers: dict[str, str], number: str, area: str) -> dict[str, dict[str, Any]]:
    """One area's closure rules by id."""
    return {r["id"]: r for r in closure(client, headers, number, area)["rules"]}


def unmet_ids(status: dict[str, Any]) -> list[str]:
    """The ids of the rules not met in one area's closure status, in the API's order."""
    return [r["id"] for r in status["rules"] if not r["met"]]


def unmet(client: Any, headers: dict[str, str], number: str, area: str, sole: bool = False) -> list[str]:
    """The ids of one area's closure rules not met yet, in the API's order."""
    return unmet_ids(closure(client, headers, number, area, sole))
