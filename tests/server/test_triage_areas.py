"""At triage a handler adds an area the routing missed or removes a wrong one, always with a reason."""

from __future__ import annotations

from typing import Any

from ..http import API, assert_error, submit


def test_add_and_remove_an_area_with_a_reason(client: Any, auth: Any, report: dict[str, Any]) -> None:
    anna, bertil, klara = auth("anna"), auth("bertil"), auth("klara")
    number = submit(client, auth("eva"), report)["number"]
    assert_error(client.post(f"{API}/events/{number}/areas", json={"area": "synpunkter"}, headers=anna),
                 422, "validation_failed")  # no reason
    assert_error(client.post(f"{API}/events/{number}/areas", json={"area": "synpunkter", "reason": "Klagomål"},
                             headers=anna), 403, "forbidden")  # handläggare is not a synpunkter role
    assert_error(client.post(f"{API}/events/{number}/areas", json={"area": "synpunkter", "reason": "Klagomål"},
                             headers=klara), 404, "not_found")  # sees no area of the event yet
    # the verksamhetschef works in both areas at Karolinska
    added = client.post(f"{API}/events/{number}/areas", headers=bertil,
                        json={"area": "synpunkter", "reason": "Patientens dotter har också klagat."})
    assert added.status_code == 201, added.get_json()
    assert_error(client.post(f"{API}/events/{number}/areas", json={"area": "synpunkter", "reason": "igen"},
                             headers=klara), 409, "conflict")
    event = client.get(f"{API}/events/{number}", headers=bertil).get_json()
    assert [a["area"] for a in event["areas"]] == ["vard", "synpunkter"]
    assert {t["spec_name"] for t in event["open_tasks"]} == {"triage", "bekrafta"}
    event = client.get(f"{API}/events/{number}", headers=klara).get_json()  # klara sees her area only
    assert [a["area"] for a in event["areas"]] == ["synpunkter"]
    assert {t["spec_name"] for t in event["open_tasks"]} == {"bekrafta"} and set(event["case_data"]) == {"synpunkter"}

    removed = client.post(f"{API}/events/{number}/areas/vard/remove", headers=anna,
                          json={"reason": "Gäller bara bemötande, ingen vårdskada."})
    assert removed.get_json()["status_label"] == "Borttagen från området"
    event = client.get(f"{API}/events/{number}", headers=klara).get_json()
    assert {t["spec_name"] for t in event["open_tasks"]} == {"bekrafta"}
    assert client.get(f"{API}/tasks", headers=anna).get_json() == []
    assert_error(client.post(f"{API}/events/{number}/areas/synpunkter/remove", json={"reason": "fel"},
                             headers=klara), 409, "conflict")  # the last area stays
    history = client.get(f"{API}/audit?event={number}", headers=auth("revisor")).get_json()["changes"]
    reasons = [c["after"]["reason"] for c in history if c["operation"] in ("add_area", "remove_area")]
    assert reasons == ["Patientens dotter har också klagat.", "Gäller bara bemötande, ingen vårdskada."]
