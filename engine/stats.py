"""Statistics for quality work: where things happen, how bad, and whether anyone acts on them.

Counts are of area cases (one event handled in two areas counts once in each), only of the cases the caller
reads: engine/access.py turns the caller's grants into CaseScope rows and the store counts under them. No
statistic carries case data, so none is read-logged.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, UTC
from typing import Any
from collections.abc import Iterable, Sequence

from engine.access import case_scopes, grants_of
from engine.rules.access import CaseScope, covers
from engine.cases import CASE_STATUS_LABELS
from engine.context import Context
from engine.errors import InvalidInput
from engine.events import resolve_unit_path
from engine.rules.lifecycle import STATUS_LABELS as ACTION_STATUS_LABELS
from engine.rules.lifecycle import TERMINAL_STATUSES
from engine.store import bindings as binding_store
from engine.store import org as org_store
from engine.store import rollup
from engine.store import stats as stats_store
from engine.store.stats import CaseFilter

__all__ = ["BUCKETS", "DIMENSIONS", "compact", "histogram_percentile", "rollup_scopes", "OVERDUE_LIST_LIMIT",
           "RISK_LEVELS", "risk_level", "statistics"]

BUCKETS = ("week", "month", "quarter", "year")
# What the caller may ask to be counted by; every one when none is named.
DIMENSIONS = ("area", "unit", "category", "event_type", "consequence_actual", "consequence_potential", "risk",
              "status", "trend")
OVERDUE_LIST_LIMIT = 100
LEAD_MEASURES = ("report_to_triage", "report_to_closed")
# Lead times of up to this many cases are computed exactly even where the rollup answers; above it from the
# rollup's 2 % buckets (engine/store/rollup.py), within 1 % of the exact figure.
EXACT_LEAD_TIMES_UP_TO = 20_000

# Riskpoäng = potentiell konsekvens × sannolikhet (1–16), the SKR matrix's colour bands (domain brief 3.2).
RISK_LEVELS = (("lag", "Låg", 1, 3), ("mattlig", "Måttlig", 4, 6), ("hog", "Hög", 8, 9),
               ("mycket_hog", "Mycket hög", 12, 16))
CONSEQUENCE_LABELS = {1: "Mindre", 2: "Måttlig", 3: "Betydande", 4: "Katastrofal"}
PROBABILITY_LABELS = {1: "Mycket liten", 2: "Liten", 3: "Stor", 4: "Mycket stor"}
LEGAL_REPORTS = {  # decision kind -> the authority the report goes to
    "lex_maria": "Lex Maria (IVO)",
    "lex_sarah": "Lex Sarah (IVO)",
    "av_anmalan": "Arbetsmiljöverket",
    "fk_arbetsskada": "Försäkringskassan",
    "kammarkollegiet": "Kammarkollegiet",
    "tillsynsmyndighet_driftstorning": "Tillsynsmyndighet (driftstörning)",
    "tillsynsmyndighet_fororening": "Tillsynsmyndighet (förorening)",
}
NO_VALUE = "Ej ifyllt"
# figure -> the columns of engine/store/stats.py it is counted by
FIGURE_COLUMNS: dict[str, tuple[str, ...]] = {
    "area": ("area",), "unit": ("unit",), "category": ("category",), "event_type": ("event_type",),
    "consequence_actual": ("consequence_actual",), "consequence_potential": ("consequence_potential",),
    "risk": ("consequence_potential", "probability"), "status": ("status",),
}


def risk_level(consequence: int | None, probability: int | None) -> str | None:
    if consequence is None or probability is None:
        return None
    score = consequence * probability
    return next((key for key, _, low, high in RISK_LEVELS if low <= score <= high), None)


def _period_start(day: date, bucket: str) -> date:
    if bucket == "week":
        return day - timedelta(days=day.weekday())
    if bucket == "month":
        return day.replace(day=1)
    if bucket == "quarter":
        return day.replace(month=(day.month - 1) // 3 * 3 + 1, day=1)
    return day.replace(month=1, day=1)


def period_label(day: date, bucket: str) -> str:
    """ISO week 2026-W48, month 2026-11, quarter 2026-K4, year 2026."""
    start = _period_start(day, bucket)
    if bucket == "week":
        year, week, _ = start.isocalendar()
        return f"{year}-V{week:02d}"
    if bucket == "month":
        return f"{start.year}-{start.month:02d}"
    if bucket == "quarter":
        return f"{start.year}-K{(start.month - 1) // 3 + 1}"
    return str(start.year)


def _percentile(sorted_values: Sequence[float], fraction: float) -> float | None:
    """Linear interpolation between closest ranks: the same as PostgreSQL's percentile_cont."""
    if not sorted_values:
        return None
    position = fraction * (len(sorted_values) - 1)
    low, high = math.floor(position), math.ceil(position)
    return sorted_values[low] + (sorted_values[high] - sorted_values[low]) * (position - low)


def _hours(seconds: float | None) -> float | None:
    return round(seconds / 3600, 1) if seconds is not None else None


def _labels(ctx: Context) -> dict[str, dict[str, str]]:
    """Swedish names of areas, event types and case statuses from the active releases."""
    areas: dict[str, str] = {}
    event_types: dict[str, str] = {}
    for release_id in binding_store.active_release_ids(ctx.session):
        _, release = ctx.release_by_id(release_id)
        for definition in release.variants.values():
            areas.setdefault(definition.area.id, definition.area.name)
        intake = release.forms.get(release.intake.form).schema
        for choice in ((intake.get("properties") or {}).get("handelsetyp") or {}).get("oneOf") or []:
            event_types.setdefault(choice["const"], choice.get("title", choice["const"]))
    units = {u.id: u.name for u in org_store.all_units(ctx.session)}
    return {"area": areas, "event_type": event_types, "unit": units,
            "status": dict(CASE_STATUS_LABELS)}


def _rows(pairs: Iterable[tuple[Any, int]], labels: dict[Any, str] | None = None) -> list[dict[str, Any]]:
    """Count rows, largest first; a missing value is labelled as such."""
    merged: dict[Any, int] = {}
    for key, count in pairs:
        merged[key] = merged.get(key, 0) + int(count)
    rows = [{"key": key, "label": (labels or {}).get(key, str(key)) if key is not None else NO_VALUE,
             "count": count} for key, count in merged.items()]
    return sorted(rows, key=lambda r: (-r["count"], str(r["key"])))


def _trend(rows: Iterable[tuple[str, str, str, int]], bucket: str, labels: dict[str, dict[str, str]]) -> dict[str, Any]:
    total: dict[str, int] = {}
    by_area: dict[tuple[str, str], int] = {}
    by_unit: dict[tuple[str, str], int] = {}
    for area, unit, start, count in rows:
        period = period_label(date.fromisoformat(str(start)[:10]), bucket)
        total[period] = total.get(period, 0) + int(count)
        by_area[(area, period)] = by_area.get((area, period), 0) + int(count)
        by_unit[(unit, period)] = by_unit.get((unit, period), 0) + int(count)
    return {
        "bucket": bucket,
        "periods": [{"period": p, "count": c} for p, c in sorted(total.items())],
        "by_area": [{"key": a, "label": labels["area"].get(a, a), "period": p, "count": c}
                    for (a, p), c in sorted(by_area.items())],
        "by_unit": [{"key": u, "label": labels["unit"].get(u, u), "period": p, "count": c}
                    for (u, p), c in sorted(by_unit.items())],
    }


def _risk(cells: Iterable[tuple[Any, Any, int]]) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    merged: dict[tuple[Any, Any], int] = {}
    for c, p, n in cells:
        merged[(c, p)] = merged.get((c, p), 0) + int(n)
    matrix = [{"consequence": c, "consequence_label": CONSEQUENCE_LABELS.get(c, str(c)),
               "probability": p, "probability_label": PROBABILITY_LABELS.get(p, str(p)),
               "score": c * p, "level": risk_level(c, p), "count": n}
              for (c, p), n in merged.items() if c is not None and p is not None]
    matrix.sort(key=lambda cell: (-cell["consequence"], cell["probability"]))
    names = {key: f"{name} ({low}–{high})" for key, name, low, high in RISK_LEVELS}
    levels = _rows(((risk_level(c, p), n) for (c, p), n in merged.items()), names)
    return matrix, levels


def _overdue_list(ctx: Context, flt: CaseFilter, today: date) -> list[dict[str, Any]]:
    return [{
        "id": action.id,
        "title": action.title,
        "owner": action.owner_id,
        "due_date": action.due_date.isoformat() if action.due_date else None,
        "days_overdue": (today - action.due_date).days if action.due_date else None,
        "status": action.status,
        "status_label": ACTION_STATUS_LABELS.get(action.status, action.status),
        "events": [{"number": number, "title": title} for number, title in events],
    } for action, events in stats_store.overdue_actions(ctx.session, flt, today, sorted(TERMINAL_STATUSES),
                                                        OVERDUE_LIST_LIMIT)]


def _legal_reports(rows: Iterable[tuple[str, str, int]]) -> list[dict[str, Any]]:
    result: dict[str, dict[str, Any]] = {kind: {"kind": kind, "label": label, "made": 0, "not_made": 0}
                                         for kind, label in LEGAL_REPORTS.items()}
    for kind, value, count in rows:
        if kind in result:
            result[kind]["made" if value == "ja" else "not_made"] += int(count)
    return list(result.values())


def _bound(day: date | None) -> datetime | None:
    return datetime.combine(day, time.min, tzinfo=UTC) if day is not None else None


def _day_after(day: date | None) -> date | None:
    """The exclusive end of an inclusive last day; none after the last representable day."""
    return day + timedelta(days=1) if day is not None and day < date.max else None


def case_filter(ctx: Context, actor_id: str, *, unit_id: str | None = None, area: str | None = None,
                date_from: date | None = None, date_to: date | None = None, category: str | None = None,
                event_type: str | None = None, status: str | None = None) -> CaseFilter:
    """The caller's visibility narrowed by the query; `date_to` is inclusive (the whole day)."""
    unit_path = resolve_unit_path(ctx, unit_id)
    if date_from and date_to and date_to < date_from:
        raise InvalidInput("Slutdatum före startdatum.",
                           errors=[{"path": "to", "message": "Slutdatum kan inte vara före startdatum."}])
    return CaseFilter(
        scopes=case_scopes(ctx, grants_of(ctx, actor_id)),
        unit_path=unit_path, area=area, category=category, event_type=event_type, status=status,
        created_from=_bound(date_from), created_to=_bound(_day_after(date_to)),
    )


@dataclass
class _Figures:
    """What the answer is assembled from, read from the rollup or counted from the facts."""

    cases: int
    events: int
    pairs: dict[str, list[tuple[Any, ...]]]  # figure -> (value..., count) rows, summed by _rows / _risk
    trend_rows: list[tuple[str, str, str, int]]  # (area, unit, first day of the period, count)
    lead_times: dict[str, tuple[int, float | None, float | None]]  # measure -> (cases, median s, p90 s)
    open_tasks: tuple[int, int]  # (open, of which overdue)
    decisions: list[tuple[str, str, int]]  # (kind, value, count)


def _from_facts(ctx: Context, flt: CaseFilter, wanted: set[str], bucket: str, now: datetime) -> _Figures:
    cases, events = stats_store.visible_case_count(ctx.session, flt)
    # Every count comes from one GROUP BY over the columns the wanted figures need, summed per figure.
    needs = {dimension: columns for dimension, columns in FIGURE_COLUMNS.items() if dimension in wanted}
    columns = sorted({column for needed in needs.values() for column in needed}, key=stats_store.COLUMNS.index)
    rows = stats_store.counts(ctx.session, flt, columns) if columns else []

    def project(names: tuple[str, ...]) -> list[tuple[Any, ...]]:
        positions = [columns.index(name) for name in names]
        return [tuple(row[i] for i in positions) + (row[-1],) for row in rows]

    trend = ([tuple(row) for row in stats_store.counts(ctx.session, flt, ("area", "unit", "period"), bucket)]
             if "trend" in wanted else [])
    return _Figures(cases, events, {dimension: project(names) for dimension, names in needs.items()}, trend,
                    {measure: _exact_lead_time(ctx, flt, measure) for measure in LEAD_MEASURES},
                    stats_store.open_tasks(ctx.session, flt, now), stats_store.decisions(ctx.session, flt))


def _exact_lead_time(ctx: Context, flt: CaseFilter, measure: str) -> tuple[int, float | None, float | None]:
    if ctx.session.get_bind().dialect.name == "postgresql":
        return stats_store.percentiles(ctx.session, flt, measure)
    values = stats_store.durations(ctx.session, flt, measure)  # SQLite has no percentile_cont
    return len(values), _percentile(values, 0.5), _percentile(values, 0.9)


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


def _from_rollup(ctx: Context, flt: CaseFilter, scopes: list[rollup.RollupScope], wanted: set[str],
                 now: datetime) -> _Figures:
    month_from = flt.created_from.strftime("%Y-%m") if flt.created_from else None
    month_to = flt.created_to.strftime("%Y-%m") if flt.created_to else None
    tally = rollup.tally(ctx.session, scopes, month_from, month_to, monthly="trend" in wanted)

    def summed(figure: str) -> dict[str, int]:
        sums: dict[str, int] = {}
        for (_, name, value), count in tally.figures.items():
            if name == figure:
                sums[value] = sums.get(value, 0) + count
        return sums

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
    trend = [(area, value, f"{month}-01", count) for (area, name, value, month), count in tally.monthly.items()
             if name == "unit"]
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
    return _Figures(cases, events, {d: rows for d, rows in pairs.items() if d in wanted}, trend, lead_times,
                    _open_tasks(ctx, flt, summed("open_due"), now), decisions)


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


def statistics(ctx: Context, actor_id: str, *, bucket: str = "month", dimensions: Sequence[str] | None = None,
               **filters: Any) -> dict[str, Any]:
    """The counts, trends, lead times, open work and legal reports of the cases the caller reads."""
    unknown = sorted(set(dimensions or ()) - set(DIMENSIONS))
    if unknown:
        message = f"Okänd dimension: {', '.join(unknown)}. Välj bland {', '.join(DIMENSIONS)}."
        raise InvalidInput(message, errors=[{"path": "dimensions", "message": message}])
    flt = case_filter(ctx, actor_id, **filters)
    wanted = set(dimensions or DIMENSIONS)
    labels = _labels(ctx)
    now = ctx.clock()
    today = now.date()
    scopes = rollup_scopes(flt, bucket if "trend" in wanted else None)
    figures = (_from_facts(ctx, flt, wanted, bucket, now) if scopes is None
               else _from_rollup(ctx, flt, scopes, wanted, now))
    result: dict[str, Any] = {
        "generated_at": now.isoformat(),
        "filters": {key: (value.isoformat() if isinstance(value, date) else value)
                    for key, value in filters.items() if value is not None},
        "total": {"cases": figures.cases, "events": figures.events},
        "counts": {},
    }
    label_sets: dict[str, dict[Any, str]]
    label_sets = {"area": labels["area"], "unit": labels["unit"], "event_type": labels["event_type"],
                  "status": labels["status"], "consequence_actual": CONSEQUENCE_LABELS,
                  "consequence_potential": CONSEQUENCE_LABELS}
    for dimension, rows in figures.pairs.items():
        if dimension == "risk":
            result["risk_matrix"], result["counts"]["risk_level"] = _risk(rows)
        else:
            result["counts"][dimension] = _rows(rows, label_sets.get(dimension))
    if "trend" in wanted:
        result["trend"] = _trend(figures.trend_rows, bucket, labels)
    result["lead_times"] = {measure: {"cases": cases, "median_hours": _hours(median), "p90_hours": _hours(p90)}
                            for measure, (cases, median, p90) in figures.lead_times.items()}
    open_tasks, overdue_tasks = figures.open_tasks
    open_actions, overdue_actions = stats_store.open_actions(ctx.session, flt, today, sorted(TERMINAL_STATUSES))
    result["tasks"] = {"open": open_tasks, "overdue": overdue_tasks}
    result["actions"] = {"open": open_actions, "overdue": overdue_actions,
                         "overdue_list": _overdue_list(ctx, flt, today)}
    result["legal_reports"] = _legal_reports(figures.decisions)
    return result
