"""Notifications written with the change that causes them: who gets which, what they say, and what they never
say. Through the engine's public API with the repo's definitions; delivery is in test_delivery.py."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest

from engine import Engine
from engine import tasks as task_use_cases

from ..conftest import Clock
from ..definitions import activate_everywhere, copy_definitions, edit, fire_due_timers
from .test_vard_case import ACCEPT, CLASSIFY_SERIOUS, FEEDBACK, INVESTIGATION, LEX_MARIA_YES, PATIENT_INFORMED

SERIOUS_WORK_INCIDENT = {
    "rubrik": "Medarbetare föll från stege i förrådet",
    "beskrivning": "Stegen gled undan; medarbetaren bröt handleden.",
    "hande_tid": "2026-11-20T14:30:00+01:00",
    "handelsetyp": "negativ_handelse",
    "drabbade": ["medarbetare"],
    "personskada": "allvarlig",
}
PERSONNUMMER = "19121212-1212"


def _rows(engine: Engine, **where: Any) -> list[dict[str, Any]]:
    return [r for r in engine.outbox_list(limit=1000) if all(r[k] == v for k, v in where.items())]


def test_a_serious_work_incident_notifies_the_arbetsmiljo_roles_of_its_unit(demo: Engine) -> None:
    event = demo.report_event("eva", "ks-avd12", SERIOUS_WORK_INCIDENT)
    number = event["number"]
    rows = _rows(demo, event_number=number)
    tasks = {t["id"]: t for t in demo.get_event(number, "karin")["open_tasks"]}
    decision = next(t for t in tasks.values() if t["name"].startswith("Besluta om anmälan"))
    # the worklist: the chef decides on reporting to Arbetsmiljöverket, the skyddsombud confirms being informed
    worklist = {(r["user_id"], r["link"]) for r in rows if r["subject"].startswith(number)}
    assert {u for u, _ in worklist} == {"karin", "sven"}
    for user_id, link in worklist:
        task_id = link.removeprefix("/uppgifter/")
        assert tasks[task_id]["role"] == {"karin": "chef", "sven": "skyddsombud"}[user_id]
    assert ("karin", f"/uppgifter/{decision['id']}") in worklist
    # the area's rule (processes/arbetsmiljo/notifications.yaml): skyddsombud and HR learn of it the same day,
    # with the area's own template and a link to the event they may read
    informed = [r for r in rows if r["subject"].startswith("Allvarlig arbetsskada: ")]
    assert sorted(r["user_id"] for r in informed) == ["hanna", "sven"]
    for row in rows:
        assert f"{number} · Medarbetare föll från stege i förrådet" in row["subject"]
        assert row["kind"] == "task_created" and row["digest_on"] is None
        assert f"Öppna i avvik: http://localhost:8000{row['link']}" in row["body"]
    for row in informed:
        assert row["link"] == f"/handelser/{number}" and "Arbetsmiljöverket ska fattas i dag" in row["body"]
        assert demo.get_event(number, row["user_id"])["number"] == number  # the link works for them
    karin = next(r for r in rows if r["user_id"] == "karin")
    assert karin["body"].startswith("Ny uppgift\n") and "Område: Arbetsmiljö" in karin["body"]
    # vård's handläggare on the same unit, and the other region, hear nothing of it
    assert _rows(demo, user_id="anna") == [] and _rows(demo, user_id="david") == []


def test_a_vard_case_notifies_each_new_task_once_and_the_reporter_of_the_feedback(
    demo: Engine, casework: Any, report: dict[str, Any]
) -> None:
    number = demo.report_event("eva", "ks-akut", report)["number"]
    casework.complete(number, "triage", ACCEPT)
    casework.complete(number, "klassificering", CLASSIFY_SERIOUS)
    lex_maria = _rows(demo, event_number=number, user_id="cecilia")
    assert [r["kind"] for r in lex_maria] == ["task_created"]
    casework.complete(number, "lex_maria_bedomning", LEX_MARIA_YES, user="cecilia")
    casework.complete(number, "utredning", INVESTIGATION)
    casework.complete(number, "informera_patient", PATIENT_INFORMED)
    assert _rows(demo, user_id="eva") == []
    casework.complete(number, "aterkoppling", FEEDBACK)
    feedback = _rows(demo, user_id="eva")
    assert [(r["kind"], r["link"]) for r in feedback] == [("feedback_given", f"/handelser/{number}")]
    assert FEEDBACK["aterkoppling"]["text"] not in feedback[0]["body"]  # read on the page, by the reporter
    # one notification per task and person: the triage, classification, ... tasks of anna's role
    anna = [r["link"] for r in _rows(demo, event_number=number, user_id="anna")]
    assert len(anna) == len(set(anna)) >= 4


def test_no_notification_holds_a_protected_value(demo: Engine, casework: Any, report: dict[str, Any]) -> None:
    titled = {**report, "rubrik": f"Fel dos till {PERSONNUMMER}"}  # typed into the free-text title, against advice
    number = demo.report_event("eva", "ks-akut", titled)["number"]
    casework.complete(number, "triage", ACCEPT)
    casework.complete(number, "klassificering", CLASSIFY_SERIOUS)  # the patient's personnummer, a protected field
    rows = _rows(demo, event_number=number)
    assert rows
    for row in rows:
        for text in (row["subject"], row["body"]):
            assert PERSONNUMMER not in text and "121212" not in text
    assert f"{number} · Fel dos till [skyddat]" in {r["subject"] for r in rows}


def test_a_rolled_back_change_notifies_nobody(
    demo: Engine, casework: Any, report: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    number = demo.report_event("eva", "ks-akut", report)["number"]
    before = len(demo.outbox_list(limit=1000))

    def crash(*args: Any, **kwargs: Any) -> None:
        raise RuntimeError("the process died after the step was written, before the commit")

    monkeypatch.setattr(task_use_cases, "_audit_task", crash)
    with pytest.raises(RuntimeError):
        casework.complete(number, "triage", ACCEPT)  # would open the classification task for anna
    assert len(demo.outbox_list(limit=1000)) == before
    monkeypatch.undo()
    casework.complete(number, "triage", ACCEPT)
    assert len(demo.outbox_list(limit=1000)) > before


def test_an_assigned_task_notifies_the_assignee_not_the_one_who_assigned_it(
    demo: Engine, report: dict[str, Any]
) -> None:
    demo.add_user("alice", "Alice Handläggare")
    demo.grant_role("alice", "handlaggare", "ks-akut")
    number = demo.report_event("eva", "ks-akut", report)["number"]
    task = demo.worklist("anna")[0]
    demo.assign_task(task["id"], "anna", "alice")
    assigned = _rows(demo, kind="task_assigned")
    assert [(r["user_id"], r["event_number"], r["link"]) for r in assigned] == [
        ("alice", number, f"/uppgifter/{task['id']}")]
    demo.assign_task(task["id"], "anna", "anna")
    assert len(_rows(demo, kind="task_assigned")) == 1


def test_an_action_notifies_its_owner_when_given_when_due_soon_and_when_overdue(
    demo: Engine, report: dict[str, Any]
) -> None:
    number = demo.report_event("eva", "ks-akut", report)["number"]
    due = date.today() + timedelta(days=2)
    action = demo.create_action(number, "anna", {"titel": "Dubbelkontroll av doser", "typ": "korrigerande",
                                                 "ansvarig": "bertil", "klart_datum": due.isoformat()})
    assigned = _rows(demo, kind="action_assigned")
    assert [(r["user_id"], r["link"], r["subject"]) for r in assigned] == [
        ("bertil", f"/atgarder/{action['id']}", f"{number} · {report['rubrik']}")]
    assert demo.raise_action_deadlines() == 1
    assert demo.raise_action_deadlines() == 0  # once per due date, however often the worker looks
    assert [r["user_id"] for r in _rows(demo, kind="action_due")] == ["bertil"]
    late = Engine(demo.db, clock=lambda: demo.clock() + timedelta(days=3))
    assert late.raise_action_deadlines() == 1
    assert [r["user_id"] for r in _rows(demo, kind="action_overdue")] == ["bertil"]
    demo.transition_action(action["id"], "anna", "avbruten", "Ersatt av en annan åtgärd.")
    later = Engine(demo.db, clock=lambda: demo.clock() + timedelta(days=30))
    assert later.raise_action_deadlines() == 0  # a closed action is nobody's deadline


def test_a_case_moved_to_a_unit_notifies_who_may_read_it_there(
    demo: Engine, casework: Any, report: dict[str, Any]
) -> None:
    number = demo.report_event("eva", "ks-akut", report)["number"]
    casework.complete(number, "triage", {"triage": {"beslut": "flyttad", "ny_enhet": "sos-akut",
                                                    "motivering": "Felet uppstod på Södersjukhuset."}})
    moved = {r["user_id"]: r for r in _rows(demo, kind="case_moved")}
    # vård's roles over Södersjukhuset's akut (and region-wide readers); not Karolinska's, nor arbetsmiljö's
    assert {"olof", "cecilia", "revisor"} <= set(moved)
    assert not set(moved) & {"anna", "bertil", "sven", "karin", "david", "tina", "eva"}
    assert moved["olof"]["link"] == f"/handelser/{number}"
    assert "Ansvarig enhet: Akutmottagningen Södersjukhuset" in moved["olof"]["body"]
    assert "Område: Vård" in moved["olof"]["body"]
    new_triage = _rows(demo, kind="task_created", user_id="olof")
    assert [r["event_number"] for r in new_triage] == [number]


def test_an_overdue_step_escalates_to_the_manager_with_a_notification(
    demo: Engine, clock: Clock
) -> None:
    number = demo.report_event("eva", "ks-klinkem", {
        "rubrik": "Felmärkt provrör från akuten", "beskrivning": "Fel etikett.",
        "hande_tid": "2026-11-20T09:15:00+01:00", "handelsetyp": "negativ_handelse", "drabbade": ["prov"]})["number"]
    clock.advance(hours=4, minutes=1)  # the lab's containment clock, sla_begransning: PT4H
    fire_due_timers(demo)
    escalated = _rows(demo, event_number=number, kind="escalation")
    assert [r["user_id"] for r in escalated] == ["bertil"]
    assert escalated[0]["body"].startswith("Tidsfristen har passerat\n")
    assert escalated[0]["link"] == f"/uppgifter/{demo.worklist('bertil')[0]['id']}"


def test_a_units_active_release_decides_the_rules_and_templates(
    demo: Engine, casework: Any, report: dict[str, Any], tmp_path: Path
) -> None:
    """A rule's condition and an area template read the case data (arende), protected fields masked; a release
    with another rule changes who is told, for the cases started on it."""
    tree = copy_definitions(tmp_path)
    edit(tree / "processes" / "vard" / "notifications.yaml", {
        "    delivery: digest\n": "    delivery: immediate\n    when: \"arende.vardskada == 'ja'\"\n",
        "      En händelse på din enhet bedöms":
            "      Vårdskada: {{ arende.vardskada }}, kategori {{ arende.kategori }}."
            "\n      En händelse på din enhet bedöms"})
    activate_everywhere(demo, demo.publish_tree(tree, label="villkor"))
    for vardskada in ("nej", "ja"):
        number = demo.report_event("eva", "ks-akut", report)["number"]
        casework.complete(number, "triage", ACCEPT)
        casework.complete(number, "klassificering", {**CLASSIFY_SERIOUS, "vardskada": vardskada})
        told = _rows(demo, event_number=number, user_id="bertil")
        if vardskada == "nej":
            assert told == []
        else:
            [row] = told
            assert row["digest_on"] is None and "Vårdskada: ja, kategori lakemedel." in row["body"]
            assert PERSONNUMMER not in row["body"]


def test_a_template_naming_the_recipient_greets_each_by_name(
    demo: Engine, report: dict[str, Any], tmp_path: Path
) -> None:
    """A template that reads `mottagare` is rendered for each recipient; one that does not is rendered once for
    all of them (and written with them in one statement): both reach the same people with the same text."""
    demo.add_user("alice", "Alice Handläggare")
    demo.grant_role("alice", "handlaggare", "ks-akut")
    plain = demo.report_event("eva", "ks-akut", report)["number"]
    tree = copy_definitions(tmp_path)
    edit(tree / "processes" / "notifications.yaml", {
        "      {{ typ }}\n\n      Uppgift: {{ uppgift.namn }}\n      Område:":
            "      {{ typ }}\n\n      Hej {{ mottagare.namn }}!\n      Uppgift: {{ uppgift.namn }}\n      Område:"})
    activate_everywhere(demo, demo.publish_tree(tree, label="hälsning"))
    greeting = demo.report_event("eva", "ks-akut", report)["number"]
    told = {number: {r["user_id"]: r for r in _rows(demo, event_number=number)} for number in (plain, greeting)}
    assert set(told[plain]) == set(told[greeting]) >= {"anna", "alice"}
    assert "\n\nHej Anna Handläggare!\nUppgift: " in told[greeting]["anna"]["body"]
    assert "\n\nHej Alice Handläggare!\nUppgift: " in told[greeting]["alice"]["body"]
    for user_id, row in told[greeting].items():
        before = told[plain][user_id]

        def lines(body: str) -> list[str]:  # the due time is the report's, a minute apart at most
            return [line for line in body.splitlines() if not line.startswith(("Hej ", "Ska vara klar: "))]
        assert lines(row["body"]) == lines(before["body"].replace(plain, greeting).replace(before["link"], row["link"]))
        assert "Hej " not in before["body"] and row["digest_on"] == before["digest_on"] is None
