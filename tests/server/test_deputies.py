"""A deputy (ersättare) sees and works the principal's tasks during the period, the log says on whose behalf,
notifications reach the deputy too, and it ends when the principal ends it."""

from __future__ import annotations

import io
from datetime import timedelta
from typing import Any

from engine import Engine
from engine.store.types import utcnow

from ..engine.test_vard_case import ACCEPT
from ..http import API, add_action, assert_error, error_paths, event, submit


def _period(days: int = 7) -> dict[str, str]:
    now = utcnow()
    return {"starts_at": (now - timedelta(minutes=1)).isoformat(), "ends_at": (now + timedelta(days=days)).isoformat()}


def test_a_deputy_works_the_principals_task_and_the_log_says_on_whose_behalf(
    client: Any, auth: Any, demo: Engine, report: dict[str, Any]
) -> None:
    anna, tina = auth("anna"), auth("tina")
    number = submit(client, auth("eva"), report)["number"]
    assert not [t for t in client.get(f"{API}/tasks", headers=tina).get_json() if t["event_number"] == number]

    named = client.post(f"{API}/deputies", headers=anna,
                        json={"deputy": "tina", "role": "handlaggare", "unit": "ks", **_period()})
    assert named.status_code == 201, named.get_json()
    assert [d["direction"] for d in client.get(f"{API}/deputies", headers=tina).get_json()] == ["received"]

    [task] = [t for t in client.get(f"{API}/tasks", headers=tina).get_json() if t["event_number"] == number]
    assert task["on_behalf_of"] == "anna"
    assert client.get(f"{API}/tasks/{task['id']}", headers=tina).get_json()["on_behalf_of"] == "anna"
    done = client.post(f"{API}/tasks/{task['id']}/complete", headers=tina, json={"data": ACCEPT})
    assert done.status_code == 200, done.get_json()
    [entry] = [h for h in event(client, anna, number)["history"] if h["operation"] == "complete"]
    assert (entry["actor"], entry["on_behalf_of"]) == ("tina", "anna")
    # the next task of anna's role reaches the deputy's inbox too
    assert any(n["event_number"] == number for n in demo.my_notifications("tina")["items"])

    deputyship = client.get(f"{API}/deputies", headers=anna).get_json()[0]["id"]
    assert_error(client.post(f"{API}/deputies/{deputyship}/revoke", headers=tina), 403, "forbidden")
    assert client.post(f"{API}/deputies/{deputyship}/revoke", headers=anna).status_code == 200
    assert not [t for t in client.get(f"{API}/tasks", headers=tina).get_json() if t["event_number"] == number]
    assert_error(client.get(f"{API}/events/{number}", headers=tina), 404, "not_found")


def test_every_change_a_deputy_makes_on_an_event_is_logged_on_the_principals_behalf(
    client: Any, auth: Any, report: dict[str, Any]
) -> None:
    """Not only task work: a rename, an action and its steps, a link, an attachment and a legal hold made by the
    deputy all name the principal; the same changes made by the principal herself name nobody."""
    anna, tina = auth("anna"), auth("tina")
    number = submit(client, auth("eva"), report)["number"]
    named = client.post(f"{API}/deputies", headers=anna,
                        json={"deputy": "tina", "role": "handlaggare", "unit": "ks", **_period()})
    assert named.status_code == 201, named.get_json()

    def changes(headers: dict[str, str]) -> None:
        title = event(client, headers, number)["title"]
        renamed = client.post(f"{API}/events/{number}/title", headers=headers,
                              json={"previous_title": title, "title": f"{title}.", "reason": "Tydligare rubrik"})
        assert renamed.status_code == 200, renamed.get_json()
        action = add_action(client, headers, number, {"titel": "Dubbelkontroll", "typ": "korrigerande",
                                                      "ansvarig": "anna"})
        moved = client.post(f"{API}/actions/{action['id']}/transition", headers=headers, json={"to": "beslutad"})
        assert moved.status_code == 200, moved.get_json()
        other = submit(client, auth("eva"), report)["number"]
        linked = client.post(f"{API}/events/{number}/links", headers=headers, json={"type": "related", "number": other})
        assert linked.status_code == 201, linked.get_json()
        upload = {"file": (io.BytesIO(b"%PDF-1.4\n%%EOF\n"), "rutin.pdf"), "classification": "allman"}
        attached = client.post(f"{API}/events/{number}/attachments", headers=headers, data=upload,
                               content_type="multipart/form-data")
        assert attached.status_code == 201, attached.get_json()
        held = client.post(f"{API}/events/{number}/holds", headers=headers, json={"reason": "Tvist"})
        assert held.status_code == 201, held.get_json()

    def logged(since: int) -> list[tuple[str, str, str | None]]:
        history = event(client, anna, number)["history"][since:]
        return sorted({(h["entity"], h["actor"], h["on_behalf_of"]) for h in history})

    before = len(event(client, anna, number)["history"])
    changes(tina)
    kinds = ["action", "attachment", "event", "event_link", "legal_hold"]
    assert logged(before) == [(kind, "tina", "anna") for kind in kinds]
    # and she reads what she changed as anna would: the file she attached, the event in the list's export
    [attachment] = event(client, tina, number)["attachments"]
    assert client.get(f"{API}/attachments/{attachment['id']}/content", headers=tina).status_code == 200
    assert number in client.get(f"{API}/events?format=csv", headers=tina).data.decode("utf-8")
    before = len(event(client, anna, number)["history"])
    changes(anna)
    assert logged(before) == [(kind, "anna", None) for kind in kinds]


def test_a_deputy_is_named_only_for_a_role_one_holds_and_only_within_the_legal_entity(
    client: Any, auth: Any
) -> None:
    anna = auth("anna")
    wrong_role = {"deputy": "tina", "role": "verksamhetschef", "unit": "ks", **_period()}
    assert error_paths(client.post(f"{API}/deputies", headers=anna, json=wrong_role)) == {"role"}
    gotland = {"deputy": "david", "role": "handlaggare", "unit": "ks", **_period()}
    assert error_paths(client.post(f"{API}/deputies", headers=anna, json=gotland)) == {"deputy"}
    too_long = {"deputy": "tina", "role": "handlaggare", "unit": "ks", **_period(days=400)}
    assert error_paths(client.post(f"{API}/deputies", headers=anna, json=too_long)) == {"ends_at"}


def test_a_deputy_reads_the_annual_figures_the_principal_reads(client: Any, auth: Any) -> None:
    cecilia, anna = auth("cecilia"), auth("anna")
    year = utcnow().year
    assert_error(client.get(f"{API}/annual-figures?entity=rs&year={year}", headers=anna), 403, "forbidden")
    named = client.post(f"{API}/deputies", headers=cecilia,
                        json={"deputy": "anna", "role": "patientsakerhet", "unit": "rs", **_period()})
    assert named.status_code == 201, named.get_json()
    assert client.get(f"{API}/annual-figures/entities", headers=anna).get_json() == [
        {"id": "rs", "name": "Region Stockholm"}]
    figures = client.get(f"{API}/annual-figures?entity=rs&year={year}", headers=anna)
    assert figures.status_code == 200, figures.get_json()
    principals = client.get(f"{API}/annual-figures?entity=rs&year={year}", headers=cecilia).get_json()
    assert {**figures.get_json(), "generated_at": None} == {**principals, "generated_at": None}
