"""What an engine step sends to the database (issue 19): each row it needs read once, nothing read only to be
written back, and the same guarantees as before: the claim race, the timer table equal to the stored state's
timers, the release row as published."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest
from sqlalchemy import event, select

from engine import Engine
from engine.cases import definition_of, load_workflow
from engine.context import Context
from engine.errors import StaleWrite
from engine.runtime import workflow as runtime
from engine.store import cases as case_store
from engine.store import events as event_store
from engine.store import tasks as task_store
from engine.store.models import TimerRow

from ..conftest import Casework
from .test_kept_workflows import STEPS
from .test_vard_case import ACCEPT


@contextmanager
def statements(engine: Engine) -> Iterator[list[str]]:
    sent: list[str] = []

    def record(_connection: Any, _cursor: Any, statement: str, *_: Any) -> None:
        sent.append(" ".join(statement.split()))

    event.listen(engine.db.engine, "before_cursor_execute", record)
    try:
        yield sent
    finally:
        event.remove(engine.db.engine, "before_cursor_execute", record)


def _triage_id(engine: Engine, report: dict[str, Any]) -> str:
    number = engine.report_event("eva", "ks-akut", report)["number"]
    return str(engine.get_event(number, "anna")["open_tasks"][0]["id"])


def test_a_completion_reads_task_and_case_once_and_writes_each_row_once(
    demo: Engine, report: dict[str, Any]
) -> None:
    Casework(demo).complete(demo.report_event("eva", "ks-akut", report)["number"], "triage", ACCEPT)  # warm
    task_id = _triage_id(demo, report)
    with statements(demo) as sent:
        demo.complete_task(task_id, "anna", ACCEPT)
    reads = [s for s in sent if s.startswith("SELECT")]
    assert sum("area_cases" in s for s in reads) == 1, reads  # task, case, event and its cases together
    assert not [s for s in reads if "FROM releases" in s]  # a published release is known to the process
    assert not [s for s in reads if "FROM timers" in s]  # the stored state says which timers have rows
    assert [s for s in sent if s.startswith("UPDATE tasks")] == [next(s for s in sent if "SET ended_at" in s)]
    assert not [s for s in sent if s.startswith("UPDATE audit_log")]  # digest and hash go with the INSERT


def test_a_completion_fails_stale_when_a_claim_landed_after_the_task_was_read(
    demo: Engine, report: dict[str, Any]
) -> None:
    task_id = _triage_id(demo, report)
    with demo.db.transaction() as session:
        row = task_store.task_by_id(session, task_id)
        assert row is not None
        read = case_store.Completion(task_id, "anna", row.assignee_id)  # what the completer saw: unassigned
        assert task_store.swap_assignee(session, row, None, "bertil")  # the claim that won meanwhile
        with pytest.raises(StaleWrite):
            case_store.sync_tasks(session, row.area_case_id, [], demo.clock(), read)
    assert demo.get_task(task_id, "anna")["assignee"] == "bertil"
    assert demo.get_task(task_id, "anna")["ended_at"] is None


def _stored_timers(engine: Engine, number: str) -> tuple[dict[str, Any], dict[str, Any]]:
    """The case's timer rows, and the timers its stored state waits on (read from the state, not kept)."""
    with engine.db.transaction() as session:
        ctx = Context(session, engine.releases, engine.clock)
        found = event_store.event_by_number(session, number)
        assert found is not None
        case_id = found.area_cases[0].id
        case = case_store.case_for_step(session, case_id)
        assert case is not None
        workflow = load_workflow(ctx, case, definition_of(ctx, case)[1])
        rows = {t.task_id: t.fire_at for t in session.scalars(select(TimerRow).where(TimerRow.area_case_id == case_id))}
        return rows, runtime.timer_due_times(workflow)


def test_the_timer_table_holds_what_the_stored_state_waits_on_after_every_step(
    demo: Engine, report: dict[str, Any]
) -> None:
    number = demo.report_event("eva", "ks-akut", report)["number"]
    seen = []
    for spec, data, user in STEPS:
        rows, due = _stored_timers(demo, number)
        assert rows.keys() == due.keys() and all(rows[k] == due[k] for k in rows), spec
        seen.append(len(rows))
        Casework(demo).complete(number, spec, data, user)
    assert _stored_timers(demo, number) == ({}, {})
    assert any(seen)  # the lifecycle had timers to keep


def test_the_studio_shows_a_known_release_with_its_files(demo: Engine) -> None:
    first = demo.active_definitions("rs", "petra")
    with statements(demo) as sent:
        again = demo.active_definitions("rs", "petra")
    assert again == first and any(area.get("files") for area in again["areas"])
    assert not [s for s in sent if s.startswith("SELECT") and "FROM releases WHERE releases.id" in s]


def test_the_closing_step_reads_decisions_and_actions_once(demo: Engine, report: dict[str, Any]) -> None:
    number = demo.report_event("eva", "ks-akut", report)["number"]
    for spec, data, user in STEPS[:-1]:
        Casework(demo).complete(number, spec, data, user)
    spec, data, user = STEPS[-1]
    task_id = Casework(demo).task(number, spec, user)["id"]
    with statements(demo) as sent:
        result = demo.complete_task(task_id, user, data)
    assert result["case"]["status"] == "closed"
    reads = [s for s in sent if s.startswith("SELECT")]
    assert sum("FROM decisions" in s for s in reads) == 1 and sum("FROM actions" in s for s in reads) == 1
