"""The caller's notifications over HTTP: newest first with the unread count, marking read, and only one's own."""

from __future__ import annotations

from typing import Any

from ..http import API, assert_error, submit


def test_notifications_are_the_callers_newest_first_with_the_unread_count(
    client: Any, auth: Any, report: dict[str, Any]
) -> None:
    anna, eva = auth("anna"), auth("eva")
    first = submit(client, eva, report)["number"]
    second = submit(client, eva, {**report, "rubrik": "Fallolycka i korridoren"})["number"]
    inbox = client.get(f"{API}/notifications", headers=anna).get_json()
    assert inbox["unread"] == 2
    assert [(n["event_number"], n["kind"], n["read_at"]) for n in inbox["items"]] == [
        (second, "task_created", None), (first, "task_created", None)]
    assert inbox["items"][0]["subject"] == f"{second} · Fallolycka i korridoren"
    assert inbox["items"][0]["link"].startswith("/uppgifter/")
    assert client.get(f"{API}/notifications", headers=eva).get_json() == {"unread": 0, "items": []}

    newest = inbox["items"][0]["id"]
    assert_error(client.post(f"{API}/notifications/{newest}/read", headers=eva), 404, "not_found")
    read = client.post(f"{API}/notifications/{newest}/read", headers=anna)
    assert read.status_code == 200 and read.get_json()["read_at"] is not None
    again = client.post(f"{API}/notifications/{newest}/read", headers=anna).get_json()
    assert again["read_at"] == read.get_json()["read_at"]  # the first reading counts
    assert client.get(f"{API}/notifications", headers=anna).get_json()["unread"] == 1
    page = client.get(f"{API}/notifications?limit=1&offset=1", headers=anna).get_json()
    assert [n["event_number"] for n in page["items"]] == [first]
    assert_error(client.get(f"{API}/notifications?limit=0", headers=anna), 422, "validation_failed")


def test_a_person_turns_off_e_mail_for_a_kind_but_not_for_deadlines(client: Any, auth: Any) -> None:
    anna = auth("anna")
    settings = client.get(f"{API}/notifications/settings", headers=anna).get_json()
    assert {s["kind"]: (s["email"], s["mandatory"]) for s in settings}["escalation"] == (True, True)
    assert all(s["email"] for s in settings) and all(s["label"] for s in settings)
    changed = client.put(f"{API}/notifications/settings/task_created", json={"email": False}, headers=anna)
    assert changed.status_code == 200
    assert {s["kind"]: s["email"] for s in changed.get_json()}["task_created"] is False
    assert {s["kind"]: s["email"] for s in client.get(f"{API}/notifications/settings", headers=auth("bertil"))
            .get_json()}["task_created"] is True  # one's own choice only
    refused = assert_error(client.put(f"{API}/notifications/settings/escalation", json={"email": False},
                                      headers=anna), 422, "validation_failed")
    assert refused["errors"][0]["path"] == "email"
    assert_error(client.put(f"{API}/notifications/settings/nope", json={"email": False}, headers=anna), 404,
                 "not_found")
    assert_error(client.put(f"{API}/notifications/settings/task_created", json={"email": "kanske"}, headers=anna),
                 422, "validation_failed")
