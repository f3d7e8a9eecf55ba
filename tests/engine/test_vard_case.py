"""A vård case through the engine's public API with the repo's real definition files."""

from __future__ import annotations

import re
from typing import Any

import pytest

from engine import Engine
from engine.errors import ClosureBlocked, InvalidInput, NotFound, PermissionDenied, TaskNotReady

ACCEPT = {"triage": {"beslut": "accepterad"}}
CLASSIFY_SERIOUS = {
    "kategori": "lakemedel",
    "riskbedomning": {"konsekvens_faktisk": 2, "konsekvens_potentiell": 3, "sannolikhet": 2},
    "vardskada": "ja",
    "patient": {"personnummer": "19121212-1212"},
}
LEX_MARIA_YES = {"lex_maria": {"varde": "ja", "referens": "IVO 3.1.1-12345/2026", "datum": "2026-11-21"}}
INVESTIGATION = {"utredning": {"niva": "handelseanalys", "sammanfattning": "Fel dos.", "godkand_av": "bertil"}}
PATIENT_INFORMED = {"patientinformation": {"datum": "2026-11-22", "till": "patient", "vardskada_informerad": True}}
FEEDBACK = {"aterkoppling": {"status": "given", "text": "Tack, vi har infört dubbelkontroll.", "datum": "2026-11-23"}}
SIGN = {"avslut": {"lardomar": "Dubbelkontroll av doser."}}


def handle_until_signing(casework: Any, number: str) -> None:
    casework.complete(number, "triage", ACCEPT)
    casework.complete(number, "klassificering", CLASSIFY_SERIOUS)
    casework.complete(number, "lex_maria_bedomning", LEX_MARIA_YES, user="cecilia")
    casework.complete(number, "utredning", INVESTIGATION)
    casework.complete(number, "informera_patient", PATIENT_INFORMED)
    casework.complete(number, "aterkoppling", FEEDBACK)


def test_report_is_numbered_routed_and_listed_for_handlers(demo: Engine, report: dict[str, Any]) -> None:
    event = demo.report_event("eva", "ks-akut", report)
    assert re.fullmatch(r"RS-\d{4}-\d{6}", event["number"])  # Region Stockholm's series
    assert [a["area"] for a in event["areas"]] == ["vard"]
    worklist = demo.worklist("anna")
    assert [(t["event_number"], t["event_title"], t["spec_name"]) for t in worklist] == [
        (event["number"], report["rubrik"], "triage")
    ]
    assert worklist[0]["due_at"] is not None  # the triage SLA timer
    assert demo.worklist("david") == []  # a handler in Region Gotland does not see Stockholm's work


def test_case_runs_from_report_to_closure(demo: Engine, casework: Any, report: dict[str, Any]) -> None:
    number = demo.report_event("eva", "ks-akut", report)["number"]
    handle_until_signing(casework, number)
    result = casework.complete(number, "signera_avslut", SIGN, user="bertil")
    assert result["case"]["status"] == "closed"
    assert result["event_status"] == "closed"
    assert result["next_tasks"] == []
    view = demo.get_event(number, "bertil")
    assert [d["kind"] for d in view["decisions"]] == ["lex_maria"]
    assert view["decisions"][0]["reference"] == "IVO 3.1.1-12345/2026"
    assert all(rule["met"] for area in demo.closure_status(number, "bertil") for rule in area["rules"])


def test_closing_is_refused_while_an_action_is_open_and_allowed_when_done(
    demo: Engine, casework: Any, report: dict[str, Any]
) -> None:
    number = demo.report_event("eva", "ks-akut", report)["number"]
    handle_until_signing(casework, number)
    action = demo.create_action(number, "anna", {"titel": "Inför dubbelkontroll", "typ": "korrigerande",
                                                 "ansvarig": "anna", "klart_datum": "2026-12-31"})
    assert action["events"] == [{"number": number, "title": report["rubrik"]}]
    with pytest.raises(ClosureBlocked) as blocked:
        casework.complete(number, "signera_avslut", SIGN, user="bertil")
    assert [rule["id"] for rule in blocked.value.unmet] == ["atgarder_avslutade"]
    status = demo.closure_status(number, "bertil")[0]
    assert status["can_close"] is False
    for target in ("beslutad", "pagar", "genomford"):
        demo.transition_action(action["id"], "anna", target)
    result = casework.complete(number, "signera_avslut", SIGN, user="bertil")
    assert result["case"]["status"] == "closed"


def test_missing_decision_blocks_closing_with_its_rule(demo: Engine, casework: Any, report: dict[str, Any]) -> None:
    """Closure rules are checked on the closing path even if the process skipped a step's data."""
    number = demo.report_event("eva", "ks-akut", report)["number"]
    casework.complete(number, "triage", ACCEPT)
    casework.complete(number, "klassificering", {**CLASSIFY_SERIOUS, "vardskada": "nej"})
    status = demo.closure_status(number, "anna")[0]
    unmet = {r["id"] for r in status["rules"] if not r["met"]}
    assert unmet == {"lex_maria_beslut", "utredning_godkand", "aterkoppling_given"}


def test_user_without_the_lanes_role_is_refused(demo: Engine, casework: Any, report: dict[str, Any]) -> None:
    number = demo.report_event("eva", "ks-akut", report)["number"]
    task = casework.task(number, "triage")
    with pytest.raises(PermissionDenied):
        demo.complete_task(task["id"], "bertil", ACCEPT)  # verksamhetschef, not handläggare
    with pytest.raises(NotFound):
        demo.complete_task(task["id"], "david", ACCEPT)  # no grant over the unit at all
    with pytest.raises(NotFound):
        demo.complete_task(task["id"], "eva", ACCEPT)  # the reporter does not handle


def test_invalid_form_data_is_refused_with_every_field_error(
    demo: Engine, casework: Any, report: dict[str, Any]
) -> None:
    number = demo.report_event("eva", "ks-akut", report)["number"]
    casework.complete(number, "triage", ACCEPT)
    task = casework.task(number, "klassificering")
    bad = {"kategori": "okand", "riskbedomning": {"konsekvens_faktisk": 7}, "patient": {"personnummer": "abc"}}
    with pytest.raises(InvalidInput) as refused:
        demo.complete_task(task["id"], "anna", bad)
    assert {e["path"] for e in refused.value.errors} == {
        "kategori",
        "riskbedomning/konsekvens_faktisk",
        "riskbedomning/konsekvens_potentiell",
        "riskbedomning/sannolikhet",
        "vardskada",
        "patient/personnummer",
    }
    assert all(e["message"] for e in refused.value.errors)
    assert casework.task(number, "klassificering")["id"] == task["id"]  # nothing was lost or advanced


def test_invalid_report_is_refused_and_nothing_is_stored(demo: Engine, report: dict[str, Any]) -> None:
    with pytest.raises(InvalidInput) as refused:
        demo.report_event("eva", "ks-akut", {**report, "drabbade": [], "hande_tid": "igår"})
    assert {e["path"] for e in refused.value.errors} == {"drabbade", "hande_tid"}
    with pytest.raises(InvalidInput) as unknown_unit:
        demo.report_event("eva", "finns-inte", report)
    assert unknown_unit.value.errors[0]["path"] == "unit_id"
    assert demo.list_events("anna")["total"] == 0


def test_completed_task_cannot_be_completed_again(demo: Engine, casework: Any, report: dict[str, Any]) -> None:
    number = demo.report_event("eva", "ks-akut", report)["number"]
    task = casework.task(number, "triage")
    demo.complete_task(task["id"], "anna", ACCEPT)
    with pytest.raises(TaskNotReady):  # it stays in the task history, ended
        demo.complete_task(task["id"], "anna", ACCEPT)


def test_claimed_task_is_not_ready_for_someone_else(demo: Engine, casework: Any, report: dict[str, Any]) -> None:
    demo.add_user("anders")
    demo.grant_role("anders", "handlaggare", "ks-akut")
    number = demo.report_event("eva", "ks-akut", report)["number"]
    task = casework.task(number, "triage")
    demo.claim_task(task["id"], "anna")
    assert [t["id"] for t in demo.worklist("anna", scope="mine")] == [task["id"]]
    assert demo.worklist("anders") == []
    with pytest.raises(TaskNotReady):
        demo.complete_task(task["id"], "anders", ACCEPT)
    demo.release_task(task["id"], "anna")
    assert [t["id"] for t in demo.worklist("anders")] == [task["id"]]


def test_patient_data_reads_are_logged_and_kept_out_of_the_audit_log(
    demo: Engine, casework: Any, report: dict[str, Any]
) -> None:
    number = demo.report_event("eva", "ks-akut", report)["number"]
    casework.complete(number, "triage", ACCEPT)
    casework.complete(number, "klassificering", CLASSIFY_SERIOUS)
    demo.get_event(number, "bertil", purpose="uppföljning")
    log = demo.audit_log(number, "revisor")
    assert ("bertil", "uppföljning") in [(r["actor"], r["purpose"]) for r in log["reads"]]
    assert "19121212-1212" not in repr(log["changes"])
    assert [c["operation"] for c in log["changes"]][:2] == ["report", "complete"]
    with pytest.raises(PermissionDenied):
        demo.audit_log(number, "anna")  # handling a case is not auditing it
