"""The worklist: ready tasks found by index, never by deserializing cases."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from collections.abc import Sequence

from sqlalchemy import ColumnElement, nulls_last, select, union, update
from sqlalchemy.orm import Session
from sqlalchemy.orm.attributes import set_committed_value

from engine.rules.access import Grant
from engine.store.models import TaskRow
from engine.store.types import rowcount

__all__ = ["TaskFilter", "task_by_id", "tasks_for_event", "worklist", "retitle", "swap_assignee", "unassign_open"]


@dataclass(frozen=True)
class TaskFilter:
    """What a worklist is narrowed to: one area, a unit's subtree, tasks due before a moment (overdue)."""

    area: str | None = None
    unit_path: str | None = None
    due_before: datetime | None = None

    def conditions(self) -> list[ColumnElement[bool]]:
        found: list[ColumnElement[bool]] = []
        if self.area is not None:
            found.append(TaskRow.area == self.area)
        if self.unit_path is not None:
            found.append(TaskRow.unit_path.between(self.unit_path, self.unit_path + "\uffff"))
        if self.due_before is not None:
            found.append(TaskRow.due_at < self.due_before)
        return found


def task_by_id(session: Session, task_id: str) -> TaskRow | None:
    return session.get(TaskRow, task_id)


def unassign_open(session: Session, user_id: str) -> list[str]:
    """Return a leaver's open tasks to their role's pool; the ids of the tasks returned."""
    ids = list(session.scalars(select(TaskRow.id).where(TaskRow.assignee_id == user_id, TaskRow.ended_at.is_(None))))
    if ids:
        session.execute(update(TaskRow).where(TaskRow.id.in_(ids)).values(assignee_id=None))
    return ids


def swap_assignee(session: Session, row: TaskRow, expected: str | None, assignee: str | None) -> bool:
    """Set an open task's assignee only if it still is `expected`, in one conditional UPDATE: of concurrent
    claims that all read 'unassigned' exactly one matches, the others change nothing (PostgreSQL re-checks the
    condition after the first commits). True if this one won."""
    result = session.execute(
        update(TaskRow)
        .where(TaskRow.id == row.id, TaskRow.ended_at.is_(None), TaskRow.assignee_id.is_not_distinct_from(expected))
        .values(assignee_id=assignee)
        .execution_options(synchronize_session=False)
    )
    if rowcount(result) != 1:
        return False
    set_committed_value(row, "assignee_id", assignee)
    return True


def tasks_for_event(session: Session, event_id: int) -> list[TaskRow]:
    """Open and ended tasks of an event, oldest first."""
    return list(session.scalars(select(TaskRow).where(TaskRow.event_id == event_id).order_by(TaskRow.created_at)))


def retitle(session: Session, event_id: int, title: str) -> None:
    """The event's title is copied onto its tasks so worklists need no join; a new title is copied again."""
    session.execute(update(TaskRow).where(TaskRow.event_id == event_id).values(event_title=title))


# Worklist order: soonest due first, undated last, then oldest. Matches the index ix_tasks_open_role_due.
_ORDER = (nulls_last(TaskRow.due_at.asc()), TaskRow.created_at.asc())


def worklist(
    session: Session, user_id: str, grants: Sequence[Grant], scope: str, limit: int, offset: int,
    narrow: TaskFilter = TaskFilter(), also_assigned_to: Sequence[str] = (),
) -> list[TaskRow]:
    """scope 'mine': assigned to the user (or to `also_assigned_to`, whom a deputy stands in for); 'available':
    unassigned tasks whose role the user holds on the task's unit or an ancestor; either narrowed by `narrow`.

    'available' takes the first limit+offset tasks per grant, each read in worklist order from the partial index
    on (role, due_at, created_at) of open tasks and filtered by the grant's subtree, then merges them: a grant
    over half the region stops after a page instead of sorting every open task below it."""
    if scope == "mine":
        query = select(TaskRow).where(TaskRow.assignee_id.in_([user_id, *also_assigned_to]),
                                      TaskRow.ended_at.is_(None), *narrow.conditions())
        return list(session.scalars(query.order_by(*_ORDER).limit(limit).offset(offset)))
    if not grants:
        return []
    per_grant = [
        select(TaskRow.id).where(
            TaskRow.ended_at.is_(None),
            TaskRow.assignee_id.is_(None),
            TaskRow.role == g.role,
            TaskRow.unit_path.between(g.unit_path, g.unit_path + "\uffff"),
            *narrow.conditions(),
        ).order_by(*_ORDER).limit(limit + offset).subquery()
        for g in grants
    ]
    candidates = union(*(select(sub.c.id) for sub in per_grant)).subquery()
    query = select(TaskRow).where(TaskRow.id.in_(select(candidates.c.id))).order_by(*_ORDER)
    return list(session.scalars(query.limit(limit).offset(offset)))
