"""A report moved at triage ("Flyttas till annan enhet") through the HTTP API: the unit is validated and offered
by the form, the case moves with its triage, the old unit's task ends with the reason, and the new unit handles
the event to closure."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from ..http import API, advance, complete, done, error_paths, event, open_task, submit, worklist

MOVE = {"triage": {"beslut": "flyttad", "ny_enhet": "sos-akut",
                   "motivering": "Patienten vårdades på Södersjukhuset när felet uppstod."}}
ACCEPT = {"triage": {"beslut": "accepterad"}}
CLASSIFY = {"kategori": "lakemedel", "vardskada": "nej",
            "riskbedomning": {"konsekvens_faktisk": 1, "konsekvens_potentiell": 2, "sannolikhet": 2}}
INVESTIGATION = {"utredning": {"niva": "enkel", "sammanfattning": "Fel dos ordinerades.", "godkand_av": "stina"}}
FEEDBACK = {"aterkoppling": {"status": "given", "text": "Tack, rutinen är ändrad.", "datum": "2026-11-30"}}
SIGN = {"avslut": {"lardomar": "Dubbelkontroll vid ordination."}}


def moved_to(unit: str) -> dict[str, Any]:
    return {"triage": {**MOVE["triage"], "ny_enhet": unit}}


def test_triage_offers_the_units_and_refuses_one_that_does_not_exist_or_cannot_handle_vard(
    client: Any, auth: Any, report: dict[str, Any]
) -> None:
    anna = auth("anna")
    number = submit(client, auth("eva"), report)["number"]
    task = client.get(f"{API}/tasks/{open_task(client, anna, number, 'triage')['id']}", headers=anna).get_json()
    offered = [o["const"] for o in task["schema"]["properties"]["triage"]["properties"]["ny_enhet"]["oneOf"]]
    assert "sos-akut" in offered and "ks-avd12" in offered
    assert not {"ks-akut", "rg-akut", "rs-tand", "rs-klagomal"} & set(offered)  # here, Gotland, not vård units

    for unit in ("finns-inte", "rg-akut", "rs-tand", "ks-akut"):
        assert error_paths(complete(client, anna, number, "triage", moved_to(unit))) == {"triage/ny_enhet"}, unit
    without_decision = {"triage": {"beslut": "accepterad", "ny_enhet": "sos-akut"}}
    assert error_paths(complete(client, anna, number, "triage", without_decision)) == {"triage/ny_enhet"}
    view = event(client, anna, number)
    assert view["status"] == "submitted" and view["moves"] == [] and view["areas"][0]["unit_id"] == "ks-akut"


def test_a_vard_event_moved_at_triage_is_handled_to_closure_at_its_new_unit(
    client: Any, auth: Any, report: dict[str, Any]
) -> None:
    eva, anna, olof, stina = auth("eva"), auth("anna"), auth("olof"), auth("stina")
    number = submit(client, eva, report)["number"]
    assert worklist(client, olof, number) == []

    moved = done(client, anna, number, "triage", MOVE)
    assert [(t["spec_name"], t["unit_id"]) for t in moved["next_tasks"]] == [("triage", "sos-akut")]
    assert moved["next_tasks"][0]["due_at"] is not None  # the triage clock starts again at the new unit
    assert worklist(client, anna, number) == [] and worklist(client, olof, number) == ["triage"]

    view = event(client, olof, number)
    assert view["areas"][0]["unit_id"] == "sos-akut" and view["status"] != "closed"
    ended = [t for t in view["task_history"] if t["spec_name"] == "triage"]
    assert [(t["outcome"], t["unit_id"], t["ended_by"]) for t in ended] == [("moved", "ks-akut", "anna")]
    assert ended[0]["note"] == ("Flyttad till Akutmottagningen Södersjukhuset: "
                                "Patienten vårdades på Södersjukhuset när felet uppstod.")
    move = next(h for h in view["history"] if h["operation"] == "move")
    assert move["before"] == {"unit": "ks-akut"} and move["after"]["unit"] == "sos-akut"

    mine = event(client, eva, number)  # the reporter sees where it went, not the handling
    assert [m["message"] for m in mine["moves"]] == ["Flyttad till Akutmottagningen Södersjukhuset"]
    assert mine["status_label"] != "Avslutad" and "history" not in mine

    assert advance(client, olof, number, "triage", ACCEPT) == ["klassificering"]
    assert advance(client, olof, number, "klassificering", CLASSIFY) == ["utredning"]
    assert advance(client, olof, number, "utredning", INVESTIGATION) == ["aterkoppling"]
    assert advance(client, olof, number, "aterkoppling", FEEDBACK) == ["signera_avslut"]
    assert worklist(client, auth("bertil"), number) == [] and worklist(client, stina, number) == ["signera_avslut"]
    closed = done(client, stina, number, "signera_avslut", SIGN)
    assert closed["event_status"] == "closed" and closed["case"]["unit_id"] == "sos-akut"
    assert [f["text"] for f in event(client, eva, number)["feedback"]] == ["Tack, rutinen är ändrad."]


def test_a_moved_case_runs_on_the_new_units_sla_not_the_old_ones(
    client: Any, auth: Any, report: dict[str, Any]
) -> None:
    """Södersjukhuset triages within one day, Karolinska within five (the area's default): the triage that
    restarts at Södersjukhuset after the move is due by Södersjukhuset's clock."""
    petra, anna = auth("petra"), auth("anna")
    response = client.put(f"{API}/units/sos/overlays/vard/sla_triage", json={"value": "P1D"}, headers=petra)
    assert response.status_code == 200, response.get_json()
    number = submit(client, auth("eva"), report)["number"]
    at_karolinska = open_task(client, anna, number, "triage")
    moved = done(client, anna, number, "triage", MOVE)["next_tasks"][0]

    def due(task: dict[str, Any]) -> datetime:
        return datetime.fromisoformat(task["due_at"])

    created = datetime.fromisoformat(at_karolinska["created_at"])
    assert timedelta(days=5) - timedelta(minutes=5) < due(at_karolinska) - created <= timedelta(days=5)
    assert due(moved) - created < timedelta(days=1, minutes=5)  # one day from the move, not five
