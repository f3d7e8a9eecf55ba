"""Statistics as SQL aggregates over the area cases a caller may read (one GROUP BY per dimension).

The caller's visibility arrives as CaseScope rows (engine/access.py states the rule; this module only turns it
into SQL). Everything here runs on SQLite and PostgreSQL: JSON fields are read with SQLAlchemy's portable JSON
operators, durations and days with a per-dialect expression, percentiles with percentile_cont on PostgreSQL and
from the sorted durations elsewhere.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any
from collections.abc import Sequence

from sqlalchemy import ColumnElement, Select, and_, case, false, func, or_, select, true
from sqlalchemy.orm import Session

from engine.rules.access import CaseScope
from engine.store.models import Action, ActionCase, AreaCase, Decision, Event, TaskRow

__all__ = ["CaseFilter", "COLUMNS", "counts", "durations", "percentiles", "open_tasks", "open_actions",
           "overdue_actions", "decisions", "visible_case_count", "visible"]


@dataclass(frozen=True)
class CaseFilter:
    """Which area cases to count: the caller's scopes, narrowed by the query's filters."""

    scopes: Sequence[CaseScope]
    unit_path: str | None = None
    area: str | None = None
    created_from: datetime | None = None  # the event's report time, inclusive
    created_to: datetime | None = None  # exclusive
    category: str | None = None
    event_type: str | None = None
    status: str | None = None  # the area case's status


def _subtree(column: Any, path: str) -> ColumnElement[bool]:
    within: ColumnElement[bool] = column.between(path, path + "\uffff")
    return within


def _filled(value: Any) -> ColumnElement[bool]:
    """A JSON value as text is set: AreaAccess.restricted's "not None, {} or ''" in SQL."""
    return and_(value.is_not(None), value.not_in(["", "{}"]))


def _restricted(kinds: Sequence[str]) -> ColumnElement[bool]:
    if not kinds:
        return false()
    return or_(*[_filled(AreaCase.data[kind].as_string()) for kind in kinds])


def visible(scopes: Sequence[CaseScope]) -> ColumnElement[bool]:
    """A live area case the scopes cover (needs events joined)."""
    conditions = []
    for scope in scopes:
        if scope.ordinary and scope.restricted:
            which: ColumnElement[bool] = true()
        elif scope.ordinary:
            which = ~_restricted(scope.restricting_decisions)
        else:
            which = _restricted(scope.restricting_decisions)
        conditions.append(and_(
            AreaCase.area == scope.area,
            or_(_subtree(Event.unit_path, scope.unit_path), _subtree(AreaCase.unit_path, scope.unit_path)),
            which,
        ))
    if not conditions:
        return false()
    return and_(AreaCase.status != "removed", or_(*conditions))


def _where(query: Select[Any], flt: CaseFilter, *, period: bool = True) -> Select[Any]:
    query = query.where(visible(flt.scopes))
    if flt.unit_path:
        query = query.where(or_(_subtree(Event.unit_path, flt.unit_path), _subtree(AreaCase.unit_path, flt.unit_path)))
    if flt.area:
        query = query.where(AreaCase.area == flt.area)
    if period and flt.created_from is not None:
        query = query.where(Event.created_at >= flt.created_from)
    if period and flt.created_to is not None:
        query = query.where(Event.created_at < flt.created_to)
    if flt.category:
        query = query.where(CATEGORY == flt.category)
    if flt.event_type:
        query = query.where(EVENT_TYPE == flt.event_type)
    if flt.status:
        query = query.where(AreaCase.status == flt.status)
    return query


def _cases() -> Select[Any]:
    return select().select_from(AreaCase).join(Event, Event.id == AreaCase.event_id)


CATEGORY = AreaCase.data["kategori"].as_string()
EVENT_TYPE = Event.data["handelsetyp"].as_string()
CONSEQUENCE_ACTUAL = AreaCase.data[("riskbedomning", "konsekvens_faktisk")].as_integer()
CONSEQUENCE_POTENTIAL = AreaCase.data[("riskbedomning", "konsekvens_potentiell")].as_integer()
PROBABILITY = AreaCase.data[("riskbedomning", "sannolikhet")].as_integer()


def _day(dialect: str) -> Any:
    """The report's calendar day in UTC as 'YYYY-MM-DD' (buckets are built from days in Python)."""
    if dialect == "postgresql":
        return func.to_char(func.timezone("UTC", Event.created_at), "YYYY-MM-DD")
    return func.substr(Event.created_at, 1, 10)


def _column(name: str, dialect: str) -> Any:
    return {
        "area": AreaCase.area,
        "unit": Event.unit_id,
        "category": CATEGORY,
        "event_type": EVENT_TYPE,
        "consequence_actual": CONSEQUENCE_ACTUAL,
        "consequence_potential": CONSEQUENCE_POTENTIAL,
        "probability": PROBABILITY,
        "status": AreaCase.status,
        "day": _day(dialect),
    }[name]


COLUMNS = ("area", "unit", "category", "event_type", "consequence_actual", "consequence_potential", "probability",
           "status", "day")


def counts(session: Session, flt: CaseFilter, columns: Sequence[str]) -> list[tuple[Any, ...]]:
    """(value per column..., number of area cases) for each combination that occurs; a case without a value counts
    under None. One scan for every figure the caller derives from these columns (engine/stats.py sums them)."""
    keys = [_column(name, session.get_bind().dialect.name) for name in columns]
    query = _where(_cases().add_columns(*keys, func.count()), flt).group_by(*keys)
    return [tuple(row) for row in session.execute(query)]


def visible_case_count(session: Session, flt: CaseFilter) -> tuple[int, int]:
    """(area cases, distinct events) in the filter."""
    query = _where(_cases().add_columns(func.count(), func.count(func.distinct(Event.id))), flt)
    cases, events = session.execute(query).one()
    return int(cases), int(events)


def _seconds(dialect: str, end: Any, start: Any) -> Any:
    if dialect == "postgresql":
        return func.extract("epoch", end - start)
    return (func.julianday(end) - func.julianday(start)) * 86400.0


def _first_step() -> Any:
    """When each case's first task was completed (triage, where the area has one). One aggregate over the task
    history: measured at 100 000 events (bench/README.md) it beat a per-case index lookup by 2.5×."""
    return (select(TaskRow.area_case_id.label("case_id"), func.min(TaskRow.ended_at).label("at"))
            .where(TaskRow.outcome == "completed").group_by(TaskRow.area_case_id).subquery())


def _duration_query(session: Session, flt: CaseFilter, measure: str) -> tuple[Select[Any], Any]:
    """The cases and their duration in seconds; NULL where the measure has not ended (ignored by the aggregates)."""
    dialect = session.get_bind().dialect.name
    query = _cases()
    if measure == "report_to_triage":
        first = _first_step()
        query = query.join(first, first.c.case_id == AreaCase.id)
        end: Any = first.c.at
    else:
        end = AreaCase.closed_at
    return _where(query, flt), _seconds(dialect, end, Event.created_at)


def durations(session: Session, flt: CaseFilter, measure: str) -> list[float]:
    """Every case's duration in seconds, sorted: the portable way to a percentile (used where the database has
    no percentile_cont)."""
    query, seconds = _duration_query(session, flt, measure)
    return [float(v) for v in session.scalars(query.add_columns(seconds).order_by(seconds)) if v is not None]


def percentiles(session: Session, flt: CaseFilter, measure: str) -> tuple[int, float | None, float | None]:
    """(cases, median, 90th percentile) of the measure in seconds, in one aggregate (PostgreSQL only)."""
    query, seconds = _duration_query(session, flt, measure)
    measured = query.add_columns(seconds.label("seconds")).subquery()  # the duration computed once per case
    value = measured.c.seconds
    row = session.execute(select(
        func.count(value), func.percentile_cont(0.5).within_group(value), func.percentile_cont(0.9).within_group(value)
    )).one()
    return int(row[0]), (float(row[1]) if row[1] is not None else None), (float(row[2]) if row[2] is not None else None)


def open_tasks(session: Session, flt: CaseFilter, now: datetime) -> tuple[int, int]:
    """(open tasks, of which overdue) of the visible cases; the period filter does not apply (open is now)."""
    overdue = case((and_(TaskRow.due_at.is_not(None), TaskRow.due_at < now), 1), else_=0)
    query = _where(
        _cases().join(TaskRow, TaskRow.area_case_id == AreaCase.id)
        .add_columns(func.count(), func.coalesce(func.sum(overdue), 0)).where(TaskRow.ended_at.is_(None)),
        flt, period=False,
    )
    total, late = session.execute(query).one()
    return int(total), int(late)


def _action_ids(flt: CaseFilter, terminal: Sequence[str]) -> Select[Any]:
    return _where(
        _cases().join(ActionCase, ActionCase.area_case_id == AreaCase.id)
        .join(Action, Action.id == ActionCase.action_id)
        .add_columns(Action.id).where(Action.status.not_in(list(terminal))),
        flt, period=False,
    ).distinct()


def open_actions(session: Session, flt: CaseFilter, today: date, terminal: Sequence[str]) -> tuple[int, int]:
    """(open actions, of which overdue) linked to a visible case; an action on several cases counts once."""
    ids = _action_ids(flt, terminal).subquery()
    overdue = case((and_(Action.due_date.is_not(None), Action.due_date < today), 1), else_=0)
    total, late = session.execute(
        select(func.count(), func.coalesce(func.sum(overdue), 0)).select_from(Action).join(ids, ids.c.id == Action.id)
    ).one()
    return int(total), int(late)


def overdue_actions(session: Session, flt: CaseFilter, today: date, terminal: Sequence[str],
                    limit: int) -> list[tuple[Action, list[tuple[str, str]]]]:
    """The overdue open actions, most overdue first, each with the (number, title) of its visible events."""
    ids = _action_ids(flt, terminal).subquery()
    actions = list(session.scalars(
        select(Action).join(ids, ids.c.id == Action.id)
        .where(Action.due_date.is_not(None), Action.due_date < today)
        .order_by(Action.due_date, Action.id).limit(limit)
    ))
    if not actions:
        return []
    linked = session.execute(
        _where(_cases().join(ActionCase, ActionCase.area_case_id == AreaCase.id)
               .add_columns(ActionCase.action_id, Event.number, Event.title)
               .where(ActionCase.action_id.in_([a.id for a in actions])), flt, period=False).distinct()
        .order_by(Event.number)
    )
    events: dict[int, list[tuple[str, str]]] = {}
    for action_id, number, title in linked:
        events.setdefault(action_id, []).append((number, title))
    return [(action, events.get(action.id, [])) for action in actions]


def decisions(session: Session, flt: CaseFilter) -> list[tuple[str, str, int]]:
    """(kind, value, count) of the decisions recorded on visible cases, by decision time within the period."""
    query = _where(_cases().join(Decision, Decision.area_case_id == AreaCase.id)
                   .add_columns(Decision.kind, Decision.value, func.count()), flt, period=False)
    if flt.created_from is not None:
        query = query.where(Decision.decided_at >= flt.created_from)
    if flt.created_to is not None:
        query = query.where(Decision.decided_at < flt.created_to)
    return [tuple(row) for row in session.execute(query.group_by(Decision.kind, Decision.value))]

