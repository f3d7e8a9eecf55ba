"""The worklist: ready tasks found by index, never by deserializing cases."""

from __future__ import annotations

from typing import Sequence

from sqlalchemy import and_, or_, select, update
from sqlalchemy.orm import Session

from engine.rules.access import Grant
from engine.store.models import TaskRow

__all__ = ["task_by_id", "tasks_for_event", "worklist", "retitle"]


def task_by_id(session: Session, task_id: str) -> TaskRow | None:
    return session.get(TaskRow, task_id)


def tasks_for_event(session: Session, event_id: int) -> list[TaskRow]:
    """Open and ended tasks of an event, oldest first."""
    return list(session.scalars(select(TaskRow).where(TaskRow.event_id == event_id).order_by(TaskRow.created_at)))


def retitle(session: Session, event_id: int, title: str) -> None:
    """The event's title is copied onto its tasks so worklists need no join; a new title is copied again."""
    session.execute(update(TaskRow).where(TaskRow.event_id == event_id).values(event_title=title))


def worklist(
    session: Session, user_id: str, grants: Sequence[Grant], scope: str, limit: int, offset: int
) -> list[TaskRow]:
    """scope 'mine': assigned to the user; 'available': unassigned tasks whose role the user holds on the
    task's unit or an ancestor (one index range scan per grant on (role, unit_path))."""
    if scope == "mine":
        condition = and_(TaskRow.assignee_id == user_id, TaskRow.ended_at.is_(None))
    else:
        ranges = [
            and_(TaskRow.role == g.role, TaskRow.unit_path.between(g.unit_path, g.unit_path + "\uffff"))
            for g in grants
        ]
        if not ranges:
            return []
        condition = and_(TaskRow.ended_at.is_(None), TaskRow.assignee_id.is_(None), or_(*ranges))
    query = select(TaskRow).where(condition).order_by(TaskRow.due_at.is_(None), TaskRow.due_at, TaskRow.created_at)
    return list(session.scalars(query.limit(limit).offset(offset)))
