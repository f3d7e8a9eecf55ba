"""Tandvård through the HTTP API: routing, triage, lex Maria by the patient safety function, the investigation
level the risk score demands, the triage clock, and closing only when every rule is met."""

from __future__ import annotations

from typing import Any

import pytest

from engine import Engine

from ..conftest import Clock
from ..definitions import fire_due_timers
from ..http import API, add_action, assert_error, complete, done, error_paths, event, open_specs, submit, unmet
UNIT = "rs-tand"

ACCEPT = {"triage": {"beslut": "accepterad"}}
CLASSIFY_SERIOUS = {
    "kategori": "aspiration_nedsvaljning",
    "riskbedomning": {"konsekvens_faktisk": 2, "konsekvens_potentiell": 3, "sannolikhet": 2},
    "vardskada": "ja",
    "tand": "36",
    "patient": {"personnummer": "19121212-1212"},
}
CLASSIFY_MINOR = {
    "kategori": "dokumentation",
    "riskbedomning": {"konsekvens_faktisk": 1, "konsekvens_potentiell": 1, "sannolikhet": 2},
    "vardskada": "nej",
}
LEX_MARIA_YES = {"lex_maria": {"varde": "ja", "referens": "IVO 3.1.1-23456/2026", "datum": "2026-11-21"}}
EVENT_ANALYSIS = {"utredning": {
    "niva": "handelseanalys", "analysledare": "Tina Handläggare", "sammanfattning": "Rotspetsfil tappades i svalget.",
    "orsaker": "Kofferdam användes inte; rutinen var otydlig.", "patientens_beskrivning": "Hostade kraftigt.",
    "godkand_av": "tor"}}
SIMPLE_INVESTIGATION = {"utredning": {"niva": "enkel", "sammanfattning": "Journalanteckning saknades.",
                                      "godkand_av": "tor"}}
PATIENT_INFORMED = {"patientinformation": {"datum": "2026-11-22", "till": "patient", "vardskada_informerad": True,
                                           "journalanteckning": True}}
FEEDBACK = {"aterkoppling": {"status": "given", "text": "Tack, kofferdam är nu obligatorisk.", "datum": "2026-11-23"}}
SIGN = {"avslut": {"lardomar": "Kofferdam vid endodonti."}}


@pytest.fixture
def dental_report(report: dict[str, Any]) -> dict[str, Any]:
    return {**report, "rubrik": "Rotspetsfil aspirerades vid rotbehandling",
            "beskrivning": "En rotspetsfil föll ner i svalget under rotbehandling i underkäken."}


def test_report_to_the_dental_unit_routes_to_tandvard_only(
    client: Any, auth: Any, dental_report: dict[str, Any]
) -> None:
    created = submit(client, auth("eva"), dental_report, unit=UNIT)
    assert [a["area"] for a in created["areas"]] == ["tandvard"]
    tina = client.get(f"{API}/tasks?scope=available", headers=auth("tina")).get_json()
    assert [(t["event_number"], t["spec_name"], t["area"]) for t in tina] == [(created["number"], "triage", "tandvard")]
    assert tina[0]["due_at"] is not None  # the triage clock runs
    assert client.get(f"{API}/tasks", headers=auth("anna")).get_json() == []  # Karolinska's handler
    assert client.get(f"{API}/tasks", headers=auth("david")).get_json() == []  # Gotland's handler


def test_serious_event_goes_through_lex_maria_and_event_analysis_to_closure(
    client: Any, auth: Any, dental_report: dict[str, Any]
) -> None:
    tina, tor, cecilia = auth("tina"), auth("tor"), auth("cecilia")
    number = submit(client, auth("eva"), dental_report, unit=UNIT)["number"]

    assert_error(complete(client, tor, number, "triage", ACCEPT), 403, "forbidden")  # not the handler's role
    assert_error(complete(client, cecilia, number, "triage", ACCEPT), 403, "forbidden")
    done(client, tina, number, "triage", ACCEPT)
    next_tasks = done(client, tina, number, "klassificering", CLASSIFY_SERIOUS)["next_tasks"]
    assert [(t["spec_name"], t["role"]) for t in next_tasks] == [("lex_maria_bedomning", "patientsakerhet")]
    assert set(unmet(client, tina, number, "tandvard", sole=True)) == {
        "lex_maria_beslut", "utredning_godkand", "handelseanalys_gjord", "patient_informerad", "aterkoppling_given"}

    assert_error(complete(client, tina, number, "lex_maria_bedomning", LEX_MARIA_YES), 403, "forbidden")
    refused = complete(client, cecilia, number, "lex_maria_bedomning", {"lex_maria": {"varde": "ja"}})
    assert error_paths(refused) == {"lex_maria/referens", "lex_maria/datum"}  # a yes needs IVO's reference and the date
    done(client, cecilia, number, "lex_maria_bedomning", LEX_MARIA_YES)
    decisions = event(client, tor, number)["decisions"]
    assert [(d["kind"], d["value"], d["reference"], d["decided_by"]) for d in decisions] == [
        ("lex_maria", "ja", "IVO 3.1.1-23456/2026", "cecilia")]

    # consequence 3 demands a händelseanalys, not a simple investigation
    assert open_specs(client, tina, number) == ["handelseanalys"]
    simple = complete(client, tina, number, "handelseanalys", SIMPLE_INVESTIGATION)
    assert assert_error(simple, 422, "validation_failed")["errors"]
    done(client, tina, number, "handelseanalys", EVENT_ANALYSIS)
    assert open_specs(client, tina, number) == ["informera_patient"]  # vårdskada: PSL 3 kap. 8 §
    done(client, tina, number, "informera_patient", PATIENT_INFORMED)
    done(client, tina, number, "aterkoppling", FEEDBACK)

    action = add_action(client, tina, number, {"titel": "Kofferdam vid all endodonti", "typ": "forebyggande",
                                               "ansvarig": "tina"})
    assert unmet(client, tor, number, "tandvard", sole=True) == ["atgarder_avslutade"]
    assert_error(complete(client, tina, number, "signera_avslut", SIGN), 403, "forbidden")  # the chef signs
    blocked = assert_error(complete(client, tor, number, "signera_avslut", SIGN), 409, "closure_blocked")
    assert [u["id"] for u in blocked["unmet"]] == ["atgarder_avslutade"]
    assert event(client, tor, number)["status"] != "closed"

    cancelled = client.post(f"{API}/actions/{action['id']}/transition", headers=tina,
                            json={"to": "avbruten", "note": "Ersätts av regionens rutin för kofferdam."})
    assert cancelled.status_code == 200, cancelled.get_json()
    assert unmet(client, tor, number, "tandvard", sole=True) == []
    closed = done(client, tor, number, "signera_avslut", SIGN)
    assert closed["event_status"] == "closed" and closed["next_tasks"] == []
    assert event(client, tor, number)["status"] == "closed"


def test_minor_event_gets_a_simple_investigation_and_no_lex_maria(
    client: Any, auth: Any, dental_report: dict[str, Any]
) -> None:
    tina, tor = auth("tina"), auth("tor")
    number = submit(client, auth("eva"), dental_report, unit=UNIT)["number"]
    done(client, tina, number, "triage", ACCEPT)
    done(client, tina, number, "klassificering", CLASSIFY_MINOR)
    assert open_specs(client, tina, number) == ["utredning"]  # score 2: no lex Maria, no händelseanalys
    done(client, tina, number, "utredning", SIMPLE_INVESTIGATION)
    assert open_specs(client, tina, number) == ["aterkoppling"]  # no vårdskada, no patient information step
    done(client, tina, number, "aterkoppling", {"aterkoppling": {"status": "avstadd"}})
    closed = done(client, tor, number, "signera_avslut", SIGN)
    assert closed["event_status"] == "closed"
    assert event(client, tor, number)["decisions"] == []


def test_rejected_report_ends_without_handling(client: Any, auth: Any, dental_report: dict[str, Any]) -> None:
    tina = auth("tina")
    number = submit(client, auth("eva"), dental_report, unit=UNIT)["number"]
    no_reason = complete(client, tina, number, "triage", {"triage": {"beslut": "avvisad"}})
    assert [e["path"] for e in assert_error(no_reason, 422, "validation_failed")["errors"]] == ["triage/motivering"]
    result = done(client, tina, number, "triage", {"triage": {"beslut": "avvisad", "motivering": "Ingen avvikelse."}})
    assert result["next_tasks"] == []
    assert result["case"]["status"] == "closed"


def test_triage_clock_escalates_to_the_verksamhetschef(
    demo: Engine, client: Any, auth: Any, dental_report: dict[str, Any], clock: Clock
) -> None:

    tina, tor = auth("tina"), auth("tor")
    number = submit(client, auth("eva"), dental_report, unit=UNIT)["number"]
    assert open_specs(client, tina, number) == ["triage"]
    clock.advance(days=5, minutes=1)  # sla_triage: P5D
    assert "1 ärenden" in fire_due_timers(demo).output
    assert client.get(f"{API}/tasks", headers=tina).get_json() == []
    escalated = client.get(f"{API}/tasks", headers=tor).get_json()
    assert [(t["spec_name"], t["event_number"], t["role"]) for t in escalated] == [
        ("triage_eskalerad", number, "verksamhetschef")]
    assert_error(complete(client, tina, number, "triage_eskalerad", ACCEPT), 403, "forbidden")
    done(client, tor, number, "triage_eskalerad", ACCEPT)
    assert open_specs(client, tina, number) == ["klassificering"]
