"""Links between events through the HTTP API: typed, validated numbers, visible from both sides to whoever may
see each side; made by the API or by a task's event reference (a duplicate at triage closes pointing to its
original)."""

from __future__ import annotations

from typing import Any

from ..http import API, assert_error, complete, done, error_paths, event, submit

SAMPLE = {"rubrik": "Hemolyserat prov", "beskrivning": "Provet var hemolyserat och svaret gick ut.",
          "hande_tid": "2026-11-20T08:00:00+01:00", "handelsetyp": "negativ_handelse", "drabbade": ["prov", "patient"]}


def link(client: Any, headers: dict[str, str], number: str, body: dict[str, Any]) -> Any:
    return client.post(f"{API}/events/{number}/links", json=body, headers=headers)


def links(client: Any, headers: dict[str, str], number: str) -> list[tuple[str, str, str]]:
    response = client.get(f"{API}/events/{number}/links", headers=headers)
    assert response.status_code == 200, response.get_json()
    return [(x["type"], x["direction"], x["number"]) for x in response.get_json()]


def test_a_link_names_a_real_visible_event_and_is_seen_from_both_sides_by_who_may_see_each(
    client: Any, auth: Any, report: dict[str, Any]
) -> None:
    eva, anna, lars, david = auth("eva"), auth("anna"), auth("lars"), auth("david")
    vard = submit(client, eva, report)["number"]  # Akutmottagningen: anna's, not lars's
    lab = submit(client, eva, SAMPLE, unit="ks-klinkem")["number"]  # lab (lars's) and vård (anna's)
    gotland = submit(client, eva, report, unit="rg-akut")["number"]  # anna may not see it

    assert error_paths(link(client, anna, vard, {"type": "related", "number": "AVV-2099-999999"})) == {"number"}
    assert error_paths(link(client, anna, vard, {"type": "related", "number": gotland})) == {"number"}
    assert error_paths(link(client, anna, vard, {"type": "related", "number": vard})) == {"number"}  # itself
    assert error_paths(link(client, anna, vard, {"type": "granne", "number": lab})) == {"type"}
    assert_error(link(client, lars, vard, {"type": "related", "number": lab}), 404, "not_found")

    made = link(client, anna, vard, {"type": "related", "number": lab})
    assert made.status_code == 201, made.get_json()
    assert made.get_json()["label"] == "Relaterad till" and made.get_json()["number"] == lab
    assert_error(link(client, anna, vard, {"type": "related", "number": lab}), 409, "conflict")

    assert links(client, anna, vard) == [("related", "outgoing", lab)]
    assert links(client, anna, lab) == [("related", "incoming", vard)]
    assert links(client, eva, lab) == [("related", "incoming", vard)]  # the reporter of both
    assert links(client, lars, lab) == []  # lars may see the lab event but not the vård event
    assert [x["number"] for x in event(client, anna, lab)["links"]] == [vard]
    assert_error(client.get(f"{API}/events/{vard}/links", headers=david), 404, "not_found")
    history = event(client, anna, lab)["history"]
    assert [h["after"]["other"] for h in history if h["operation"] == "link"] == [vard]


def test_a_duplicate_closes_at_triage_pointing_to_its_original(
    client: Any, auth: Any, report: dict[str, Any]
) -> None:
    eva, anna = auth("eva"), auth("anna")
    original = submit(client, eva, report)["number"]
    duplicate = submit(client, auth("bertil"), report)["number"]
    unknown = {"triage": {"beslut": "dubblett", "dubblett_av": "AVV-2099-999999", "motivering": "Samma händelse."}}
    assert error_paths(complete(client, anna, duplicate, "triage", unknown)) == {"triage/dubblett_av"}
    leftover = {"triage": {"beslut": "accepterad", "dubblett_av": original}}
    assert error_paths(complete(client, anna, duplicate, "triage", leftover)) == {"triage/dubblett_av"}

    closed = done(client, anna, duplicate, "triage",
                  {"triage": {"beslut": "dubblett", "dubblett_av": original, "motivering": "Samma händelse."}})
    assert closed["event_status"] == "closed"
    assert [(x["label"], x["number"]) for x in event(client, anna, duplicate)["links"]] == [("Dubblett av", original)]
    assert [(x["label"], x["number"]) for x in event(client, anna, original)["links"]] == [
        ("Har en dubblett", duplicate)]
    assert event(client, eva, original)["links"] == []  # eva may not see bertil's report
