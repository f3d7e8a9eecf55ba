"""Statistics as SQL aggregates over the area cases a caller may read, counted from their facts.

Each live area case has one narrow `stats_facts` row (refresh_facts writes it from the case, its event and its
tasks, in the transaction that changes them; migration 0009 filled it for older rows with the same statement), so
a count reads a handful of plain columns instead of the wide case and event rows and their JSON. The caller's
visibility arrives as CaseScope rows (engine/access.py states the rule; this module only turns it into SQL).
Everything here runs on SQLite and PostgreSQL: durations and days with a per-dialect expression, percentiles with
percentile_cont on PostgreSQL and from the sorted durations elsewhere.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
import functools
from collections.abc import Sequence
from typing import Any

from sqlalchemy import (ColumnElement, Executable, FunctionElement, Integer, Select, String, and_, bindparam, case,
                        cast, delete, false, func, insert, literal, null, or_, select, true, update)
from sqlalchemy.engine import RowMapping
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.orm import Session, aliased

from engine.rules.access import CaseScope, CaseStatus
from engine.rules.lifecycle import TERMINAL_STATUSES
from engine.store import rollup
from engine.store.db import PREPARED
from engine.store.models import Action, ActionCase, AreaCase, Decision, Event, StatsFact, TaskRow

__all__ = ["CaseFilter", "COLUMNS", "counts", "durations", "percentiles", "open_tasks", "open_tasks_due",
           "open_actions", "overdue_actions", "decisions", "shared_event_count", "shared_open_actions", "fill_facts",
           "add_rollup_columns", "refresh_facts", "visible_case_count", "visible"]


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


def _restricted_by(kinds: Sequence[str]) -> Any:
    """',kind,kind,' of the restricting decisions the case data holds, NULL when it holds none."""
    held = [_filled(AreaCase.data[kind].as_string()) for kind in kinds]
    if not held:
        return null()
    listed: ColumnElement[str] = literal(",")
    for kind, is_held in zip(kinds, held):
        listed = listed + case((is_held, literal(f"{kind},")), else_=literal(""))
    return case((or_(*held), listed), else_=null())


def _per_dialect(name: str, postgresql: str, sqlite: str) -> type[FunctionElement[Any]]:
    """An SQL function written once per database; '{}' in a template stands for the argument."""
    function: type[FunctionElement[Any]] = type(name, (FunctionElement,), {"inherit_cache": True, "name": name})
    for dialect, template in (("postgresql", postgresql), ("sqlite", sqlite)):
        def render(element: Any, compiler: Any, template: str = template, **kw: Any) -> str:
            return template.format(compiler.process(element.clauses, **kw))
        compiles(function, dialect)(render)
    return function


# whole hours since 1970 of a UTC timestamp: the same integer on both databases
_EpochHour = _per_dialect("epoch_hour", "CAST(floor(extract(epoch FROM {}) / 3600) AS BIGINT)",
                          "(CAST(strftime('%s', {}) AS INTEGER) / 3600)")
# 'YYYY-MM' of a UTC timestamp (SQLite keeps UTC text)
_UTCMonth = _per_dialect("utc_month", "to_char({} AT TIME ZONE 'UTC', 'YYYY-MM')", "substr({}, 1, 7)")
# the texts of a group joined by ',' in no particular order (a multiset: readers split it)
_Joined = _per_dialect("joined", "string_agg({}, ',')", "group_concat({}, ',')")


def _open_due(case_id: Any) -> Any:
    """The case's open tasks as their due hours (_EpochHour; '-' for none), e.g. '493012,-'; NULL without any."""
    hour = func.coalesce(cast(_EpochHour(TaskRow.due_at), String), literal("-"))
    return (select(_Joined(hour)).where(TaskRow.area_case_id == case_id, TaskRow.ended_at.is_(None))
            .scalar_subquery())


def _decided(case_id: Any) -> Any:
    """The case's decisions as 'kind:1@YYYY-MM' (1: made, value 'ja'; 0: not), joined; NULL without any."""
    made = case((Decision.value == "ja", literal(":1@")), else_=literal(":0@"))
    entry = Decision.kind + made + _UTCMonth(Decision.decided_at)
    return select(_Joined(entry)).where(Decision.area_case_id == case_id).scalar_subquery()


def _open_actions(case_id: Any, shared: bool) -> Any:
    """The case's open actions, joined: those on this case only as their due days ('-' for none), e.g.
    '2026-12-01,-'; with `shared` those also on other cases as 'id:due', so they can be counted once. NULL if none."""
    others = aliased(ActionCase)
    cases = select(func.count()).where(others.action_id == Action.id).scalar_subquery()
    due = func.coalesce(cast(Action.due_date, String), literal("-"))
    entry = cast(Action.id, String) + literal(":") + due if shared else due
    return (select(_Joined(entry)).select_from(ActionCase).join(Action, Action.id == ActionCase.action_id)
            .where(ActionCase.area_case_id == case_id, Action.status.not_in(sorted(TERMINAL_STATUSES)),
                   cases > 1 if shared else cases == 1)
            .scalar_subquery())


def _another_case(case_id: Any, event_id: Any) -> Any:
    other = aliased(AreaCase)
    return (select(other.id).where(other.event_id == event_id, other.id != case_id,
                                   other.status != CaseStatus.REMOVED).exists())


def add_rollup_columns(session: Session) -> None:
    """Fill the columns migration 0010 adds to the existing facts (and count an empty category or event type as
    not filled in, as facts written since do)."""
    session.execute(update(StatsFact).values(
        category=func.nullif(StatsFact.category, ""), event_type=func.nullif(StatsFact.event_type, ""),
        shared=_another_case(StatsFact.case_id, StatsFact.event_id), open_due=_open_due(StatsFact.case_id),
        decisions=_decided(StatsFact.case_id), open_actions=_open_actions(StatsFact.case_id, False),
        shared_open_actions=_open_actions(StatsFact.case_id, True)))


def _fact_source(kinds: Sequence[str], *, rollup_columns: bool = True) -> Select[Any]:
    """A fact row per live area case, from the case, its event, its task history and its decisions; without the
    columns migration 0010 added (`rollup_columns`) as migration 0009's table has it."""
    first_step = (select(func.min(TaskRow.ended_at)).where(TaskRow.area_case_id == AreaCase.id,
                                                          TaskRow.outcome == "completed")
                  .scalar_subquery())
    return (select(
        AreaCase.id, AreaCase.event_id, AreaCase.area, AreaCase.status, Event.unit_id, Event.unit_path,
        AreaCase.unit_path, Event.created_at, func.nullif(AreaCase.data["kategori"].as_string(), ""),
        func.nullif(Event.data["handelsetyp"].as_string(), ""),  # an empty text is not filled in, as a missing one
        AreaCase.data[("riskbedomning", "konsekvens_faktisk")].as_integer(),
        AreaCase.data[("riskbedomning", "konsekvens_potentiell")].as_integer(),
        AreaCase.data[("riskbedomning", "sannolikhet")].as_integer(),
        _restricted_by(kinds), first_step, AreaCase.closed_at,
        *([_another_case(AreaCase.id, AreaCase.event_id), _open_due(AreaCase.id), _decided(AreaCase.id),
           _open_actions(AreaCase.id, False), _open_actions(AreaCase.id, True)] if rollup_columns else []),
    ).join(Event, Event.id == AreaCase.event_id).where(AreaCase.status != CaseStatus.REMOVED))


FACT_COLUMNS = ("case_id", "event_id", "area", "status", "event_unit_id", "event_unit_path", "case_unit_path",
                "reported_at", "category", "event_type", "consequence_actual", "consequence_potential",
                "probability", "restricted_by", "first_step_at", "closed_at", "shared", "open_due", "decisions",
                "open_actions", "shared_open_actions")
_ROLLUP_COLUMNS = 5  # the last five: migration 0010's
_FACT_TABLE_COLUMNS = [StatsFact.__table__.c[name] for name in FACT_COLUMNS]


@functools.lru_cache(maxsize=16)
def _refresh_statements(kinds: tuple[str, ...]) -> tuple[Executable, Executable]:
    """The DELETE and INSERT … SELECT that rewrite the facts of the cases bound as `case_ids` and of every case of
    the events bound as `event_ids`, both returning the facts for the rollup; built once per set of restricting
    decisions: every step runs them, and building them costs more than running them."""
    case_ids = bindparam("case_ids", type_=Integer, expanding=True)
    event_ids = bindparam("event_ids", type_=Integer, expanding=True)
    which = or_(AreaCase.id.in_(case_ids), AreaCase.event_id.in_(event_ids))
    fact_which = or_(StatsFact.case_id.in_(case_ids), StatsFact.event_id.in_(event_ids))
    return (delete(StatsFact).where(fact_which).returning(*_FACT_TABLE_COLUMNS),
            insert(StatsFact).from_select(FACT_COLUMNS, _fact_source(kinds).where(which))
            .returning(*_FACT_TABLE_COLUMNS).execution_options(**{PREPARED: True}))  # 1.1 ms of planning


def fill_facts(session: Session, kinds: Sequence[str], *, rollup_columns: bool = True) -> None:
    """Write every live case's fact anew (migration 0009 without the columns 0010 adds)."""
    session.execute(delete(StatsFact))
    columns = FACT_COLUMNS if rollup_columns else FACT_COLUMNS[:-_ROLLUP_COLUMNS]
    session.execute(insert(StatsFact).from_select(columns, _fact_source(kinds, rollup_columns=rollup_columns),
                                                  include_defaults=False))


def refresh_facts(session: Session, kinds: Sequence[str], *, case_ids: Sequence[int] = (),
                  event_ids: Sequence[int] = (), everything: bool = False) -> None:
    """Rewrite the facts of these cases (and of every case of these events) from their rows, and the rollup by
    the difference; `kinds` are the restricting decisions of every area, `everything` fills facts and rollup anew
    (a bulk load). A step rewrites its own case's fact only, so steps on two areas of one event never touch the
    same fact row; the other cases of an event are rewritten only when the event gains or loses a live case
    (their `shared` changes), which a step does not do."""
    if not (case_ids or event_ids or everything):
        return
    session.flush()
    if everything:
        fill_facts(session, kinds)
        rollup.rebuild(session)
        return
    removed, written = _rewrite(session, kinds, case_ids, event_ids)
    was = {fact["case_id"]: fact["shared"] for fact in removed}
    now = {fact["case_id"]: fact["shared"] for fact in written}
    changed = {fact["event_id"] for fact in [*removed, *written]
               if was.get(fact["case_id"], False) != now.get(fact["case_id"], False)} - set(event_ids)
    if changed:  # a case came or went: its siblings' facts say whether their event is shared
        more_removed, more_written = _rewrite(session, kinds, (), sorted(changed))
        removed, written = [*removed, *more_removed], [*written, *more_written]
    rollup.record(session.connection(), removed, written)


def _rewrite(session: Session, kinds: Sequence[str], case_ids: Sequence[int],
             event_ids: Sequence[int]) -> tuple[list[RowMapping], list[RowMapping]]:
    remove, add = _refresh_statements(tuple(kinds))
    ids = {"case_ids": list(case_ids), "event_ids": list(event_ids)}
    connection = session.connection()  # Core execution: with a parameter dict the ORM would take it as bulk rows
    return list(connection.execute(remove, ids).mappings()), list(connection.execute(add, ids).mappings())


def _restricted(kinds: Sequence[str]) -> ColumnElement[bool]:
    if not kinds:
        return false()
    return and_(StatsFact.restricted_by.is_not(None),
                or_(*[StatsFact.restricted_by.contains(f",{kind},") for kind in kinds]))


def visible(scopes: Sequence[CaseScope]) -> ColumnElement[bool]:
    """A live area case the scopes cover (facts hold live cases only)."""
    conditions = []
    for scope in scopes:
        if scope.ordinary and scope.restricted:
            which: ColumnElement[bool] = true()
        elif scope.ordinary:
            which = ~_restricted(scope.restricting_decisions)
        else:
            which = _restricted(scope.restricting_decisions)
        conditions.append(and_(
            StatsFact.area == scope.area,
            or_(_subtree(StatsFact.event_unit_path, scope.unit_path),
                _subtree(StatsFact.case_unit_path, scope.unit_path)),
            which,
        ))
    if not conditions:
        return false()
    return or_(*conditions)


def _where(query: Select[Any], flt: CaseFilter, *, period: bool = True) -> Select[Any]:
    query = query.where(visible(flt.scopes))
    if flt.unit_path:
        query = query.where(or_(_subtree(StatsFact.event_unit_path, flt.unit_path),
                                _subtree(StatsFact.case_unit_path, flt.unit_path)))
    if flt.area:
        query = query.where(StatsFact.area == flt.area)
    if period and flt.created_from is not None:
        query = query.where(StatsFact.reported_at >= flt.created_from)
    if period and flt.created_to is not None:
        query = query.where(StatsFact.reported_at < flt.created_to)
    if flt.category:
        query = query.where(StatsFact.category == flt.category)
    if flt.event_type:
        query = query.where(StatsFact.event_type == flt.event_type)
    if flt.status:
        query = query.where(StatsFact.status == flt.status)
    return query


def _cases() -> Select[Any]:
    return select().select_from(StatsFact)


def _period(dialect: str, bucket: str) -> Any:
    """The first day of the report's week (Monday), month, quarter or year in UTC as 'YYYY-MM-DD': the trend
    groups by period in SQL, so its rows are periods, not days."""
    if dialect == "postgresql":
        return func.to_char(func.date_trunc(bucket, func.timezone("UTC", StatsFact.reported_at)), "YYYY-MM-DD")
    day = func.substr(StatsFact.reported_at, 1, 10)  # SQLite keeps UTC text
    if bucket == "week":
        return func.strftime("%Y-%m-%d", day, "weekday 0", "-6 days")
    if bucket == "quarter":
        first_month = (cast(func.strftime("%m", day), Integer) - 1) // 3 * 3 + 1
        return func.printf("%s-%02d-01", func.strftime("%Y", day), first_month)
    return func.strftime("%Y-%m-01" if bucket == "month" else "%Y-01-01", day)


def _column(name: str, dialect: str, bucket: str) -> Any:
    return {
        "area": StatsFact.area,
        "unit": StatsFact.event_unit_id,
        "category": StatsFact.category,
        "event_type": StatsFact.event_type,
        "consequence_actual": StatsFact.consequence_actual,
        "consequence_potential": StatsFact.consequence_potential,
        "probability": StatsFact.probability,
        "status": StatsFact.status,
        "period": _period(dialect, bucket),
    }[name]


COLUMNS = ("area", "unit", "category", "event_type", "consequence_actual", "consequence_potential", "probability",
           "status", "period")


def counts(session: Session, flt: CaseFilter, columns: Sequence[str], bucket: str = "month") -> list[tuple[Any, ...]]:
    """(value per column..., number of area cases) for each combination that occurs; a case without a value counts
    under None; `period` is the first day of the report's `bucket`. One scan for every figure the caller derives
    from these columns (engine/stats.py sums them)."""
    keys = [_column(name, session.get_bind().dialect.name, bucket) for name in columns]
    query = _where(_cases().add_columns(*keys, func.count()), flt).group_by(*keys)
    return [tuple(row) for row in session.execute(query)]


def visible_case_count(session: Session, flt: CaseFilter) -> tuple[int, int]:
    """(area cases, distinct events) in the filter."""
    query = _where(_cases().add_columns(func.count(), func.count(func.distinct(StatsFact.event_id))), flt)
    cases, events = session.execute(query).one()
    return int(cases), int(events)


def shared_open_actions(session: Session, flt: CaseFilter) -> dict[str, str]:
    """Open actions on more than one case, of the filter's cases: id -> due day ('-' for none), each once."""
    query = _where(_cases().add_columns(StatsFact.shared_open_actions)
                   .where(StatsFact.shared_open_actions.is_not(None)), flt, period=False)
    return dict(entry.split(":", 1) for joined in session.scalars(query) for entry in joined.split(","))


def shared_event_count(session: Session, flt: CaseFilter) -> int:
    """Distinct events among the filter's cases of events with more than one live case (the rollup counts the
    other events as their one case)."""
    query = _where(_cases().add_columns(func.count(func.distinct(StatsFact.event_id))).where(StatsFact.shared), flt)
    return int(session.execute(query).scalar_one())


def _seconds(dialect: str, end: Any, start: Any) -> Any:
    if dialect == "postgresql":
        return func.extract("epoch", end - start)
    return (func.julianday(end) - func.julianday(start)) * 86400.0


def _duration_query(session: Session, flt: CaseFilter, measure: str) -> tuple[Select[Any], Any]:
    """The cases and their duration in seconds; NULL where the measure has not ended (ignored by the aggregates)."""
    end = StatsFact.first_step_at if measure == "report_to_triage" else StatsFact.closed_at
    query = _where(_cases(), flt).where(end.is_not(None))
    return query, _seconds(session.get_bind().dialect.name, end, StatsFact.reported_at)


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
        _cases().join(TaskRow, TaskRow.area_case_id == StatsFact.case_id)
        .add_columns(func.count(), func.coalesce(func.sum(overdue), 0)).where(TaskRow.ended_at.is_(None)),
        flt, period=False,
    )
    total, late = session.execute(query).one()
    return int(total), int(late)


def open_tasks_due(session: Session, flt: CaseFilter, start: datetime, end: datetime) -> int:
    """Open tasks of the visible cases due in [start, end)."""
    query = _where(_cases().join(TaskRow, TaskRow.area_case_id == StatsFact.case_id).add_columns(func.count())
                   .where(TaskRow.ended_at.is_(None), TaskRow.due_at >= start, TaskRow.due_at < end), flt, period=False)
    return int(session.execute(query).scalar_one())


def _open_and_visible(flt: CaseFilter, terminal: Sequence[str]) -> ColumnElement[bool]:
    """An open action linked to a case in the filter. Open actions are few beside the cases, so the check runs per
    open action (OFFSET 0 keeps PostgreSQL from turning it into a join that scans every visible fact)."""
    linked = _where(select(literal(1)).select_from(StatsFact)
                    .join(ActionCase, ActionCase.area_case_id == StatsFact.case_id)
                    .where(ActionCase.action_id == Action.id), flt, period=False).offset(0)
    return and_(Action.status.not_in(list(terminal)), linked.exists())


def open_actions(session: Session, flt: CaseFilter, today: date, terminal: Sequence[str]) -> tuple[int, int]:
    """(open actions, of which overdue) linked to a visible case; an action on several cases counts once."""
    overdue = case((and_(Action.due_date.is_not(None), Action.due_date < today), 1), else_=0)
    total, late = session.execute(
        select(func.count(), func.coalesce(func.sum(overdue), 0)).where(_open_and_visible(flt, terminal))
    ).one()
    return int(total), int(late)


def overdue_actions(session: Session, flt: CaseFilter, today: date, terminal: Sequence[str],
                    limit: int) -> list[tuple[Action, list[tuple[str, str]]]]:
    """The overdue open actions, most overdue first, each with the (number, title) of its visible events."""
    actions = list(session.scalars(
        select(Action).where(_open_and_visible(flt, terminal), Action.due_date.is_not(None), Action.due_date < today)
        .order_by(Action.due_date, Action.id).limit(limit)
    ))
    if not actions:
        return []
    linked = session.execute(
        _where(_cases().join(ActionCase, ActionCase.area_case_id == StatsFact.case_id)
               .join(Event, Event.id == StatsFact.event_id)
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
    query = _where(_cases().join(Decision, Decision.area_case_id == StatsFact.case_id)
                   .add_columns(Decision.kind, Decision.value, func.count()), flt, period=False)
    if flt.created_from is not None:
        query = query.where(Decision.decided_at >= flt.created_from)
    if flt.created_to is not None:
        query = query.where(Decision.decided_at < flt.created_to)
    return [tuple(row) for row in session.execute(query.group_by(Decision.kind, Decision.value))]
