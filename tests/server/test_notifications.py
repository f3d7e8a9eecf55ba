"""The caller's notifications over HTTP (unread first with the unread count, marking read, only one's own, the
choice per kind) and the outbox for the systemförvaltare."""

from __future__ import annotations

from typing import Any

from ..http import API, assert_error, submit


def test_notifications_are_the_callers_unread_first_then_newest_with_the_unread_count(
    client: Any, auth: Any, report: dict[str, Any]
) -> None:
    anna, eva = auth("anna"), auth("eva")
    first = submit(client, eva, report)["number"]
    second = submit(client, eva, {**report, "rubrik": "Fallolycka i korridoren"})["number"]
    inbox = client.get(f"{API}/me/notifications", headers=anna).get_json()
    assert inbox["unread"] == 2
    assert [(n["event_number"], n["kind"], n["read_at"]) for n in inbox["items"]] == [
        (second, "task_created", None), (first, "task_created", None)]
    assert inbox["items"][0]["subject"] == f"{second} · Fallolycka i korridoren"
    assert inbox["items"][0]["link"].startswith("/uppgifter/")
    assert client.get(f"{API}/me/notifications", headers=eva).get_json() == {"unread": 0, "items": []}

    newest = inbox["items"][0]["id"]
    assert_error(client.post(f"{API}/me/notifications/{newest}/read", headers=eva), 404, "not_found")
    read = client.post(f"{API}/me/notifications/{newest}/read", headers=anna)
    assert read.status_code == 200 and read.get_json()["read_at"] is not None
    again = client.post(f"{API}/me/notifications/{newest}/read", headers=anna).get_json()
    assert again["read_at"] == read.get_json()["read_at"]  # the first reading counts
    assert client.get(f"{API}/me/notifications", headers=anna).get_json()["unread"] == 1
    listed = client.get(f"{API}/me/notifications", headers=anna).get_json()["items"]
    assert [n["event_number"] for n in listed] == [first, second]  # the unread one first
    page = client.get(f"{API}/me/notifications?limit=1&offset=1", headers=anna).get_json()
    assert [n["event_number"] for n in page["items"]] == [second]
    assert_error(client.get(f"{API}/me/notifications?limit=0", headers=anna), 422, "validation_failed")


def test_a_person_chooses_immediate_digest_or_off_per_kind_but_not_for_deadlines(client: Any, auth: Any) -> None:
    anna = auth("anna")
    settings = client.get(f"{API}/me/notifications/settings", headers=anna).get_json()
    assert {s["kind"]: (s["delivery"], s["mandatory"]) for s in settings}["escalation"] == ("immediate", True)
    assert all(s["delivery"] == "immediate" for s in settings) and all(s["label"] for s in settings)
    assert "complaint_answered" not in {s["kind"] for s in settings}  # only ever to a public address
    for delivery in ("digest", "off"):
        changed = client.put(f"{API}/me/notifications/settings/task_created", json={"delivery": delivery},
                             headers=anna)
        assert changed.status_code == 200
        assert {s["kind"]: s["delivery"] for s in changed.get_json()}["task_created"] == delivery
    assert {s["kind"]: s["delivery"] for s in client.get(f"{API}/me/notifications/settings", headers=auth("bertil"))
            .get_json()}["task_created"] == "immediate"  # one's own choice only
    for delivery in ("digest", "off"):
        refused = assert_error(client.put(f"{API}/me/notifications/settings/escalation", json={"delivery": delivery},
                                          headers=anna), 422, "validation_failed")
        assert refused["errors"][0]["path"] == "delivery"
    assert_error(client.put(f"{API}/me/notifications/settings/nope", json={"delivery": "off"}, headers=anna), 404,
                 "not_found")
    assert_error(client.put(f"{API}/me/notifications/settings/task_created", json={"delivery": "kanske"},
                            headers=anna), 422, "validation_failed")


def test_the_systemforvaltare_sees_and_retries_the_outbox_of_their_region(
    client: Any, auth: Any, demo: Any, report: dict[str, Any]
) -> None:
    demo.add_user("gunnar", "Gunnar Förvaltare Gotland")  # ivar, the demo's, is systemförvaltare on both regions
    demo.grant_role("gunnar", "forvaltare", "rg")
    number = submit(client, auth("eva"), report)["number"]  # at Karolinska, Region Stockholm
    outbox = client.get(f"{API}/admin/outbox", headers=auth("ivar"))
    assert outbox.status_code == 200
    rows = [r for r in outbox.get_json() if r["event_number"] == number]
    assert [(r["user_id"], r["status"], r["kind"]) for r in rows] == [("anna", "pending", "task_created")]
    assert client.get(f"{API}/admin/outbox", headers=auth("gunnar")).get_json() == []  # not his region
    assert_error(client.get(f"{API}/admin/outbox", headers=auth("anna")), 403, "forbidden")
    assert client.get(f"{API}/admin/outbox?status=dead", headers=auth("ivar")).get_json() == []
    assert_error(client.get(f"{API}/admin/outbox?status=nej", headers=auth("ivar")), 422, "validation_failed")
    with demo.db.transaction() as session:  # the worker gave up on it
        from engine.store.models import Notification

        session.get(Notification, rows[0]["id"]).status = "dead"
    assert [r["id"] for r in client.get(f"{API}/admin/outbox?status=dead", headers=auth("ivar")).get_json()] == [
        rows[0]["id"]]
    assert_error(client.post(f"{API}/admin/outbox/{rows[0]['id']}/retry", headers=auth("gunnar")), 404, "not_found")
    retried = client.post(f"{API}/admin/outbox/{rows[0]['id']}/retry", headers=auth("ivar"))
    assert retried.status_code == 200 and (retried.get_json()["status"], retried.get_json()["attempts"]) == (
        "pending", 0)
