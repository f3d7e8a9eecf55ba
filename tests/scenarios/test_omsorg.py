"""Omsorg (Region Gotland, äldreomsorg och LSS) through the HTTP API: the lex Sarah path with SAS's decision and
the investigation attached (a restricted case worked from the worklist), the lex Sarah clocks by legal basis,
and closing only when every rule is met. Routing, the HSL part with MAS's lex Maria decision and the triage
clock are scenarios in processes/omsorg/scenarios/."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from engine import Engine

from ..conftest import Clock
from ..definitions import fire_due_timers, publish_with
from ..http import (
    API,
    add_action,
    assert_error,
    carry_out_action,
    complete,
    done,
    done_from_worklist,
    error_paths,
    event,
    open_specs,
    submit,
    unmet,
    worklist,
)
UNIT = "rg-aldre"

ACCEPT = {"triage": {"beslut": "accepterad"}}
CLASSIFY_LEX_SARAH = {
    "kategori": "missforhallande",
    "missforhallande_typ": "forsummelse",
    "riskbedomning": {"konsekvens_faktisk": 2, "konsekvens_potentiell": 2, "sannolikhet": 2},
    "lex_sarah_rapport": "ja",
    "lex_sarah_grund": "missforhallande",
    "insats_lagrum": "sol",
    "hsl_del": "nej",
    "brukare": {"personnummer": "19300101-1234"},
}
REMEDY = {"omedelbar_atgard": {"beskrivning": "Extra personal insatt; brukaren får hjälp var tredje timme.",
                               "tidpunkt": "2026-11-20T16:00:00+01:00", "ansvarig": "david",
                               "utredning_paborjad": True}}
LS_INVESTIGATION_ONGOING = {"utredning": {
    "niva": "lex_sarah", "status": "pagaende", "utredare": "Sara SAS",
    "missforhallandet": "Brukaren blev liggande utan tillsyn under natten.",
    "konsekvenser": "Brukaren var nedkyld och uttorkad.", "sammanfattning": "Nattpasset var underbemannat."}}
LS_INVESTIGATION_DONE = {"utredning": {
    **LS_INVESTIGATION_ONGOING["utredning"], "status": "avslutad",
    "orsaker": "Bemanningsplanen tog inte hänsyn till sjukfrånvaro.", "atgarder": "Ny bemanningsrutin.",
    "enskildes_synpunkter": "Vill ha fler tillsynsbesök.", "godkand_av": "vera",
    "ivo_komplettering_datum": "2026-12-10"}}
LEX_SARAH_YES = {"lex_sarah": {"allvarlighet": "allvarligt_missforhallande", "varde": "ja",
                               "referens": "IVO 3.5.1-34567/2026", "datum": "2026-11-21",
                               "utredning_bifogad": True}}
INFORMED = {"information_enskild": {"status": "informerad", "datum": "2026-11-22", "till": "foretradare",
                                    "synpunkter": "Dottern är nöjd med åtgärderna."}}
FEEDBACK = {"aterkoppling": {"status": "given", "text": "Tack för rapporten, rutinen är ändrad.",
                             "datum": "2026-11-23"}}
SIGN = {"avslut": {"lardomar": "Bemanningsrutinen ses över varje kvartal."}}


@pytest.fixture
def care_report(report: dict[str, Any]) -> dict[str, Any]:
    return {**report, "rubrik": "Brukare fick ingen tillsyn under natten",
            "beskrivning": "En brukare hittades på golvet på morgonen och hade inte fått tillsyn under natten."}


def test_lex_sarah_path_with_sas_decision_investigation_attached_and_closure(
    client: Any, auth: Any, care_report: dict[str, Any]
) -> None:
    david, sara, maria, vera = auth("david"), auth("sara"), auth("maria"), auth("vera")
    number = submit(client, auth("eva"), care_report, unit=UNIT)["number"]
    assert_error(complete(client, sara, number, "triage", ACCEPT), 403, "forbidden")
    done(client, david, number, "triage", ACCEPT)

    # a missförhållande is always a lex Sarah report
    assert "lex_sarah_rapport" in error_paths(
        complete(client, david, number, "klassificering", {**CLASSIFY_LEX_SARAH, "lex_sarah_rapport": "nej"}))
    next_tasks = done(client, david, number, "klassificering", CLASSIFY_LEX_SARAH)["next_tasks"]
    assert [t["spec_name"] for t in next_tasks] == ["omedelbar_atgard"]  # no HSL part
    assert next_tasks[0]["due_at"] is not None  # the "genast" clock of the local routine
    assert set(unmet(client, david, number, "omsorg", sole=True)) == {
        "lex_sarah_avhjalpt", "lex_sarah_beslut", "enskild_informerad", "utredning_godkand", "aterkoppling_given"}

    done(client, david, number, "omedelbar_atgard", REMEDY)
    assert_error(complete(client, david, number, "lex_sarah_utredning", LS_INVESTIGATION_ONGOING), 403, "forbidden")
    done(client, sara, number, "lex_sarah_utredning", LS_INVESTIGATION_ONGOING)

    decide = "lex_sarah_bedomning"
    assert_error(complete(client, maria, number, decide, LEX_SARAH_YES), 403, "forbidden")  # MAS is not SAS
    assert_error(complete(client, david, number, decide, LEX_SARAH_YES), 403, "forbidden")
    not_attached = {"lex_sarah": {**LEX_SARAH_YES["lex_sarah"], "utredning_bifogad": False}}
    assert error_paths(complete(client, sara, number, decide, not_attached)) == {"lex_sarah/utredning_bifogad"}
    missing = {"lex_sarah": {k: v for k, v in LEX_SARAH_YES["lex_sarah"].items()
                             if k not in ("utredning_bifogad", "referens", "datum")}}
    assert error_paths(complete(client, sara, number, decide, missing)) == {
        "lex_sarah/utredning_bifogad", "lex_sarah/referens", "lex_sarah/datum"}
    serious_but_no = {"lex_sarah": {"allvarlighet": "allvarligt_missforhallande", "varde": "nej",
                                    "motivering": "Inte allvarligt."}}
    assert error_paths(complete(client, sara, number, decide, serious_but_no)) == {"lex_sarah/varde"}
    done(client, sara, number, decide, LEX_SARAH_YES)
    decisions = event(client, vera, number)["decisions"]
    assert [(d["kind"], d["value"], d["reference"], d["decided_by"]) for d in decisions] == [
        ("lex_sarah", "ja", "IVO 3.5.1-34567/2026", "sara")]

    # the investigation was reported while ongoing: it must still be completed
    assert open_specs(client, sara, number) == ["slutfor_utredning"]
    assert "utredning_godkand" in unmet(client, vera, number, "omsorg", sole=True)
    assert error_paths(complete(client, sara, number, "slutfor_utredning", LS_INVESTIGATION_ONGOING))
    done(client, sara, number, "slutfor_utredning", LS_INVESTIGATION_DONE)
    # After the lex Sarah decision the case is restricted: the handläggare works the tasks of the lane from the
    # worklist, sees protected values masked there, and no longer reads the case or changes its actions.
    assert_error(client.get(f"{API}/events/{number}", headers=david), 404, "not_found")
    assert worklist(client, david, number) == ["informera_enskild"]
    done_from_worklist(client, david, number, "informera_enskild", INFORMED)
    done_from_worklist(client, david, number, "aterkoppling", FEEDBACK)
    assert_error(client.post(f"{API}/events/{number}/actions", json={"data": {"titel": "x", "typ": "forebyggande"}},
                             headers=david), 404, "not_found")

    action = add_action(client, vera, number, {"titel": "Ny bemanningsrutin för natten", "typ": "forebyggande",
                                               "ansvarig": "david"})
    assert unmet(client, vera, number, "omsorg", sole=True) == ["atgarder_avslutade"]
    assert_error(complete(client, sara, number, "signera_avslut", SIGN), 403, "forbidden")
    blocked = assert_error(complete(client, vera, number, "signera_avslut", SIGN), 409, "closure_blocked")
    assert [u["id"] for u in blocked["unmet"]] == ["atgarder_avslutade"]
    assert event(client, vera, number)["status"] != "closed"
    carry_out_action(client, david, action["id"])
    closed = done(client, vera, number, "signera_avslut", SIGN)
    assert closed["event_status"] == "closed"
    assert event(client, vera, number)["status"] == "closed"


def test_lex_sarah_clock_escalates_by_legal_basis(
    demo: Engine, client: Any, auth: Any, care_report: dict[str, Any], tmp_path: Path, clock: Clock
) -> None:
    publish_with(demo, tmp_path, "omsorg", {"sla_lex_sarah_lss: PT4H": "sla_lex_sarah_lss: P1D"},
                 label="längre lex Sarah-klocka för LSS")
    david, vera, sara = auth("david"), auth("vera"), auth("sara")
    sol = submit(client, auth("eva"), care_report, unit=UNIT)["number"]
    lss = submit(client, auth("eva"), {**care_report, "rubrik": "Utebliven insats i LSS-boende"}, unit=UNIT)["number"]
    for number, lagrum in ((sol, "sol"), (lss, "lss")):
        done(client, david, number, "triage", ACCEPT)
        done(client, david, number, "klassificering", {**CLASSIFY_LEX_SARAH, "insats_lagrum": lagrum})
    clock.advance(hours=4, minutes=1)  # sla_lex_sarah_sol: PT4H
    assert "1 ärenden" in fire_due_timers(demo).output

    assert open_specs(client, david, sol) == ["omedelbar_atgard_eskalerad"]
    assert open_specs(client, david, lss) == ["omedelbar_atgard"]  # "utan dröjsmål" has its own clock
    escalated = client.get(f"{API}/tasks", headers=vera).get_json()
    assert [(t["spec_name"], t["event_number"], t["role"]) for t in escalated] == [
        ("omedelbar_atgard_eskalerad", sol, "verksamhetschef")]
    assert_error(complete(client, david, sol, "omedelbar_atgard_eskalerad", REMEDY), 403, "forbidden")
    done(client, vera, sol, "omedelbar_atgard_eskalerad", REMEDY)
    assert open_specs(client, sara, sol) == ["lex_sarah_utredning"]
    history = [h["operation"] for h in event(client, vera, sol)["history"]]
    assert "timer" in history


def test_brukare_identifier_is_protected(client: Any, auth: Any, care_report: dict[str, Any]) -> None:
    david = auth("david")
    number = submit(client, auth("eva"), care_report, unit=UNIT)["number"]
    done(client, david, number, "triage", ACCEPT)
    done(client, david, number, "klassificering", CLASSIFY_LEX_SARAH)
    listed = client.get(f"{API}/events", headers=auth("vera")).get_json()
    assert number in repr(listed) and "19300101-1234" not in repr(listed)
    assert event(client, auth("vera"), number)["case_data"]["omsorg"]["brukare"]["personnummer"] == "19300101-1234"
    log = client.get(f"{API}/audit?event={number}", headers=auth("gustav")).get_json()  # Gotland's auditor
    assert ("vera", "GET /events/{number}") in [(r["actor"], r["purpose"]) for r in log["reads"]]
    assert "19300101-1234" not in repr(log["changes"])


def test_the_sas_decision_on_lex_sarah_has_a_clock_that_escalates(
    demo: Engine, client: Any, auth: Any, care_report: dict[str, Any], clock: Clock
) -> None:
    david, sara, vera = auth("david"), auth("sara"), auth("vera")
    number = submit(client, auth("eva"), care_report, unit=UNIT)["number"]
    done(client, david, number, "triage", ACCEPT)
    done(client, david, number, "klassificering", CLASSIFY_LEX_SARAH)
    done(client, david, number, "omedelbar_atgard", REMEDY)
    decide = done(client, sara, number, "lex_sarah_utredning", LS_INVESTIGATION_ONGOING)["next_tasks"]
    assert [(t["spec_name"], t["due_at"] is not None) for t in decide] == [("lex_sarah_bedomning", True)]
    clock.advance(days=3, minutes=1)  # sla_lex_sarah_beslut: P3D
    assert "1 ärenden" in fire_due_timers(demo).output
    assert open_specs(client, sara, number) == ["lex_sarah_bedomning_eskalerad"]
    assert [t["role"] for t in client.get(f"{API}/tasks", headers=vera).get_json()] == ["verksamhetschef"]
    done(client, vera, number, "lex_sarah_bedomning_eskalerad", LEX_SARAH_YES)
    assert [(d["kind"], d["decided_by"]) for d in event(client, vera, number)["decisions"]] == [("lex_sarah", "vera")]
