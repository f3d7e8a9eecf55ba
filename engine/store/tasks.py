"""The worklist: ready tasks found by index, never by deserializing cases."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from typing import Any, Protocol, cast
from datetime import datetime
from collections.abc import Sequence

from sqlalchemy import ColumnElement, Result, Select, bindparam, nulls_last, select, union, update
from sqlalchemy.orm import Session
from sqlalchemy.orm.attributes import set_committed_value

from engine.rules.access import Grant
from engine.store.models import TaskRow
from engine.store.types import rowcount

__all__ = ["TaskFields", "TaskFilter", "task_by_id", "tasks_for_event", "worklist", "retitle", "swap_assignee",
           "unassign_open"]


class TaskFields(Protocol):
    """A task as a worklist shows it: a mapped TaskRow, or a plain row of the tasks table (a worklist page)."""

    @property
    def id(self) -> str: ...
    @property
    def area_case_id(self) -> int: ...
    @property
    def event_number(self) -> str: ...
    @property
    def event_title(self) -> str: ...
    @property
    def area(self) -> str: ...
    @property
    def role(self) -> str: ...
    @property
    def unit_id(self) -> str: ...
    @property
    def unit_path(self) -> str: ...
    @property
    def spec_name(self) -> str: ...
    @property
    def name(self) -> str: ...
    @property
    def due_at(self) -> datetime | None: ...
    @property
    def assignee_id(self) -> str | None: ...
    @property
    def created_at(self) -> datetime: ...
    @property
    def ended_at(self) -> datetime | None: ...
    @property
    def outcome(self) -> str | None: ...
    @property
    def ended_by(self) -> str | None: ...
    @property
    def note(self) -> str | None: ...


@dataclass(frozen=True)
class TaskFilter:
    """What a worklist is narrowed to: one area, a unit's subtree, tasks due before a moment (overdue)."""

    area: str | None = None
    unit_path: str | None = None
    due_before: datetime | None = None

    def shape(self) -> tuple[bool, bool, bool]:
        return self.area is not None, self.unit_path is not None, self.due_before is not None

    def values(self) -> dict[str, Any]:
        """The bound values of the conditions `shape` selects (see _narrowed)."""
        found: dict[str, Any] = {}
        if self.area is not None:
            found["area"] = self.area
        if self.unit_path is not None:
            found |= {"unit_lo": self.unit_path, "unit_hi": self.unit_path + "\uffff"}
        if self.due_before is not None:
            found["due_before"] = self.due_before
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
# A page is only shown: plain rows, not 50 ORM objects, which cost more than the page's SQL.
_PAGE = tuple(TaskRow.__table__.c)


def _narrowed(narrow: tuple[bool, bool, bool]) -> list[ColumnElement[bool]]:
    area, unit_path, due_before = narrow
    found: list[ColumnElement[bool]] = []
    if area:
        found.append(TaskRow.area == bindparam("area"))
    if unit_path:
        found.append(TaskRow.unit_path.between(bindparam("unit_lo"), bindparam("unit_hi")))
    if due_before:
        found.append(TaskRow.due_at < bindparam("due_before"))
    return found


@lru_cache(maxsize=64)
def _mine(narrow: tuple[bool, bool, bool]) -> Select[Any]:
    assignees = bindparam("assignees", expanding=True, type_=TaskRow.assignee_id.type)
    query = select(*_PAGE).where(TaskRow.assignee_id.in_(assignees), TaskRow.ended_at.is_(None), *_narrowed(narrow))
    return query.order_by(*_ORDER).limit(bindparam("limit")).offset(bindparam("offset"))


@lru_cache(maxsize=64)
def _available(grants: int, narrow: tuple[bool, bool, bool]) -> Select[Any]:
    """Built once per number of grants and filters: building it anew took as long as PostgreSQL ran it."""
    per_grant = [
        select(TaskRow.id).where(
            TaskRow.ended_at.is_(None),
            TaskRow.assignee_id.is_(None),
            TaskRow.role == bindparam(f"role{i}"),
            TaskRow.unit_path.between(bindparam(f"lo{i}"), bindparam(f"hi{i}")),
            *_narrowed(narrow),
        ).order_by(*_ORDER).limit(bindparam("first")).subquery()
        for i in range(grants)
    ]
    candidates = union(*(select(sub.c.id) for sub in per_grant)).subquery()
    query = select(*_PAGE).where(TaskRow.id.in_(select(candidates.c.id))).order_by(*_ORDER)
    return query.limit(bindparam("limit")).offset(bindparam("offset"))


def worklist(
    session: Session, user_id: str, grants: Sequence[Grant], scope: str, limit: int, offset: int,
    narrow: TaskFilter = TaskFilter(), also_assigned_to: Sequence[str] = (),
) -> list[TaskFields]:
    """scope 'mine': assigned to the user (or to `also_assigned_to`, whom a deputy stands in for); 'available':
    unassigned tasks whose role the user holds on the task's unit or an ancestor; either narrowed by `narrow`.

    'available' takes the first limit+offset tasks per grant, each read in worklist order from the partial index
    on (role, due_at, created_at) of open tasks and filtered by the grant's subtree, then merges them: a grant
    over half the region stops after a page instead of sorting every open task below it."""
    values: dict[str, Any] = {"limit": limit, "offset": offset, **narrow.values()}
    if scope == "mine":
        assignees = [user_id, *also_assigned_to]
        return _rows(session.execute(_mine(narrow.shape()), {**values, "assignees": assignees}))
    if not grants:
        return []
    for i, grant in enumerate(grants):
        values |= {f"role{i}": grant.role, f"lo{i}": grant.unit_path, f"hi{i}": grant.unit_path + "\uffff"}
    return _rows(session.execute(_available(len(grants), narrow.shape()), {**values, "first": limit + offset}))


def _rows(result: Result[Any]) -> list[TaskFields]:
    return cast(list[TaskFields], list(result))  # a Row's attributes are its columns, named as TaskRow's
