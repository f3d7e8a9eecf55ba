"""The statistics' rollup: the facts counted per (ancestor unit, area, restricting decisions, report month, figure,
value), so a region-wide statistic sums a few thousand rows instead of scanning a million facts.

A fact counts once under every unit of depth ≤ ROLLUP_DEPTH above its event's or its case's unit (the union: a
scope reads a case that happened or is handled below it). Deeper scopes count their own facts, which are few.
Writers never update a count: refresh_facts hands `record` the facts it removed and the ones it wrote, and their
difference is appended to stats_rollup_deltas, which locks no row, so concurrent steps under one region never wait
for each other. The worker's `compact` folds the deltas into stats_rollup; reads sum both tables, so a count is
exact whether or not the worker has run.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, UTC
from typing import Any

from sqlalchemy import ColumnElement, Select, and_, delete, false, func, insert, or_, select, true, union_all
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.engine import Connection
from sqlalchemy.orm import Session

from engine.rules.access import CaseScope
from engine.store.models import StatsFact, StatsRollup, StatsRollupDelta, Unit

__all__ = ["ROLLUP_DEPTH", "LEAD_RATIO", "KEY", "RollupScope", "Tally", "ancestors", "depth", "lead_bucket",
           "bucket_bounds", "contributions", "month_of", "record", "rebuild", "compact", "tally"]

ROLLUP_DEPTH = 2  # region and hospital (förvaltning): the scopes whose facts are too many to count one by one
LEAD_RATIO = 1.02  # lead-time buckets 2 % wide: a percentile read from them is within 1 % of the exact one
KEY = ("unit_path", "area", "restricted_by", "month", "figure", "value")
# figure -> fact column whose value it counts (None: every fact once); risk and the lead times are derived
PLAIN_FIGURES: dict[str, str | None] = {
    "case": None, "unit": "event_unit_id", "category": "category", "event_type": "event_type",
    "consequence_actual": "consequence_actual", "consequence_potential": "consequence_potential", "status": "status",
}
LEAD_FIGURES = {"report_to_triage": "first_step_at", "report_to_closed": "closed_at"}
NOW_FIGURES = ("open_due", "open_action")  # counted under no month


def ancestors(path: str) -> list[str]:
    """'/a/b/c/' -> ['/a/', '/a/b/'] at ROLLUP_DEPTH 2."""
    parts = path.strip("/").split("/")
    return ["/" + "/".join(parts[:depth]) + "/" for depth in range(1, min(len(parts), ROLLUP_DEPTH) + 1)]


def depth(path: str) -> int:
    return path.strip("/").count("/") + 1


def lead_bucket(seconds: float) -> int:
    """Bucket b holds durations in [LEAD_RATIO^(b-1), LEAD_RATIO^b) seconds; bucket 0 anything under a second."""
    return 0 if seconds < 1 else math.floor(math.log(seconds) / math.log(LEAD_RATIO)) + 1


def bucket_bounds(bucket: int) -> tuple[float, float]:
    return (0.0, 1.0) if bucket == 0 else (LEAD_RATIO ** (bucket - 1), LEAD_RATIO ** bucket)


def _text(value: Any) -> str:
    return "" if value is None else str(value)


def month_of(moment: datetime) -> str:
    """'YYYY-MM' in UTC, the year in four digits (strftime leaves out the zeros before years below 1000)."""
    utc = moment.astimezone(UTC)
    return f"{utc.year:04d}-{utc.month:02d}"


def contributions(fact: Mapping[Any, Any]) -> Iterator[tuple[str, ...]]:
    """The rollup keys one fact counts under: once per figure; per open task, decision and action for those."""
    reported = fact["reported_at"]
    figures = [(figure, _text(fact[column]) if column else "") for figure, column in PLAIN_FIGURES.items()]
    figures.append(("risk", f"{_text(fact['consequence_potential'])}:{_text(fact['probability'])}"))
    if not fact["shared"]:
        figures.append(("solo", ""))  # an event with one live case: counted as an event without its id
    for figure, column in LEAD_FIGURES.items():
        if fact[column] is not None:
            figures.append((figure, str(lead_bucket((fact[column] - reported).total_seconds()))))
    month = month_of(reported)
    dated = [(month, figure, value) for figure, value in figures]
    # open tasks count now, whenever the case was reported: no month; a decision counts in the month it was made
    dated += [("", "open_due", hour) for hour in _entries(fact["open_due"])]
    dated += [("", "open_action", due) for due in _entries(fact["open_actions"])]  # those on one case only
    dated += [(decided, "decision", made) for made, decided in
              (entry.rsplit("@", 1) for entry in _entries(fact["decisions"]))]
    area, restricted = fact["area"], _text(fact["restricted_by"])
    for path in dict.fromkeys(ancestors(fact["event_unit_path"]) + ancestors(fact["case_unit_path"])):
        for key_month, figure, value in dated:
            yield (path, area, restricted, key_month, figure, value)


def _entries(joined: str | None) -> list[str]:
    return joined.split(",") if joined else []


def _nonzero(counts: Counter[tuple[str, ...]]) -> dict[tuple[str, ...], int]:
    return {key: n for key, n in counts.items() if n}


def _deltas(removed: Iterable[Mapping[Any, Any]], written: Iterable[Mapping[Any, Any]]) -> dict[tuple[str, ...], int]:
    counts: Counter[tuple[str, ...]] = Counter()
    for fact in written:
        counts.update(contributions(fact))
    for fact in removed:
        counts.subtract(contributions(fact))
    return _nonzero(counts)


def _rows(counts: Mapping[tuple[str, ...], int]) -> list[dict[str, Any]]:
    return [dict(zip(KEY, key), n=n) for key, n in sorted(counts.items())]


def record(connection: Connection, removed: Sequence[Mapping[Any, Any]], written: Sequence[Mapping[Any, Any]]) -> None:
    """Append the difference between the removed and the written facts (usually a status or a lead time)."""
    counts = _deltas(removed, written)
    if counts:
        connection.execute(insert(StatsRollupDelta), _rows(counts))


def rebuild(session: Session) -> None:
    """Count every fact anew (the migration, a bulk load): the deltas go, the counts are replaced."""
    counts: Counter[tuple[str, ...]] = Counter()
    for fact in session.execute(select(StatsFact.__table__)).mappings().yield_per(10_000):
        counts.update(contributions(fact))
    session.execute(delete(StatsRollupDelta))
    session.execute(delete(StatsRollup))
    rows = _rows(counts)
    for start in range(0, len(rows), 10_000):
        session.execute(insert(StatsRollup), rows[start:start + 10_000])


def compact(session: Session) -> int:
    """Fold the deltas into the counts; returns how many deltas were folded. A delta committed while this runs
    is not seen by the DELETE and stays for the next round, so nothing is counted twice or lost."""
    deltas = session.execute(delete(StatsRollupDelta).returning(*[getattr(StatsRollupDelta, c) for c in KEY],
                                                                StatsRollupDelta.n)).all()
    sums: Counter[tuple[str, ...]] = Counter()
    for *key, n in deltas:
        sums[tuple(key)] += n
    rows = _rows(_nonzero(sums))  # sorted by key: two compactions lock rows in one order
    if rows:
        upsert = (pg_insert if session.get_bind().dialect.name == "postgresql" else sqlite_insert)(StatsRollup)
        session.connection().execute(upsert.on_conflict_do_update(
            index_elements=list(KEY), set_={"n": StatsRollup.n + upsert.excluded.n}), rows)
    session.execute(delete(StatsRollup).where(StatsRollup.n == 0))
    return len(deltas)


@dataclass(frozen=True)
class RollupScope:
    """One area's visible cases as the rollup holds them: the cases counted under `unit_path`, with the scope's
    restriction rule."""

    unit_path: str
    scope: CaseScope


def _restricted(column: Any, kinds: Sequence[str]) -> ColumnElement[bool]:
    if not kinds:
        return false()
    return or_(*[column.contains(f",{kind},") for kind in kinds])


def _visible(table: Any, scopes: Sequence[RollupScope]) -> ColumnElement[bool]:
    conditions = []
    for rollup_scope in scopes:
        scope = rollup_scope.scope
        if scope.ordinary and scope.restricted:
            which: ColumnElement[bool] = true()
        elif scope.ordinary:
            which = ~_restricted(table.c.restricted_by, scope.restricting_decisions)
        else:
            which = _restricted(table.c.restricted_by, scope.restricting_decisions)
        conditions.append(and_(table.c.unit_path == rollup_scope.unit_path, table.c.area == scope.area, which))
    return or_(*conditions) if conditions else false()


@dataclass(frozen=True)
class Tally:
    """Sums of the rollup for some scopes over some months: (area, figure, value) -> n; and for the trend the
    cases per (area, month) and per (unit, month)."""

    figures: dict[tuple[str, str, str], int]
    area_months: list[tuple[str, str, int]]
    unit_months: list[tuple[str, str, int]]


def _both(scopes: Sequence[RollupScope], month_from: str | None, month_to: str | None, *,
          only: Sequence[str] = (), exclude: Sequence[str] = ()) -> Any:
    """The counts and the deltas of these scopes and months as one derived table."""
    parts = []
    for model in (StatsRollup, StatsRollupDelta):
        table = model.__table__
        query: Select[Any] = select(table.c.area, table.c.month, table.c.figure, table.c.value, table.c.n).where(
            _visible(table, scopes))
        if month_from:
            query = query.where(table.c.month >= month_from)
        if month_to:
            query = query.where(table.c.month < month_to)
        if only:
            query = query.where(table.c.figure.in_(list(only)))
        if exclude:
            query = query.where(table.c.figure.not_in(list(exclude)))
        parts.append(query)
    return union_all(*parts).subquery()


def tally(session: Session, scopes: Sequence[RollupScope], month_from: str | None, month_to: str | None,
          trend_level: int | None) -> Tally:
    """Every figure summed over the months [month_from, month_to) (open tasks whatever the months); with a
    `trend_level` also the cases month by month per area and per unit at that depth (the trend)."""
    figures = _summed(session, _both(scopes, month_from, month_to, exclude=NOW_FIGURES))
    figures.update(_summed(session, _both(scopes, None, None, only=NOW_FIGURES)))
    if trend_level is None:
        return Tally(figures, [], [])
    return Tally(figures, _by_month(session, scopes, month_from, month_to, "case"),
                 _by_month(session, scopes, month_from, month_to, "unit", trend_level))


def _segment(session: Session, path: Any, index: int) -> Any:
    """The index-th unit id (from 1) of a path '/a/b/c/'; '' past its end."""
    if session.get_bind().dialect.name == "postgresql":
        return func.split_part(path, "/", index + 1)
    rest = func.substr(path, 2)
    for _ in range(index - 1):
        rest = func.substr(rest, func.instr(rest, "/") + 1)
    return func.substr(rest, 1, func.instr(rest, "/") - 1)


def _by_month(session: Session, scopes: Sequence[RollupScope], month_from: str | None, month_to: str | None,
              figure: str, level: int = 0) -> list[tuple[str, str, int]]:
    """(area, month, cases) for the case figure; for the unit figure (unit, month, cases) with each unit counted
    under its ancestor at depth `level` (itself if not that deep): a region's trend is its hospitals' few rows,
    not its hundreds of units' thousands."""
    rows = _both(scopes, month_from, month_to, only=(figure,))
    total = func.sum(rows.c.n)
    if figure == "case":
        key, source = rows.c.area, rows
    else:
        key = func.coalesce(func.nullif(_segment(session, Unit.path, level), ""), rows.c.value)
        source = rows.outerjoin(Unit, Unit.id == rows.c.value)
    return [(name, month, int(n)) for name, month, n in session.execute(
        select(key, rows.c.month, total).select_from(source).group_by(key, rows.c.month).having(total != 0)).all()]


def _summed(session: Session, both: Any) -> dict[tuple[str, str, str], int]:
    total = func.sum(both.c.n)
    return {(area, figure, value): int(n) for area, figure, value, n in session.execute(
        select(both.c.area, both.c.figure, both.c.value, total)
        .group_by(both.c.area, both.c.figure, both.c.value).having(total != 0)).all()}
