"""The worklist narrowed to one area, one unit's subtree or the overdue tasks (GET /tasks?area=&unit=&overdue=),
for both scopes, never widening what the grants allow."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from engine import Engine
from engine.store.types import utcnow

from ..http import API, assert_error, submit


def numbers(client: Any, headers: dict[str, str], query: str = "") -> list[str]:
    response = client.get(f"{API}/tasks?scope=available{query}", headers=headers)
    assert response.status_code == 200, response.get_json()
    return sorted(t["event_number"] for t in response.get_json())


def test_filters_narrow_the_available_tasks_by_area_unit_and_due_time(
    client: Any, auth: Any, demo: Engine, report: dict[str, Any]
) -> None:
    anna, eva = auth("anna"), auth("eva")  # anna handles vård for all of Karolinska
    akut = submit(client, eva, report)["number"]
    avd12 = submit(client, eva, report, unit="ks-avd12")["number"]
    assert numbers(client, anna) == [akut, avd12]
    assert numbers(client, anna, "&area=vard") == [akut, avd12]
    assert numbers(client, anna, "&area=arbetsmiljo") == []
    assert numbers(client, anna, "&unit=ks-avd12") == [avd12]
    assert numbers(client, anna, "&unit=ks") == [akut, avd12]
    assert numbers(client, anna, "&unit=sos") == []  # a filter never widens the grants
    assert numbers(client, anna, "&overdue=true") == []
    demo.clock = lambda: utcnow() + timedelta(days=6)  # the vård triage is due within five days
    assert numbers(client, anna, "&overdue=true&unit=ks-akut") == [akut]


def test_filters_apply_to_my_own_tasks_and_an_unknown_unit_is_refused(
    client: Any, auth: Any, report: dict[str, Any]
) -> None:
    anna = auth("anna")
    number = submit(client, auth("eva"), report, unit="ks-avd12")["number"]
    task = client.get(f"{API}/tasks?scope=available", headers=anna).get_json()[0]
    client.post(f"{API}/tasks/{task['id']}/claim", headers=anna)
    mine = client.get(f"{API}/tasks?scope=mine&unit=ks-avd12&area=vard", headers=anna).get_json()
    assert [t["event_number"] for t in mine] == [number]
    assert client.get(f"{API}/tasks?scope=mine&unit=ks-akut", headers=anna).get_json() == []
    error = assert_error(client.get(f"{API}/tasks?unit=finns-inte", headers=anna), 422, "validation_failed")
    assert error["errors"] == [{"path": "unit", "message": "Enheten finns inte."}]
