"""Environment area (miljö, ISO 14001) through the HTTP API: what processes/miljo/scenarios/ cannot say yet
(event titles in worklists, an event hidden from another area's handler, whether a closure rule applies).
The walk to closure with both notification decisions (driftstörning, förordning 1998:901 6 §; upptäckt
förorening, MB 10 kap. 11 §), their clock and rejection at triage are scenarios there."""

from __future__ import annotations

from typing import Any


from ..http import (
    API,
    advance,
    assert_error,
    closure_rules,
    done,
    event,
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


POLLUTION_NOTIFIED = {
    "tillsynsmyndighet_fororening": {"varde": "ja", "referens": "MHN 2026-1240", "datum": "2026-11-21"},
    "underrattelse_fororening": {"myndighet": "Miljö- och hälsoskyddsnämnden", "roll": "brukare", "satt": "etjanst",
                                 "tidpunkt": "2026-11-21T08:00:00+01:00"},
}
INVESTIGATED = {"utredning": {"grad": "mindre", "foljder": "Avloppet spolades och provtogs.",
                              "grundorsak": "Dunken förvarades utan invallning.",
                              "liknande": "Två andra förråd saknar invallning.",
                              "korrigerande_atgard": "Invallning i alla förråd med kemikalier."}}
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
