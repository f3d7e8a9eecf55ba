"""Access by role × unit subtree × area, as an information-security officer would test it: who reads which area of
an event, who gets the patient's and the employee's identifiers, whose reads are logged, and that a release runs
only where a process owner of that unit bound it."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from engine import Engine

from ..definitions import copy_definitions, edit
from ..engine.test_vard_case import ACCEPT, CLASSIFY_SERIOUS
from ..http import API, assert_error, done, event, submit
from ..scenarios.test_arbetsmiljo import classification
from ..scenarios.test_omsorg import ACCEPT as OMSORG_ACCEPT
from ..scenarios.test_omsorg import (CLASSIFY_LEX_SARAH, LEX_SARAH_YES, LS_INVESTIGATION_DONE,
                                      LS_INVESTIGATION_ONGOING, REMEDY)
from ..scenarios.test_omsorg import UNIT as OMSORG_UNIT
from .test_releases_bindings import bind, upload, zipped

PATIENT = CLASSIFY_SERIOUS["patient"]["personnummer"]
EMPLOYEE = classification("medarbetare", "lindrig")["skadad"]["personnummer"]
BOTH = {  # a patient hit a nurse: routed to vård and arbetsmiljö
    "rubrik": "Patient slog en sjuksköterska",
    "beskrivning": "En orolig patient slog till personalen vid blodtryckskontroll.",
    "hande_tid": "2026-11-20T14:30:00+01:00",
    "handelsetyp": "negativ_handelse",
    "drabbade": ["patient", "medarbetare"],
    "personskada": "lindrig",
}


def vard_event_with_patient(client: Any, auth: Any, report: dict[str, Any]) -> str:
    number = submit(client, auth("eva"), report)["number"]
    done(client, auth("anna"), number, "triage", ACCEPT)
    done(client, auth("anna"), number, "klassificering", CLASSIFY_SERIOUS)
    return number


def test_roles_of_other_areas_neither_read_nor_change_a_vard_event(
    client: Any, auth: Any, report: dict[str, Any]
) -> None:
    number = vard_event_with_patient(client, auth, report)
    assert PATIENT in repr(event(client, auth("anna"), number)["case_data"])
    for who in ("sven", "karin", "mikael"):  # skyddsombud, arbetsmiljö chef, miljösamordnare
        headers = auth(who)
        assert_error(client.get(f"{API}/events/{number}", headers=headers), 404, "not_found")
        assert_error(client.get(f"{API}/events/{number}/closure", headers=headers), 404, "not_found")
        assert_error(client.post(f"{API}/events/{number}/actions", headers=headers,
                                 json={"data": {"titel": "x", "typ": "korrigerande"}}), 404, "not_found")
        assert_error(client.post(f"{API}/events/{number}/title", headers=headers,
                                 json={"previous_title": "x", "title": "Ny rubrik", "reason": "Tydligare"}),
                     404, "not_found")
        assert_error(client.post(f"{API}/events/{number}/areas", headers=headers,
                                 json={"area": "arbetsmiljo", "reason": "y"}), 404, "not_found")
        listed = client.get(f"{API}/events?text={number}", headers=headers).get_json()
        assert listed["items"] == [] and PATIENT not in repr(listed)


def test_each_role_sees_its_own_area_of_a_shared_event_and_identifiers_only_where_granted(
    client: Any, auth: Any
) -> None:
    number = submit(client, auth("eva"), BOTH)["number"]
    karin, anna = auth("karin"), auth("anna")
    done(client, anna, number, "triage", ACCEPT)
    done(client, anna, number, "klassificering", CLASSIFY_SERIOUS)
    done(client, karin, number, "klassificering", classification("medarbetare", "lindrig", cfar="90000001"))

    seen = {who: event(client, auth(who), number) for who in ("anna", "karin", "sven", "bertil", "revisor")}
    assert {who: sorted(v["case_data"]) for who, v in seen.items()} == {
        "anna": ["vard"], "karin": ["arbetsmiljo"], "sven": ["arbetsmiljo"],
        "bertil": ["arbetsmiljo", "vard"], "revisor": ["arbetsmiljo", "vard"]}
    assert [a["area"] for a in seen["anna"]["areas"]] == ["vard"]
    assert {t["area"] for t in seen["anna"]["open_tasks"]} == {"vard"}
    # the patient's personnummer: vård's lane roles; the employee's: chef and HR, not the skyddsombud
    assert seen["anna"]["case_data"]["vard"]["patient"]["personnummer"] == PATIENT
    assert seen["karin"]["case_data"]["arbetsmiljo"]["skadad"]["personnummer"] == EMPLOYEE
    assert seen["sven"]["case_data"]["arbetsmiljo"]["skadad"]["personnummer"] == "[skyddat]"
    assert seen["bertil"]["case_data"]["vard"]["patient"]["personnummer"] == PATIENT
    assert seen["bertil"]["case_data"]["arbetsmiljo"]["skadad"]["personnummer"] == "[skyddat]"  # a reader there
    assert PATIENT not in repr(seen["revisor"]) and EMPLOYEE not in repr(seen["revisor"])
    assert PATIENT not in repr(seen["karin"]) and EMPLOYEE not in repr(seen["anna"])
    # a task's data follows the same rule
    task = next(t for t in seen["sven"]["open_tasks"] if t["spec_name"] == "skyddsombud_informeras")
    detail = client.get(f"{API}/tasks/{task['id']}", headers=auth("sven")).get_json()
    assert detail["data"]["skadad"]["personnummer"] == "[skyddat]"

    # only reads that returned an identifier are in the read log
    reads = client.get(f"{API}/audit?event={number}", headers=auth("revisor")).get_json()["reads"]
    readers = {r["actor"] for r in reads}
    assert {"anna", "karin", "bertil"} <= readers and not readers & {"sven", "revisor"}


def test_the_reader_role_reads_but_does_not_change(client: Any, auth: Any) -> None:
    number = submit(client, auth("eva"), BOTH)["number"]
    bertil = auth("bertil")  # verksamhetschef: works in vård, reads arbetsmiljö
    assert_error(client.post(f"{API}/events/{number}/areas/arbetsmiljo/remove", json={"reason": "fel område"},
                             headers=bertil), 403, "forbidden")
    assert_error(client.get(f"{API}/events/{number}/areas/arbetsmiljo/exports/fk_arbetsskada", headers=bertil),
                 403, "forbidden")
    assert_error(client.get(f"{API}/events/{number}/areas/arbetsmiljo/exports/fk_arbetsskada", headers=auth("sven")),
                 403, "forbidden")  # works in the area but may not see the identifiers the document carries
    assert client.post(f"{API}/events/{number}/title", headers=bertil, json={
        "previous_title": BOTH["rubrik"], "title": "Patient slog personal", "reason": "kortare"}).status_code == 200


def test_me_says_what_each_grant_reads(client: Any, auth: Any) -> None:
    grants = client.get(f"{API}/me", headers=auth("bertil")).get_json()["grants"]
    assert grants == [{
        "role": "verksamhetschef", "unit_id": "ks", "unit_name": "Karolinska Universitetssjukhuset",
        "on_behalf_of": None,
        "reads": ["arbetsmiljo", "lab", "miljo", "omsorg", "synpunkter", "tandvard", "vard"],
        "works_in": ["lab", "miljo", "omsorg", "synpunkter", "tandvard", "vard"],
        "protected": ["lab", "miljo", "omsorg", "synpunkter", "tandvard", "vard"],
    }]


def test_publishing_alone_changes_no_unit_and_an_owner_binds_only_in_their_subtree(
    demo: Engine, client: Any, auth: Any, report: dict[str, Any], published: dict[str, Any], tmp_path: Path
) -> None:
    demo.add_user("gun", "Gun Processägare Solberga")
    demo.grant_role("gun", "processagare", "rg-aldre")
    gun, petra = auth("gun"), auth("petra")
    before = client.get(f"{API}/units/ks-akut/effective-config", headers=petra).get_json()

    copy_definitions(tmp_path)
    edit(tmp_path / "processes" / "omsorg" / "omsorg.bpmn", {'name="Triagera händelsen"': 'name="Triagera (Solberga)"'})
    pilot = upload(client, gun, zipped(tmp_path), label="Solbergas pilot")
    assert pilot.status_code == 201, pilot.get_json()
    pilot_hash = pilot.get_json()["hash"]
    assert client.get(f"{API}/units/ks-akut/effective-config", headers=petra).get_json() == before
    number = submit(client, auth("eva"), report)["number"]
    assert event(client, auth("anna"), number)["areas"][0]["release"] == published["hash"]

    assert_error(bind(client, gun, "ks", pilot_hash, "standard"), 403, "forbidden")
    assert_error(bind(client, gun, "rg", pilot_hash, "standard"), 403, "forbidden")  # above her unit
    assert_error(client.post(f"{API}/releases/migrate", headers=gun,
                             json={"area": "vard", "release": pilot_hash, "unit": "ks"}), 403, "forbidden")
    assert client.put(f"{API}/units/rg-aldre/bindings/omsorg", json={"release": pilot_hash, "variant": "standard"},
                      headers=gun).status_code == 200
    assert client.get(f"{API}/units/ks-akut/effective-config", headers=petra).get_json() == before
    at_solberga = submit(client, auth("eva"), report, unit="rg-aldre")["number"]  # omsorg
    at_a_sibling = submit(client, auth("eva"), report, unit="rg-akut")["number"]  # vård in Visby
    releases = {n: event(client, auth("david"), n)["areas"][0]["release"] for n in (at_solberga, at_a_sibling)}
    assert releases == {at_solberga: pilot_hash, at_a_sibling: published["hash"]}
    assert event(client, auth("david"), at_solberga)["open_tasks"][0]["name"] == "Triagera (Solberga)"


def test_a_unit_with_no_active_configuration_refuses_reports_clearly(
    demo: Engine, client: Any, auth: Any, report: dict[str, Any]
) -> None:
    demo.add_unit("ny-region", "Ny region", "region")
    demo.add_unit("ny-akut", "Akuten i nya regionen", "akut", "ny-region")
    response = client.post(f"{API}/events", json={"unit_id": "ny-akut", "data": report}, headers=auth("eva"))
    body = assert_error(response, 409, "no_active_configuration")
    assert body["unit_id"] == "ny-akut" and "processägare" in body["message"]
    assert client.get(f"{API}/events", headers=auth("eva")).get_json()["items"] == []  # nothing half-stored


def test_a_restricted_lex_sarah_case_is_read_only_by_the_named_roles(
    client: Any, auth: Any, report: dict[str, Any]
) -> None:
    david, sara = auth("david"), auth("sara")
    number = submit(client, auth("eva"), report, unit=OMSORG_UNIT)["number"]
    done(client, david, number, "triage", OMSORG_ACCEPT)
    done(client, david, number, "klassificering", CLASSIFY_LEX_SARAH)
    assert event(client, david, number)["case_data"]["omsorg"]  # before the decision the handläggare reads it
    done(client, david, number, "omedelbar_atgard", REMEDY)
    done(client, sara, number, "lex_sarah_utredning", LS_INVESTIGATION_ONGOING)
    done(client, sara, number, "lex_sarah_bedomning", LEX_SARAH_YES)
    done(client, sara, number, "slutfor_utredning", LS_INVESTIGATION_DONE)
    assert_error(client.get(f"{API}/events/{number}", headers=david), 404, "not_found")
    assert event(client, sara, number)["case_data"]["omsorg"]["lex_sarah"]["varde"] == "ja"
    assert event(client, auth("maria"), number)["status"] != "closed"  # MAS
    mine = event(client, auth("eva"), number)  # the reporter's limited view stays
    assert "case_data" not in mine and [a["area"] for a in mine["areas"]] == ["omsorg"]
    listed = client.get(f"{API}/events?text={number}", headers=david).get_json()["items"]
    assert listed == []
    task = next(t for t in client.get(f"{API}/tasks?scope=available", headers=david).get_json()
                if t["event_number"] == number)
    detail = client.get(f"{API}/tasks/{task['id']}", headers=david).get_json()  # his lane's task, masked
    assert detail["spec_name"] == "informera_enskild" and "19300101-1234" not in repr(detail)


def test_an_areas_actions_are_seen_by_those_who_read_the_area(client: Any, auth: Any) -> None:
    number = submit(client, auth("eva"), BOTH)["number"]
    created = client.post(f"{API}/events/{number}/actions", headers=auth("karin"),
                          json={"area": "arbetsmiljo", "data": {"titel": "Larm vid blodtryckskontroll",
                                                                "typ": "forebyggande"}})
    assert created.status_code == 201, created.get_json()
    action = created.get_json()["id"]
    titles = {who: [a["title"] for a in event(client, auth(who), number)["actions"]]
              for who in ("anna", "karin", "bertil", "eva")}
    assert titles == {"anna": [], "karin": ["Larm vid blodtryckskontroll"],
                      "bertil": ["Larm vid blodtryckskontroll"], "eva": ["Larm vid blodtryckskontroll"]}
    assert_error(client.get(f"{API}/actions/{action}", headers=auth("anna")), 404, "not_found")
    assert client.get(f"{API}/actions/{action}", headers=auth("bertil")).status_code == 200  # a reader there
    assert_error(client.post(f"{API}/actions/{action}/transition", json={"to": "beslutad"}, headers=auth("bertil")),
                 403, "forbidden")
    assert_error(client.post(f"{API}/actions/{action}/transition", json={"to": "beslutad"}, headers=auth("anna")),
                 404, "not_found")
