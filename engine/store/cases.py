"""Area cases and what is written with each step: the task index, the timer table and decisions."""

from __future__ import annotations

from datetime import datetime
from collections.abc import Iterable

from sqlalchemy import delete, select, update
from sqlalchemy.orm import Session, joinedload, undefer

from engine.store.models import AreaCase, Decision, Event, TaskRow, TimerRow
from engine.rules.access import CaseStatus

__all__ = [
    "add_case",
    "case_by_id",
    "case_for_step",
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


def case_for_step(session: Session, case_id: int) -> AreaCase | None:
    """A case about to be stepped: with its state, its event and the event's other cases, in two queries."""
    return session.scalar(
        select(AreaCase).where(AreaCase.id == case_id).options(
            undefer(AreaCase.state), joinedload(AreaCase.event).selectinload(Event.area_cases)
        )
    )


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


def sync_tasks(
    session: Session, case_id: int, ready: Iterable[TaskRow], ended_at: datetime, completed: tuple[str, str] | None
) -> list[TaskRow]:
    """Make the case's open tasks equal to `ready` and return them. Open tasks no longer ready end: the one in
    `completed` (task id, user) as completed, any other as cancelled (a boundary timer interrupted it).
    Assignees of tasks that stay open are kept."""
    wanted = {row.id: row for row in ready}
    open_rows = {
        row.id: row
        for row in session.scalars(select(TaskRow).where(TaskRow.area_case_id == case_id, TaskRow.ended_at.is_(None)))
    }
    for task_id, row in open_rows.items():
        if task_id in wanted:  # still open: its definition may have changed (a migrated case)
            new = wanted[task_id]
            row.name, row.role, row.spec_name, row.due_at = new.name, new.role, new.spec_name, new.due_at
        elif completed is not None and task_id == completed[0]:
            row.ended_at, row.outcome, row.ended_by = ended_at, "completed", completed[1]
        else:
            row.ended_at, row.outcome = ended_at, "cancelled"
    reopened = _reopen_rows(session, [task_id for task_id in wanted if task_id not in open_rows], wanted, ended_at)
    session.add_all(row for task_id, row in wanted.items() if task_id not in open_rows and task_id not in reopened)
    session.flush()
    return [open_rows.get(task_id) or reopened.get(task_id) or row for task_id, row in wanted.items()]


def _reopen_rows(session: Session, task_ids: list[str], wanted: dict[str, TaskRow],
                 now: datetime) -> dict[str, TaskRow]:
    """Ended tasks that are ready again (a reopened case resets its closing task, which keeps its id) open again;
    who completed them before stays in the audit log."""
    if not task_ids:
        return {}
    rows = {row.id: row for row in session.scalars(select(TaskRow).where(TaskRow.id.in_(task_ids)))}
    for task_id, row in rows.items():
        new = wanted[task_id]
        for column in ("name", "role", "spec_name", "due_at", "unit_id", "unit_path", "event_title"):
            setattr(row, column, getattr(new, column))
        row.created_at, row.ended_at, row.outcome, row.ended_by, row.assignee_id = now, None, None, None, None
    return rows


def replace_timers(session: Session, case_id: int, due: dict[str, datetime]) -> None:
    """Make the case's timer rows equal to `due`, writing only what changed (most steps change none)."""
    existing = {row.task_id: row for row in session.scalars(select(TimerRow).where(TimerRow.area_case_id == case_id))}
    gone = [row.id for task_id, row in existing.items() if task_id not in due]
    if gone:
        session.execute(delete(TimerRow).where(TimerRow.id.in_(gone)))
    for task_id, at in due.items():
        if task_id not in existing:
            session.add(TimerRow(area_case_id=case_id, task_id=task_id, fire_at=at))
        elif existing[task_id].fire_at != at:
            existing[task_id].fire_at = at
    session.flush()


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
