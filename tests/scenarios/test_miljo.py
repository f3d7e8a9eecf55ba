"""Environment area (miljö, ISO 14001) through the HTTP API with the repo's real definition files: triage by the
miljösamordnare, miljöaspekt and containment, the two separate notification decisions to the tillsynsmyndighet
(driftstörning, förordning 1998:901 6 §; upptäckt förorening, MB 10 kap. 11 §), their clock, grading,
effectiveness review and the closure rules."""

from __future__ import annotations

from typing import Any

from engine import Engine

from ..conftest import Clock
from ..definitions import fire_due_timers
from ..http import (
    API,
    add_action,
    advance,
    assert_error,
    carry_out_action,
    closure_rules,
    complete,
    done,
    event,
    open_task,
    submit,
    unmet,
)

SPILL = {
    "rubrik": "Formalinspill i akutens förråd",
    "beskrivning": "En dunk formalin välte och läckte ut på golvet och ner i golvbrunnen.",
    "hande_tid": "2026-11-20T10:00:00+01:00",
    "handelsetyp": "negativ_handelse",
    "drabbade": ["miljo"],
}
ACCEPT = {"triage": {"beslut": "accepterad"}}


def classified(permit: str, disturbance: str, pollution: str) -> dict[str, Any]:
    return {
        "miljoaspekt": "kemikaliespill",
        "amne": {"namn": "Formaldehydlösning 4 %", "cas": "50-00-0", "mangd": 5, "enhet": "l"},
        "mottagare": "avlopp",
        "begransning": {"atgarder": "Absorberat med saneringsmedel; golvbrunnen tätad.", "sanering": "klar",
                        "datum": "2026-11-20"},
        "lagkrav": {"tillstandspliktig": permit, "driftstorning": disturbance, "fororening": pollution},
    }


NOTIFIED = {
    "tillsynsmyndighet_driftstorning": {"varde": "ja", "referens": "MHN 2026-1234", "datum": "2026-11-20"},
    "underrattelse_driftstorning": {"myndighet": "Miljö- och hälsoskyddsnämnden", "satt": "telefon_och_epost",
                                    "tidpunkt": "2026-11-20T11:30:00+01:00"},
}
NOT_POLLUTION = {"tillsynsmyndighet_fororening": {
    "varde": "nej", "motivering": "Spillet nådde aldrig mark; avloppet spolades och provtogs rent."}}
POLLUTION_NOTIFIED = {
    "tillsynsmyndighet_fororening": {"varde": "ja", "referens": "MHN 2026-1240", "datum": "2026-11-21"},
    "underrattelse_fororening": {"myndighet": "Miljö- och hälsoskyddsnämnden", "roll": "brukare", "satt": "etjanst",
                                 "tidpunkt": "2026-11-21T08:00:00+01:00"},
}
INVESTIGATED = {"utredning": {"grad": "mindre", "foljder": "Avloppet spolades och provtogs.",
                              "grundorsak": "Dunken förvarades utan invallning.",
                              "liknande": "Två andra förråd saknar invallning.",
                              "korrigerande_atgard": "Invallning i alla förråd med kemikalier."}}
NOT_EFFECTIVE = {"effektutvardering": {"resultat": "ej_effektiv",
                                       "metod": "Skyddsrond: ett förråd saknar fortfarande invallning.",
                                       "datum": "2027-01-10"}}
EFFECTIVE = {"effektutvardering": {"resultat": "effektiv", "metod": "Skyddsrond: alla förråd invallade.",
                                   "ledningssystem_andras": False, "datum": "2027-02-10"}}
FEEDBACK = {"aterkoppling": {"status": "given", "text": "Tack! Alla förråd är nu invallade.", "datum": "2027-01-21"}}
SIGN = {"avslut": {"lardomar": "Kemikalier förvaras invallat."}}


def test_chemical_spill_routes_to_miljo_and_the_miljosamordnare(client: Any, auth: Any) -> None:
    reported = submit(client, auth("eva"), SPILL)
    assert [a["area"] for a in reported["areas"]] == ["miljo"]
    work = client.get(f"{API}/tasks", headers=auth("mikael")).get_json()
    assert [(t["spec_name"], t["event_number"], t["event_title"]) for t in work] == [
        ("triage", reported["number"], SPILL["rubrik"])
    ]
    assert client.get(f"{API}/tasks", headers=auth("anna")).get_json() == []
    # a vård handler at the same hospital does not see a miljö-only event at all
    assert_error(client.get(f"{API}/events/{reported['number']}", headers=auth("anna")), 404, "not_found")


def test_disturbance_and_pollution_are_two_separate_decisions_then_closure(client: Any, auth: Any) -> None:
    mikael, bertil, anna = auth("mikael"), auth("bertil"), auth("anna")
    number = submit(client, auth("eva"), SPILL)["number"]
    assert advance(client, mikael, number, "triage", ACCEPT) == ["klassificering"]
    no_amount = classified("ja", "ja", "ja")
    del no_amount["amne"]["enhet"]
    body = assert_error(complete(client, mikael, number, "klassificering", no_amount), 422, "validation_failed")
    assert [e["path"] for e in body["errors"]] == ["amne/enhet"]

    # Both duties apply: both decisions are open at once, each on its clock.
    assert advance(client, mikael, number, "klassificering", classified("ja", "ja", "ja")) == [
        "tillsyn_driftstorning", "tillsyn_fororening"]
    assert all(t["due_at"] for t in event(client, mikael, number)["open_tasks"])
    assert unmet(client, mikael, number, "miljo") == ["tillsyn_driftstorning_beslut", "tillsyn_fororening_beslut",
                                                      "utredning_gjord", "effekt_utvarderad", "aterkoppling_given"]
    task = open_task(client, mikael, number, "tillsyn_driftstorning")["id"]  # anna sees no miljö case: 404
    assert_error(client.post(f"{API}/tasks/{task}/complete", json={"data": NOTIFIED}, headers=anna), 404, "not_found")
    assert_error(complete(client, bertil, number, "tillsyn_driftstorning", NOTIFIED), 403, "forbidden")
    yes_without_notice = {"tillsynsmyndighet_driftstorning": NOTIFIED["tillsynsmyndighet_driftstorning"]}
    body = assert_error(complete(client, mikael, number, "tillsyn_driftstorning", yes_without_notice),
                        422, "validation_failed")
    assert [e["path"] for e in body["errors"]] == ["underrattelse_driftstorning"]
    no_without_reason = {"tillsynsmyndighet_fororening": {"varde": "nej"}}
    body = assert_error(complete(client, mikael, number, "tillsyn_fororening", no_without_reason),
                        422, "validation_failed")
    assert [e["path"] for e in body["errors"]] == ["tillsynsmyndighet_fororening/motivering"]

    assert advance(client, mikael, number, "tillsyn_driftstorning", NOTIFIED) == ["tillsyn_fororening"]
    assert unmet(client, mikael, number, "miljo") == ["tillsyn_fororening_beslut", "utredning_gjord",
                                                      "effekt_utvarderad", "aterkoppling_given"]
    assert advance(client, mikael, number, "tillsyn_fororening", NOT_POLLUTION) == ["utredning"]
    assert advance(client, mikael, number, "utredning", INVESTIGATED) == ["effektutvardering"]
    action = add_action(client, mikael, number, {"titel": "Invallning i alla kemikalieförråd", "typ": "korrigerande"})
    assert advance(client, mikael, number, "effektutvardering", NOT_EFFECTIVE) == ["utredning"]
    assert advance(client, mikael, number, "utredning", INVESTIGATED) == ["effektutvardering"]
    assert advance(client, mikael, number, "effektutvardering", EFFECTIVE) == ["aterkoppling"]
    assert "aterkoppling_given" in unmet(client, mikael, number, "miljo")
    assert advance(client, mikael, number, "aterkoppling", FEEDBACK) == ["signera_avslut"]
    assert [f["text"] for f in event(client, auth("eva"), number)["feedback"]] == [FEEDBACK["aterkoppling"]["text"]]

    assert_error(complete(client, mikael, number, "signera_avslut", SIGN), 403, "forbidden")
    blocked = assert_error(complete(client, bertil, number, "signera_avslut", SIGN), 409, "closure_blocked")
    assert [u["id"] for u in blocked["unmet"]] == ["atgarder_avslutade"]
    assert unmet(client, bertil, number, "miljo") == ["atgarder_avslutade"]
    carry_out_action(client, mikael, action["id"])
    closed = complete(client, bertil, number, "signera_avslut", SIGN)
    assert closed.status_code == 200, closed.get_json()
    assert closed.get_json()["event_status"] == "closed"

    decisions = event(client, bertil, number)["decisions"]
    assert [(d["kind"], d["value"], d["reference"], d["motivation"], d["decided_by"]) for d in decisions] == [
        ("tillsynsmyndighet_driftstorning", "ja", "MHN 2026-1234", None, "mikael"),
        ("tillsynsmyndighet_fororening", "nej", None, NOT_POLLUTION["tillsynsmyndighet_fororening"]["motivering"],
         "mikael"),
    ]


def test_a_disturbance_outside_a_permit_or_notification_activity_needs_no_notice(client: Any, auth: Any) -> None:
    mikael, bertil = auth("mikael"), auth("bertil")
    number = submit(client, auth("eva"), SPILL)["number"]
    done(client, mikael, number, "triage", ACCEPT)
    assert advance(client, mikael, number, "klassificering", classified("nej", "ja", "nej")) == ["utredning"]
    status = closure_rules(client, mikael, number, "miljo")
    assert status["tillsyn_driftstorning_beslut"]["applies"] is False
    assert status["tillsyn_fororening_beslut"]["applies"] is False
    done(client, mikael, number, "utredning", INVESTIGATED)
    done(client, mikael, number, "effektutvardering", EFFECTIVE)
    done(client, mikael, number, "aterkoppling", FEEDBACK)
    assert advance(client, bertil, number, "signera_avslut", SIGN) == []
    view = event(client, bertil, number)
    assert view["status"] == "closed" and view["decisions"] == []


def test_discovered_pollution_alone_is_notified_genast(client: Any, auth: Any) -> None:
    mikael = auth("mikael")
    number = submit(client, auth("eva"), {**SPILL, "rubrik": "Oljeförorenad mark vid reservkraften"})["number"]
    done(client, mikael, number, "triage", ACCEPT)
    assert advance(client, mikael, number, "klassificering", classified("nej", "nej", "ja")) == ["tillsyn_fororening"]
    assert closure_rules(client, mikael, number, "miljo")["tillsyn_fororening_beslut"]["met"] is False
    assert advance(client, mikael, number, "tillsyn_fororening", POLLUTION_NOTIFIED) == ["utredning"]
    assert "tillsyn_fororening_beslut" not in unmet(client, mikael, number, "miljo")
    decisions = event(client, mikael, number)["decisions"]
    assert [(d["kind"], d["value"], d["reference"]) for d in decisions] == [
        ("tillsynsmyndighet_fororening", "ja", "MHN 2026-1240")]


def test_rejected_at_triage_ends_the_case(client: Any, auth: Any) -> None:
    mikael = auth("mikael")
    number = submit(client, auth("eva"), SPILL)["number"]
    assert_error(complete(client, mikael, number, "triage", {"triage": {"beslut": "avvisad"}}), 422,
                 "validation_failed")
    rejected = {"triage": {"beslut": "avvisad", "motivering": "Vattenspill, ingen miljöpåverkan."}}
    assert advance(client, mikael, number, "triage", rejected) == []
    view = event(client, mikael, number)
    assert view["areas"][0]["status"] == "closed" and view["open_tasks"] == []


def test_notification_clock_escalates_to_the_verksamhetschef(
    demo: Engine, client: Any, auth: Any, clock: Clock
) -> None:
    mikael, bertil = auth("mikael"), auth("bertil")
    number = submit(client, auth("eva"), SPILL)["number"]
    done(client, mikael, number, "triage", ACCEPT)
    assert advance(client, mikael, number, "klassificering", classified("nej", "nej", "ja")) == ["tillsyn_fororening"]
    clock.advance(hours=24, minutes=1)  # sla_tillsyn: PT24H
    assert "1 ärenden" in fire_due_timers(demo).output
    assert client.get(f"{API}/tasks", headers=mikael).get_json() == []
    escalated = client.get(f"{API}/tasks", headers=bertil).get_json()
    assert [(t["spec_name"], t["event_number"]) for t in escalated] == [("tillsyn_fororening_eskalerad", number)]
    assert_error(complete(client, mikael, number, "tillsyn_fororening_eskalerad", POLLUTION_NOTIFIED), 403,
                 "forbidden")
    assert advance(client, bertil, number, "tillsyn_fororening_eskalerad", POLLUTION_NOTIFIED) == ["utredning"]
    decisions = event(client, bertil, number)["decisions"]
    assert [(d["kind"], d["value"], d["decided_by"]) for d in decisions] == [
        ("tillsynsmyndighet_fororening", "ja", "bertil")]
