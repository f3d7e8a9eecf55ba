"""Concurrency, timers and release pinning: the properties that keep open cases safe."""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Any

import pytest

from engine import Engine
from engine.errors import StaleWrite

from ..conftest import Clock
from ..definitions import activate_everywhere, copy_definitions, edit, fire_due_timers

ACCEPT = {"triage": {"beslut": "accepterad"}}


@pytest.mark.shared_database
def test_two_concurrent_completions_leave_one_completed_and_one_stale(
    demo: Engine, casework: Any, report: dict[str, Any]
) -> None:
    number = demo.report_event("eva", "ks-akut", report)["number"]
    task = demo.get_task(casework.task(number, "triage")["id"], "anna")
    barrier = threading.Barrier(2)
    outcomes: list[str] = []

    def complete() -> None:
        barrier.wait()
        try:
            demo.complete_task(task["id"], "anna", ACCEPT, expected_version=task["case_version"])
            outcomes.append("completed")
        except StaleWrite:
            outcomes.append("stale")

    threads = [threading.Thread(target=complete) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert sorted(outcomes) == ["completed", "stale"]
    open_tasks = [t["spec_name"] for t in demo.get_event(number, "anna")["open_tasks"]]
    assert open_tasks == ["klassificering"]  # exactly one step was taken


def test_stale_version_is_refused_before_anything_changes(
    demo: Engine, casework: Any, report: dict[str, Any]
) -> None:
    number = demo.report_event("eva", "ks-akut", report)["number"]
    task = demo.get_task(casework.task(number, "triage")["id"], "anna")
    demo.claim_task(task["id"], "anna")  # claiming does not change the case version
    with pytest.raises(StaleWrite):
        demo.complete_task(task["id"], "anna", ACCEPT, expected_version=task["case_version"] - 1)
    demo.complete_task(task["id"], "anna", ACCEPT, expected_version=task["case_version"])


@pytest.mark.shared_database
def test_concurrent_reports_get_unique_numbers(demo: Engine, report: dict[str, Any]) -> None:
    numbers: list[str] = []

    def submit() -> None:
        for _ in range(3):
            numbers.append(demo.report_event("eva", "ks-akut", report)["number"])

    threads = [threading.Thread(target=submit) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert len(numbers) == 12 and len(set(numbers)) == 12
    assert sorted(int(n[-6:]) for n in numbers) == list(range(1, 13))


def test_boundary_timer_escalates_after_worker_once(
    demo: Engine, report: dict[str, Any], clock: Clock
) -> None:
    number = demo.report_event("eva", "ks-akut", report)["number"]
    assert [t["spec_name"] for t in demo.worklist("anna")] == ["triage"]
    clock.advance(days=4, hours=23)
    assert "0 ärenden" in fire_due_timers(demo).output  # not due yet: sla_triage is P5D
    clock.advance(hours=1, minutes=1)
    assert "1 ärenden" in fire_due_timers(demo).output
    assert demo.worklist("anna") == []
    escalated = demo.worklist("bertil")
    assert [(t["spec_name"], t["event_number"]) for t in escalated] == [("triage_eskalerad", number)]
    demo.complete_task(escalated[0]["id"], "bertil", ACCEPT)
    history = [h["operation"] for h in demo.get_event(number, "bertil")["history"]]
    assert history == ["report", "timer", "complete"]


def test_worker_with_nothing_due_changes_nothing(demo: Engine, report: dict[str, Any]) -> None:
    demo.report_event("eva", "ks-akut", report)
    assert "0 ärenden" in fire_due_timers(demo).output  # exit code 0 is asserted inside
    assert [t["spec_name"] for t in demo.worklist("anna")] == ["triage"]


def test_case_keeps_its_release_after_the_definitions_change(
    demo: Engine, casework: Any, report: dict[str, Any], published: dict[str, Any], tmp_path: Path
) -> None:
    old_number = demo.report_event("eva", "ks-akut", report)["number"]
    tree = copy_definitions(tmp_path)
    edit(tree / "processes" / "vard" / "vard.bpmn",
         {'name="Klassificera och riskbedöm"': 'name="Klassificera (ny version)"'})
    newer = demo.publish_tree(tree, label="ny")
    assert newer["created"] and newer["hash"] != published["hash"]
    assert demo.publish_tree(tree)["created"] is False  # an identical tree is not stored twice
    activate_everywhere(demo, newer)

    new_number = demo.report_event("eva", "ks-akut", report)["number"]
    old_next = casework.complete(old_number, "triage", ACCEPT)["next_tasks"]
    new_next = casework.complete(new_number, "triage", ACCEPT)["next_tasks"]
    assert [t["name"] for t in old_next] == ["Klassificera och riskbedöm"]
    assert [t["name"] for t in new_next] == ["Klassificera (ny version)"]
    assert demo.get_event(old_number, "anna")["areas"][0]["release"] == published["hash"]
    assert demo.get_event(new_number, "anna")["areas"][0]["release"] == newer["hash"]
