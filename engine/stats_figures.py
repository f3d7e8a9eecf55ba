"""Where the statistics' figures come from: the rollup (engine/store/rollup.py) when it counts exactly what the
facts would, for the region- and hospital-wide questions that would otherwise scan a million facts; the facts
(engine/store/stats.py) for everything else. Both give the same Figures, which engine/stats.py turns into the
answer; tests/stats/test_rollup.py holds them equal caller by caller."""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date, datetime, time, UTC
from typing import Any
from collections.abc import Sequence

from engine.context import Context
from engine.rules.access import CaseScope, covers
from engine.rules.lifecycle import TERMINAL_STATUSES
from engine.store import rollup
from engine.store import stats as stats_store
from engine.store.stats import CaseFilter

__all__ = ["Figures", "figures", "compact", "histogram_percentile", "percentile", "rollup_scopes", "top_path"]

LEAD_MEASURES = ("report_to_triage", "report_to_closed")
# Lead times of up to this many cases are computed exactly even where the rollup answers; above it from the
# rollup's 2 % buckets (engine/store/rollup.py), within 1 % of the exact figure.
EXACT_LEAD_TIMES_UP_TO = 20_000
# figure -> the columns of engine/store/stats.py it is counted by
FIGURE_COLUMNS: dict[str, tuple[str, ...]] = {
    "area": ("area",), "unit": ("unit",), "category": ("category",), "event_type": ("event_type",),
    "consequence_actual": ("consequence_actual",), "consequence_potential": ("consequence_potential",),
    "risk": ("consequence_potential", "probability"), "status": ("status",),
}


def percentile(sorted_values: Sequence[float], fraction: float) -> float | None:
    """Linear interpolation between closest ranks: the same as PostgreSQL's percentile_cont."""
    if not sorted_values:
        return None
    position = fraction * (len(sorted_values) - 1)
    low, high = math.floor(position), math.ceil(position)
    return sorted_values[low] + (sorted_values[high] - sorted_values[low]) * (position - low)


def top_path(flt: CaseFilter) -> str:
    """The unit the answer is about: the deepest unit above every unit the caller reads in the filter's area ('/'
    when they share none), or the unit filter where it lies below that."""
    paths = [scope.unit_path.strip("/").split("/") for scope in flt.scopes if flt.area in (None, scope.area)]
    common: list[str] = []
    for parts in zip(*paths) if paths else ():
        if len(set(parts)) > 1:
            break
        common.append(parts[0])
    read = "/" + "".join(f"{part}/" for part in common)
    if flt.unit_path is None or covers(flt.unit_path, read):
        return read  # no unit filter, or the caller reads only below it
    return flt.unit_path


def figures(ctx: Context, flt: CaseFilter, wanted: set[str], bucket: str, now: datetime) -> Figures:
    """The figures of the filter's cases, from the rollup where it answers exactly."""
    scopes = rollup_scopes(flt, bucket if "trend" in wanted else None)
    return from_facts(ctx, flt, wanted, bucket, now) if scopes is None else from_rollup(ctx, flt, scopes, wanted, now)


@dataclass
class Figures:
    """What the answer is assembled from, read from the rollup or counted from the facts."""

    cases: int
    events: int
    pairs: dict[str, list[tuple[Any, ...]]]  # figure -> (value..., count) rows, summed by _rows / _risk
    # the trend: (area, first day of the period, count) and (unit, first day of the period, count); the units may
    # already be those directly below the top (engine/stats.py groups them so in any case)
    trend: tuple[list[tuple[str, str, int]], list[tuple[str, str, int]]]
    lead_times: dict[str, tuple[int, float | None, float | None]]  # measure -> (cases, median s, p90 s)
    open_tasks: tuple[int, int]  # (open, of which overdue)
    open_actions: tuple[int, int]  # (open, of which overdue)
    decisions: list[tuple[str, str, int]]  # (kind, value, count)


def from_facts(ctx: Context, flt: CaseFilter, wanted: set[str], bucket: str, now: datetime) -> Figures:
    cases, events = stats_store.visible_case_count(ctx.session, flt)
    # Every count comes from one GROUP BY over the columns the wanted figures need, summed per figure.
    needs = {dimension: columns for dimension, columns in FIGURE_COLUMNS.items() if dimension in wanted}
    columns = sorted({column for needed in needs.values() for column in needed}, key=stats_store.COLUMNS.index)
    rows = stats_store.counts(ctx.session, flt, columns) if columns else []

    def project(names: tuple[str, ...]) -> list[tuple[Any, ...]]:
        positions = [columns.index(name) for name in names]
        return [tuple(row[i] for i in positions) + (row[-1],) for row in rows]

    trend: tuple[list[tuple[str, str, int]], list[tuple[str, str, int]]] = ([], [])
    if "trend" in wanted:
        periods = stats_store.counts(ctx.session, flt, ("area", "unit", "period"), bucket)
        trend = ([(area, str(start), count) for area, _, start, count in periods],
                 [(unit, str(start), count) for _, unit, start, count in periods])
    return Figures(cases, events, {dimension: project(names) for dimension, names in needs.items()}, trend,
                    {measure: _exact_lead_time(ctx, flt, measure) for measure in LEAD_MEASURES},
                    stats_store.open_tasks(ctx.session, flt, now),
                    stats_store.open_actions(ctx.session, flt, now.date(), sorted(TERMINAL_STATUSES)),
                    stats_store.decisions(ctx.session, flt))


def _exact_lead_time(ctx: Context, flt: CaseFilter, measure: str) -> tuple[int, float | None, float | None]:
    if ctx.session.get_bind().dialect.name == "postgresql":
        return stats_store.percentiles(ctx.session, flt, measure)
    values = stats_store.durations(ctx.session, flt, measure)  # SQLite has no percentile_cont
    return len(values), percentile(values, 0.5), percentile(values, 0.9)


def histogram_percentile(buckets: dict[int, int], fraction: float) -> float | None:
    """percentile_cont from rollup.lead_bucket counts: the values of a bucket taken as spread evenly over it."""
    total = sum(buckets.values())
    if not total:
        return None
    position = fraction * (total - 1)
    ordered = sorted(buckets.items())

    def value_at(rank: int) -> float:
        seen = 0
        for bucket, count in ordered:
            if rank < seen + count:
                low, high = rollup.bucket_bounds(bucket)
                return low + (high - low) * (rank - seen + 0.5) / count
            seen += count
        raise AssertionError("rank beyond the counted values")

    low_rank, high_rank = math.floor(position), math.ceil(position)
    low = value_at(low_rank)
    return low + (value_at(high_rank) - low) * (position - low_rank)


def from_rollup(ctx: Context, flt: CaseFilter, scopes: list[rollup.RollupScope], wanted: set[str],
                 now: datetime) -> Figures:
    month_from = rollup.month_of(flt.created_from) if flt.created_from else None
    month_to = rollup.month_of(flt.created_to) if flt.created_to else None
    trend_level = top_path(flt).count("/") if "trend" in wanted else None  # the units below the top
    tally = rollup.tally(ctx.session, scopes, month_from, month_to, trend_level)

    by_figure: dict[str, dict[str, int]] = {}  # figure -> value -> count, the areas summed
    for (_, name, value), count in tally.figures.items():
        values = by_figure.setdefault(name, {})
        values[value] = values.get(value, 0) + count

    def summed(figure: str) -> dict[str, int]:
        return by_figure.get(figure, {})

    def number(text: str) -> int | None:
        return int(text) if text else None

    cases = sum(summed("case").values())
    events = sum(summed("solo").values()) + stats_store.shared_event_count(ctx.session, flt)
    area_counts = [(area, count) for (area, name, _), count in tally.figures.items() if name == "case"]
    plain = {"unit": None, "category": None, "event_type": None, "status": None,
             "consequence_actual": number, "consequence_potential": number}
    pairs: dict[str, list[tuple[Any, ...]]] = {"area": area_counts}
    for figure, convert in plain.items():
        pairs[figure] = [((convert(value) if convert else value or None), count)
                         for value, count in summed(figure).items()]
    pairs["risk"] = [(number(value.split(":")[0]), number(value.split(":")[1]), count)
                     for value, count in summed("risk").items()]
    trend = ([(area, f"{month}-01", count) for area, month, count in tally.area_months],
             [(unit, f"{month}-01", count) for unit, month, count in tally.unit_months])
    lead_times = {}
    for measure in LEAD_MEASURES:
        buckets = {int(value): count for value, count in summed(measure).items()}
        if sum(buckets.values()) <= EXACT_LEAD_TIMES_UP_TO:  # few cases: exact, and cheap to count
            lead_times[measure] = _exact_lead_time(ctx, flt, measure)
        else:
            lead_times[measure] = (sum(buckets.values()), histogram_percentile(buckets, 0.5),
                                   histogram_percentile(buckets, 0.9))
    decisions = [(made.split(":")[0], "ja" if made.endswith(":1") else "nej", count)
                 for made, count in summed("decision").items()]
    return Figures(cases, events, {d: rows for d, rows in pairs.items() if d in wanted}, trend, lead_times,
                    _open_tasks(ctx, flt, summed("open_due"), now),
                    _open_actions(ctx, flt, summed("open_action"), now.date()), decisions)


def _open_actions(ctx: Context, flt: CaseFilter, solo_due: dict[str, int], today: date) -> tuple[int, int]:
    """(open, overdue): the rollup's actions on one case only, and those on several cases counted once by id."""
    shared = stats_store.shared_open_actions(ctx.session, flt)
    due = [*((day, count) for day, count in solo_due.items()), *((day, 1) for day in shared.values())]
    return sum(count for _, count in due), sum(count for day, count in due if day != "-" and day < today.isoformat())


def _open_tasks(ctx: Context, flt: CaseFilter, due_hours: dict[str, int], now: datetime) -> tuple[int, int]:
    """(open, overdue) from the rollup's due hours: overdue are those due in an hour already over, and of the ones
    due this hour those due before now (counted from the tasks: a few)."""
    hour = int(now.timestamp() // 3600)
    overdue = sum(count for due, count in due_hours.items() if due != "-" and int(due) < hour)
    this_hour = datetime.fromtimestamp(hour * 3600, UTC)
    return sum(due_hours.values()), overdue + stats_store.open_tasks_due(ctx.session, flt, this_hour, now)


def _month_start(moment: datetime | None) -> bool:
    return moment is None or (moment.day == 1 and moment.time() == time.min)


def rollup_scopes(flt: CaseFilter, bucket: str | None) -> list[rollup.RollupScope] | None:
    """The filter as rollup rows when they count exactly what the facts would, else None: whole months, no
    category, event type or status filter, a trend by month or longer (`bucket`, None without a trend), and per
    area one scope at depth ≤ ROLLUP_DEPTH after dropping the scopes that one above them covers (two disjoint
    scopes would count a case that happened under one and is handled under the other twice)."""
    if flt.category or flt.event_type or flt.status or bucket == "week":
        return None
    if not (_month_start(flt.created_from) and _month_start(flt.created_to)):
        return None
    by_area: dict[str, list[CaseScope]] = {}
    for scope in flt.scopes:
        if flt.area is None or scope.area == flt.area:
            by_area.setdefault(scope.area, []).append(scope)
    chosen = []
    for scopes in by_area.values():
        kept = [s for s in scopes if not any(_covered_by(s, other) for other in scopes if other is not s)]
        # (case_scopes merges scopes per path, so two never cover each other; if they did, none is kept: no rollup)
        if len(kept) != 1:
            return None
        path = kept[0].unit_path
        if flt.unit_path and covers(path, flt.unit_path):
            path = flt.unit_path
        elif flt.unit_path and not covers(flt.unit_path, path):
            return None  # disjoint: a case that happened under one and is handled under the other still counts
        if rollup.depth(path) > rollup.ROLLUP_DEPTH:
            return None
        chosen.append(rollup.RollupScope(path, kept[0]))
    return chosen


def _covered_by(scope: CaseScope, other: CaseScope) -> bool:
    """`other` reads every case `scope` reads: above it (or at it), with at least its kinds of cases."""
    return (covers(other.unit_path, scope.unit_path) and (other.ordinary or not scope.ordinary)
            and (other.restricted or not scope.restricted)
            and other.restricting_decisions == scope.restricting_decisions)


def compact(ctx: Context) -> int:
    """Fold the rollup's deltas into its counts; how many were folded."""
    return rollup.compact(ctx.session)
