"""Area cases and what is written with each step: the task index, the timer table and decisions."""

from __future__ import annotations

from datetime import datetime
from typing import Any, NamedTuple
from collections.abc import Collection, Iterable

from sqlalchemy import (ColumnElement, Select, SQLColumnExpression, Update, and_, bindparam, case as case_when, delete,
                        inspect, null, or_, select, update)
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session, aliased, joinedload
from sqlalchemy.orm.attributes import set_committed_value

from engine.errors import StaleWrite
from engine.store.db import PREPARED
from engine.store.models import AreaCase, Decision, TaskRow, TimerRow
from engine.store.types import rowcount
from engine.rules.access import CaseStatus

__all__ = [
    "lock_cases",
    "add_case",
    "case_by_id",
    "case_for_step",
    "task_for_step",
    "Completion",
    "KnownTasks",
    "open_cases",
    "sync_tasks",
    "replace_timers",
    "due_timers",
    "postpone_timers",
    "add_decision",
    "decision_kinds",
    "decisions_for_event",
]


def add_case(session: Session, case: AreaCase) -> AreaCase:
    session.add(case)
    session.flush()
    return case


def case_by_id(session: Session, case_id: int) -> AreaCase | None:
    return session.get(AreaCase, case_id)


def lock_cases(session: Session, case_ids: Collection[int]) -> None:
    """Lock these case rows until the transaction ends (PostgreSQL; SQLite has one writer at a time), in id
    order: a use case that changes what counts of cases it does not step waits for a step on them instead."""
    session.execute(select(AreaCase.id).where(AreaCase.id.in_(sorted(case_ids))).order_by(AreaCase.id)
                    .with_for_update())


def case_for_step(session: Session, case_id: int) -> AreaCase | None:
    """A case about to be stepped, in one query: every case of its event (roll_up reads them), the event joined,
    and the workflow state of the stepped case only (a sibling's may be large and is not needed)."""
    target = aliased(AreaCase)
    event_id = select(target.event_id).where(target.id == case_id).scalar_subquery()
    rows = session.execute(
        select(AreaCase, _state_of(case_id)).where(AreaCase.event_id == event_id)
        .order_by(AreaCase.id).options(_EVENT)
    )
    return _stepped(list(rows), case_id)


def task_for_step(session: Session, task_id: str) -> tuple[TaskRow, AreaCase, list[TaskRow]] | None:
    """A task about to be worked, its case loaded as case_for_step loads it, and the case's open tasks, in one
    query (a row per open task and case of the event; the state comes on one of them only)."""
    rows = session.execute(_TASK_FOR_STEP, {"task_id": task_id}).all()
    task = next((t for t, _, _ in rows if t.id == task_id), None)
    if task is None:
        return None
    case = _stepped([(c, s) for t, c, s in rows if t is task], task.area_case_id)
    assert case is not None  # the join reached the event through it
    open_tasks = {t.id: t for t, _, _ in rows if t.ended_at is None and t.area_case_id == case.id}
    return task, case, list(open_tasks.values())


_EVENT = joinedload(AreaCase.event, innerjoin=True)


def _state_of(case_id: int | SQLColumnExpression[int]) -> ColumnElement[Any]:
    return case_when((AreaCase.id == case_id, AreaCase.state), else_=null())


def _task_for_step() -> Select[TaskRow, AreaCase, Any]:
    """task_for_step's query with the task id bound: built once (building it on every step cost as much as a
    statement's round trip)."""
    target, worked, task_id = aliased(AreaCase), aliased(TaskRow), bindparam("task_id", type_=TaskRow.id.type)
    case_of_task = select(worked.area_case_id).where(worked.id == task_id).scalar_subquery()
    state = case_when((and_(AreaCase.id == TaskRow.area_case_id, TaskRow.id == task_id), AreaCase.state),
                      else_=null())
    return (
        select(TaskRow, AreaCase, state)
        .join(target, target.id == TaskRow.area_case_id).join(AreaCase, AreaCase.event_id == target.event_id)
        .where(or_(TaskRow.id == task_id, and_(TaskRow.area_case_id == case_of_task, TaskRow.ended_at.is_(None))))
        .order_by(AreaCase.id).options(_EVENT).execution_options(**{PREPARED: True})  # a task id: one plan
    )


_TASK_FOR_STEP = _task_for_step()


def _stepped(rows: list[tuple[AreaCase, Any]], case_id: int) -> AreaCase | None:
    """The stepped case of the event's cases, with its state and the event's case list set as loaded (what the
    session held already stays as it is)."""
    found = next(((c, state) for c, state in rows if c.id == case_id), None)
    if found is None:
        return None
    case = found[0]
    if "state" in inspect(case).unloaded:
        set_committed_value(case, "state", found[1])
    if "area_cases" in inspect(case.event).unloaded:
        set_committed_value(case.event, "area_cases", [c for c, _ in rows])
    return case


def open_cases(session: Session, area: str, exclude_release_id: int) -> list[AreaCase]:
    """Open cases of an area on any release but the given one, oldest first."""
    return list(
        session.scalars(
            select(AreaCase).where(
                AreaCase.area == area,
                AreaCase.status.in_((CaseStatus.SUBMITTED, CaseStatus.IN_PROGRESS)),
                AreaCase.release_id != exclude_release_id,
            ).order_by(AreaCase.id)
        )
    )


class Completion(NamedTuple):
    """The person's task a step completes: its id, who completed it, and its assignee as they read it."""

    task_id: str
    user: str
    assignee: str | None


class KnownTasks(NamedTuple):
    """A case's stored tasks as a step knows them without reading: its open rows, and the ids of the tasks its
    stored state has finished (only these can have an ended row to reopen; a new task has a new id)."""

    open: list[TaskRow]
    finished: Collection[str]


def sync_tasks(
    session: Session, case_id: int, ready: Iterable[TaskRow], ended_at: datetime, completed: Completion | None,
    known: KnownTasks | None = None,
) -> list[TaskRow]:
    """Make the case's open tasks equal to `ready` and return them. Open tasks no longer ready end: the one in
    `completed` as completed, any other as cancelled (a boundary timer interrupted it). Assignees of tasks that
    stay open are kept. StaleWrite if the completed task is no longer open with the assignee it was read with.
    With `known`, only ended rows that may be reopened are read, if any."""
    wanted = {row.id: row for row in ready}
    stored = _open_or_wanted(session, case_id, list(wanted)) if known is None else _known(session, known, wanted)
    open_rows = {task_id: row for task_id, row in stored.items()
                 if row.area_case_id == case_id and row.ended_at is None}
    if completed is not None:
        _complete(session, completed, stored.get(completed.task_id), ended_at, still_open=completed.task_id in wanted)
    for task_id, row in open_rows.items():
        if task_id in wanted:  # still open: its definition may have changed (a migrated case)
            new = wanted[task_id]
            row.name, row.role, row.spec_name, row.due_at = new.name, new.role, new.spec_name, new.due_at
        elif completed is None or task_id != completed.task_id:
            row.ended_at, row.outcome = ended_at, "cancelled"
    reopened = {task_id: _reopen(row, wanted[task_id], ended_at)
                for task_id, row in stored.items() if task_id in wanted and task_id not in open_rows}
    session.add_all(row for task_id, row in wanted.items() if task_id not in open_rows and task_id not in reopened)
    session.flush()
    return [open_rows.get(task_id) or reopened.get(task_id) or row for task_id, row in wanted.items()]


def _known(session: Session, known: KnownTasks, wanted: dict[str, TaskRow]) -> dict[str, TaskRow]:
    stored = {row.id: row for row in known.open}
    again = [task_id for task_id in wanted if task_id in known.finished and task_id not in stored]
    if again:
        stored.update((row.id, row) for row in session.scalars(select(TaskRow).where(TaskRow.id.in_(again))))
    return stored


def _open_or_wanted(session: Session, case_id: int, wanted: list[str]) -> dict[str, TaskRow]:
    """In one query: the case's open tasks, and the stored rows of tasks that are to be open (an ended one is
    reopened, one not stored yet is new)."""
    condition = and_(TaskRow.area_case_id == case_id, TaskRow.ended_at.is_(None))
    if wanted:
        condition = or_(condition, TaskRow.id.in_(wanted))
    return {row.id: row for row in session.scalars(select(TaskRow).where(condition))}


def _complete(session: Session, completed: Completion, row: TaskRow | None, ended_at: datetime,
              still_open: bool) -> None:
    """End the completed task in one UPDATE conditional on what the person read: the task still open and its
    assignee unchanged. A claim that committed since makes the step stale; one that runs later waits for this
    transaction and finds the task ended, so two people never both hold one task. A task that is ready again
    at once (a loop back to it) keeps open; the condition is checked all the same."""
    values = ({"assignee_id": completed.assignee} if still_open
              else {"ended_at": ended_at, "outcome": "completed", "ended_by": completed.user})
    statement = _STILL_OPEN if still_open else _ENDED
    bound = {f"new_{column}": value for column, value in values.items()}
    result = session.execute(statement, {**bound, "task_id": completed.task_id, "read": completed.assignee})
    if rowcount(result) != 1 or row is None:
        raise StaleWrite()
    for column, value in values.items():
        set_committed_value(row, column, value)


def _end_task(*columns: str) -> Update:
    """_complete's UPDATE setting each of `columns` from the parameter new_<column>: built once per kind."""
    return (
        update(TaskRow)
        .where(TaskRow.id == bindparam("task_id"), TaskRow.ended_at.is_(None),
               TaskRow.assignee_id.is_not_distinct_from(bindparam("read", type_=TaskRow.assignee_id.type)))
        .values({column: bindparam(f"new_{column}", type_=TaskRow.__table__.c[column].type) for column in columns})
        .execution_options(synchronize_session=False)
    )


_STILL_OPEN, _ENDED = _end_task("assignee_id"), _end_task("ended_at", "outcome", "ended_by")


def _reopen(row: TaskRow, new: TaskRow, now: datetime) -> TaskRow:
    """An ended task that is ready again (a reopened case resets its closing task, which keeps its id) opens
    again; who completed it before stays in the audit log."""
    for column in ("name", "role", "spec_name", "due_at", "unit_id", "unit_path", "event_title"):
        setattr(row, column, getattr(new, column))
    row.created_at, row.ended_at, row.outcome, row.ended_by, row.assignee_id = now, None, None, None, None
    return row


def replace_timers(session: Session, case_id: int, due: dict[str, datetime],
                   stored: Collection[str] | None = None) -> None:
    """Make the case's timer rows equal to `due` without reading them. `stored`: the timers the case's stored
    state waits on, when known; the table holds no others (only this function adds rows), so when all of them are
    still due no row can be gone and the DELETE is left out. The due ones go in one upsert that rewrites a row
    only where the time differs (a postponed timer gets the state's time back, as before)."""
    if stored is None or not set(stored) <= due.keys():
        gone = delete(TimerRow).where(TimerRow.area_case_id == case_id)
        session.execute(gone.where(TimerRow.task_id.not_in(list(due))) if due else gone)
    if not due:
        return
    insert = pg_insert if session.get_bind().dialect.name == "postgresql" else sqlite_insert
    statement = insert(TimerRow).values([{"area_case_id": case_id, "task_id": task_id, "fire_at": at}
                                         for task_id, at in due.items()])
    session.execute(statement.on_conflict_do_update(
        index_elements=["area_case_id", "task_id"], set_={"fire_at": statement.excluded.fire_at},
        where=TimerRow.fire_at != statement.excluded.fire_at,
    ))


def due_timers(session: Session, now: datetime, limit: int) -> list[TimerRow]:
    """Due timers, oldest first. SKIP LOCKED keeps concurrent workers from queueing on each other's rows while
    they read (PostgreSQL); the case's version lock decides who fires."""
    query = select(TimerRow).where(TimerRow.fire_at <= now).order_by(TimerRow.fire_at).limit(limit)
    if session.get_bind().dialect.name == "postgresql":
        query = query.with_for_update(skip_locked=True)
    return list(session.scalars(query))


def postpone_timers(session: Session, case_id: int, fire_at: datetime) -> None:
    session.execute(update(TimerRow).where(TimerRow.area_case_id == case_id).values(fire_at=fire_at))


def add_decision(session: Session, decision: Decision) -> None:
    session.add(decision)
    session.flush()


def decision_kinds(session: Session, case_id: int) -> set[str]:
    return set(session.scalars(select(Decision.kind).where(Decision.area_case_id == case_id)))


def decisions_for_event(session: Session, event_id: int) -> list[Decision]:
    return list(session.scalars(select(Decision).where(Decision.event_id == event_id).order_by(Decision.id)))
