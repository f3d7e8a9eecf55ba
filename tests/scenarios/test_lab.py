"""Laboratory area (ISO 15189 nonconforming work) through the HTTP API with the repo's real definition files:
containment first, clinical significance, the link to a vård event when a patient may have been harmed, grading,
root cause, effectiveness check, the containment clock and the closure rules."""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from engine import Engine
from engine.validation import has_errors, validate_paths

from ..conftest import Clock
from ..definitions import activate_everywhere, copy_definitions, edit, fire_due_timers
from ..http import (
    API,
    add_action,
    advance,
    assert_error,
    carry_out_action,
    complete,
    done,
    error_paths,
    event,
    open_task,
    open_specs,
    submit,
    unmet,
)

LAB_UNIT = "ks-klinkem"

MISLABELLED = {
    "rubrik": "Felmärkt provrör från akuten",
    "beskrivning": "Provröret var märkt med en annan patients etikett; svaret hann skickas ut.",
    "hande_tid": "2026-11-20T09:15:00+01:00",
    "handelsetyp": "negativ_handelse",
    "drabbade": ["prov", "patient"],
}
# Contained: the issued result was recalled, a corrected one issued and the requesting clinician told.
CONTAINED = {
    "prov": {"remiss_id": "R-2026-445566", "personnummer": "19121212-1212", "analys": "P-Kalium", "antal_prov": 1},
    "begransning": {
        "avvikande_arbete": "ja",
        "undersokningar_stoppade": False,
        "svar_paverkade": "utfardade",
        "antal_svar": 1,
        "aterkallade_datum": "2026-11-20",
        "korrigerade_datum": "2026-11-20",
        "bestallare": "Akutmottagningen Solna, jourhavande läkare",
        "bestallare_informerad_datum": "2026-11-20",
        "sammanfattning": "Svaret återkallades och ett nytt prov togs.",
        "datum": "2026-11-20",
    },
}


def assessed(harm: str) -> dict[str, Any]:
    return {
        "kategori": "preanalytisk_identifiering",
        "klinisk_betydelse": {"niva": "betydande" if harm == "ja" else "liten",
                              "motivering": "Kaliumvärdet styrde behandlingen.", "bedomd_av": "Specialistläkare"},
        "lab_patientpaverkan": {"varde": harm, "motivering": "Behandling kan ha getts på fel värde.",
                                "datum": "2026-11-21"},
    }


INVESTIGATED = {"utredning": {"grad": "storre", "iso_punkt": "7.2", "orsaksomrade": "rutiner",
                              "grundorsak": "Etiketter skrevs ut i förväg för flera patienter.",
                              "liknande": "Samma arbetssätt finns på två andra mottagningar.",
                              "korrigerande_atgard": "Etiketter skrivs ut vid patienten."}}
NOT_EFFECTIVE = {"effektkontroll": {"resultat": "ej_effektiv", "metod": "Stickprov vecka 50.", "datum": "2026-12-15"}}
EFFECTIVE = {"effektkontroll": {"resultat": "effektiv", "metod": "Stickprov vecka 3, inga fel.", "datum": "2027-01-20"}}
FEEDBACK = {"aterkoppling": {"status": "given", "text": "Tack! Etiketter skrivs nu ut vid patienten.",
                             "datum": "2027-01-21"}}
SIGN = {"avslut": {"lardomar": "Etiketter skrivs ut vid patienten."}}


def test_mislabelled_sample_goes_to_lab_and_vard_and_the_lab_case_links_the_vard_event(
    client: Any, auth: Any
) -> None:
    lars, anna = auth("lars"), auth("anna")
    reported = submit(client, auth("eva"), MISLABELLED, unit=LAB_UNIT)
    number = reported["number"]
    assert sorted(a["area"] for a in reported["areas"]) == ["lab", "vard"]
    # Containment comes first, for the lab's quality manager; vård's triage is anna's.
    assert [(t["spec_name"], t["event_number"]) for t in client.get(f"{API}/tasks", headers=lars).get_json()] == [
        ("begransning", number)
    ]
    assert open_specs(client, anna, number, "vard") == ["triage"]

    assert advance(client, lars, number, "begransning", CONTAINED) == ["klinisk_bedomning"]
    assert advance(client, lars, number, "klinisk_bedomning", assessed("ja")) == ["koppla_vardavvikelse"]
    bad = assert_error(complete(client, lars, number, "koppla_vardavvikelse", {"vardkoppling": {"handelse": "12345"}}),
                       422, "validation_failed")
    assert [e["path"] for e in bad["errors"]] == ["vardkoppling/handelse"]
    # The vård avvikelse is this very event (it was routed to vård too): its number is the link.
    link = {"vardkoppling": {"handelse": number}}
    assert advance(client, lars, number, "koppla_vardavvikelse", link) == ["utredning"]

    view = event(client, lars, number)
    assert view["case_data"]["lab"]["vardkoppling"]["handelse"] == number
    linked = event(client, anna, view["case_data"]["lab"]["vardkoppling"]["handelse"])
    assert "vard" in [a["area"] for a in linked["areas"]]
    assert [(d["kind"], d["value"], d["decided_by"]) for d in view["decisions"]] == [
        ("lab_patientpaverkan", "ja", "lars")]
    assert "vardavvikelse_kopplad" not in unmet(client, lars, number, "lab")


def test_sample_and_referral_identifiers_are_protected(client: Any, auth: Any) -> None:
    lars = auth("lars")
    number = submit(client, auth("eva"), {**MISLABELLED, "drabbade": ["prov"]}, unit=LAB_UNIT)["number"]
    assert advance(client, lars, number, "begransning", CONTAINED) == ["klinisk_bedomning"]
    event(client, auth("bertil"), number)
    history = event(client, lars, number)["history"]
    logged = next(h for h in history if h["operation"] == "complete")["after"]["data"]["prov"]
    assert logged["remiss_id"] == "[skyddat]" and logged["personnummer"] == "[skyddat]"
    assert logged["analys"] == "P-Kalium"
    reads = client.get(f"{API}/audit?event={number}", headers=auth("revisor")).get_json()["reads"]
    assert {"bertil", "lars"} <= {r["actor"] for r in reads}
    listed = client.get(f"{API}/events", headers=lars).get_json()
    assert "R-2026-445566" not in str(listed)


def test_containment_with_issued_results_needs_recall_or_correction_and_the_clinician_informed(
    client: Any, auth: Any
) -> None:
    lars = auth("lars")
    number = submit(client, auth("eva"), {**MISLABELLED, "drabbade": ["prov"]}, unit=LAB_UNIT)["number"]
    partial = {**CONTAINED["begransning"]}
    for key in ("aterkallade_datum", "korrigerade_datum", "bestallare_informerad_datum"):
        del partial[key]
    body = assert_error(complete(client, lars, number, "begransning", {"prov": {}, "begransning": partial}),
                        422, "validation_failed")
    paths = [e["path"] for e in body["errors"]]
    assert "begransning/bestallare_informerad_datum" in paths
    assert "begransning" in paths  # neither recalled nor corrected (anyOf)
    assert open_specs(client, lars, number, "lab") == ["begransning"]


def test_handling_with_possible_patient_harm_runs_to_closure_with_the_right_people(
    client: Any, auth: Any
) -> None:
    lars, anna, bertil = auth("lars"), auth("anna"), auth("bertil")
    number = submit(client, auth("eva"), {**MISLABELLED, "drabbade": ["prov"]}, unit=LAB_UNIT)["number"]
    task = open_task(client, lars, number, "begransning")["id"]  # anna sees no lab case: 404
    assert_error(client.post(f"{API}/tasks/{task}/complete", json={"data": CONTAINED}, headers=anna), 404, "not_found")
    assert_error(complete(client, bertil, number, "begransning", CONTAINED), 403, "forbidden")
    assert unmet(client, lars, number, "lab") == ["begransning_dokumenterad"]
    done(client, lars, number, "begransning", CONTAINED)
    assert_error(complete(client, bertil, number, "klinisk_bedomning", assessed("ja")), 403, "forbidden")
    done(client, lars, number, "klinisk_bedomning", assessed("ja"))
    assert unmet(client, lars, number, "lab") == ["vardavvikelse_kopplad", "avvikelse_utredd", "effekt_kontrollerad",
                                                  "aterkoppling_given"]
    # The link names a real event handled in vård that the quality manager may see: an unknown number, or a vård
    # event he may not read, is refused.
    for other in ("AVV-2026-000042", submit(client, auth("eva"), {**MISLABELLED, "drabbade": ["patient"]})["number"]):
        unknown = complete(client, lars, number, "koppla_vardavvikelse", {"vardkoppling": {"handelse": other}})
        assert error_paths(unknown) == {"vardkoppling/handelse"}
    vard_event = submit(client, auth("eva"), MISLABELLED, unit=LAB_UNIT)["number"]  # lab and vård
    done(client, lars, number, "koppla_vardavvikelse", {"vardkoppling": {"handelse": vard_event}})
    assert [(link["type"], link["number"]) for link in event(client, lars, vard_event)["links"]] == [
        ("lab_deviation_for", number)]
    assert advance(client, lars, number, "utredning", INVESTIGATED) == ["effektkontroll"]
    action = add_action(client, lars, number, {"titel": "Skriv ut etiketter vid patienten", "typ": "korrigerande"})
    # Not effective: the nonconformity is investigated again before anyone may sign.
    assert advance(client, lars, number, "effektkontroll", NOT_EFFECTIVE) == ["utredning"]
    assert advance(client, lars, number, "utredning", INVESTIGATED) == ["effektkontroll"]
    assert advance(client, lars, number, "effektkontroll", EFFECTIVE) == ["aterkoppling"]
    assert advance(client, lars, number, "aterkoppling", FEEDBACK) == ["signera_avslut"]
    assert [f["text"] for f in event(client, auth("eva"), number)["feedback"]] == [FEEDBACK["aterkoppling"]["text"]]

    assert_error(complete(client, lars, number, "signera_avslut", SIGN), 403, "forbidden")
    assert unmet(client, bertil, number, "lab") == ["atgarder_avslutade"]
    blocked = assert_error(complete(client, bertil, number, "signera_avslut", SIGN), 409, "closure_blocked")
    assert [u["id"] for u in blocked["unmet"]] == ["atgarder_avslutade"]
    carry_out_action(client, lars, action["id"])
    closed = complete(client, bertil, number, "signera_avslut", SIGN)
    assert closed.status_code == 200, closed.get_json()
    assert closed.get_json()["case"]["status"] == "closed" and closed.get_json()["event_status"] == "closed"

    view = event(client, bertil, number)
    assert [(d["kind"], d["value"]) for d in view["decisions"]] == [("lab_patientpaverkan", "ja")]
    assert view["case_data"]["lab"]["effektkontroll"]["resultat"] == "effektiv"
    assert unmet(client, bertil, number, "lab") == []


def test_no_patient_harm_needs_no_vard_link(client: Any, auth: Any) -> None:
    lars, bertil = auth("lars"), auth("bertil")
    number = submit(client, auth("eva"), {**MISLABELLED, "drabbade": ["prov"]}, unit=LAB_UNIT)["number"]
    withheld = {"prov": {"analys": "P-Kalium"},
                "begransning": {"avvikande_arbete": "ja", "svar_paverkade": "innehallna",
                                "innehallna_datum": "2026-11-20",
                                "sammanfattning": "Svaret hölls inne och nytt prov begärdes.", "datum": "2026-11-20"}}
    done(client, lars, number, "begransning", withheld)
    assert advance(client, lars, number, "klinisk_bedomning", assessed("nej")) == ["utredning"]
    closure = client.get(f"{API}/events/{number}/closure", headers=lars).get_json()[0]["rules"]
    link = next(r for r in closure if r["id"] == "vardavvikelse_kopplad")
    assert link["applies"] is False and link["met"] is True
    assert next(r for r in closure if r["id"] == "bestallare_informerad")["applies"] is False
    done(client, lars, number, "utredning", INVESTIGATED)
    done(client, lars, number, "effektkontroll", EFFECTIVE)
    done(client, lars, number, "aterkoppling", FEEDBACK)
    assert advance(client, bertil, number, "signera_avslut", SIGN) == []
    view = event(client, bertil, number)
    assert view["status"] == "closed"
    assert [(d["kind"], d["value"], d["motivation"]) for d in view["decisions"]] == [
        ("lab_patientpaverkan", "nej", "Behandling kan ha getts på fel värde.")
    ]


def test_an_unquoted_iso_timer_runs_as_the_duration_it_says(
    demo: Engine, client: Any, auth: Any, tmp_path: Path
) -> None:
    # As other modelers write it: <timeDuration>PT1H</timeDuration>, no quotes, no variable
    tree = copy_definitions(tmp_path)
    edit(tree / "processes" / "lab" / "lab.bpmn", {"<bpmn:timeDuration>sla_begransning</bpmn:timeDuration>":
                                                   "<bpmn:timeDuration>PT1H</bpmn:timeDuration>"})
    assert not has_errors(validate_paths([tree]))
    activate_everywhere(demo, demo.publish_tree(tree, label="timer utan citattecken"))
    lars = auth("lars")
    submit(client, auth("eva"), {**MISLABELLED, "drabbade": ["prov"]}, unit=LAB_UNIT)
    waiting = client.get(f"{API}/tasks", headers=lars).get_json()
    assert [t["spec_name"] for t in waiting] == ["begransning"]
    due = datetime.fromisoformat(waiting[0]["due_at"])
    created = datetime.fromisoformat(waiting[0]["created_at"])
    assert timedelta(minutes=59) < due - created < timedelta(minutes=61)


def test_an_unquoted_iso_timer_fires(demo: Engine, client: Any, auth: Any, tmp_path: Path, clock: Clock) -> None:
    tree = copy_definitions(tmp_path)
    edit(tree / "processes" / "lab" / "lab.bpmn", {"<bpmn:timeDuration>sla_begransning</bpmn:timeDuration>":
                                                   "<bpmn:timeDuration>PT1H</bpmn:timeDuration>"})
    activate_everywhere(demo, demo.publish_tree(tree, label="kort timer utan citattecken"))
    number = submit(client, auth("eva"), {**MISLABELLED, "drabbade": ["prov"]}, unit=LAB_UNIT)["number"]
    clock.advance(hours=1, minutes=1)
    assert "1 ärenden" in fire_due_timers(demo).output
    escalated = client.get(f"{API}/tasks", headers=auth("bertil")).get_json()
    assert [(t["spec_name"], t["event_number"]) for t in escalated] == [("begransning_eskalerad", number)]
