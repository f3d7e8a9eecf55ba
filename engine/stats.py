"""Statistics for quality work: where things happen, how bad, and whether anyone acts on them.

Counts are of area cases (one event handled in two areas counts once in each), only of the cases the caller
reads: engine/access.py turns the caller's grants into CaseScope rows and the store counts under them. No
statistic carries case data, so none is read-logged.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta, UTC
from typing import Any
from collections.abc import Callable, Iterable, Sequence

from engine import stats_figures
from engine.access import case_scopes, grants_of
from engine.cases import CASE_STATUS_LABELS
from engine.context import Context
from engine.errors import InvalidInput
from engine.events import resolve_unit_path
from engine.rules.lifecycle import STATUS_LABELS as ACTION_STATUS_LABELS
from engine.rules.lifecycle import TERMINAL_STATUSES
from engine.store import bindings as binding_store
from engine.store import org as org_store
from engine.store import stats as stats_store
from engine.store.stats import CaseFilter

__all__ = ["BUCKETS", "DIMENSIONS", "OVERDUE_LIST_LIMIT", "RISK_LEVELS", "risk_level", "statistics"]

BUCKETS = ("week", "month", "quarter", "year")
# What the caller may ask to be counted by; every one when none is named.
DIMENSIONS = ("area", "unit", "category", "event_type", "consequence_actual", "consequence_potential", "risk",
              "status", "trend")
OVERDUE_LIST_LIMIT = 100

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
    units = org_store.unit_names_and_paths(ctx.session)
    return {"area": areas, "event_type": event_types, "unit": {unit_id: name for unit_id, name, _ in units},
            "unit_path": {unit_id: path for unit_id, _, path in units}, "status": dict(CASE_STATUS_LABELS)}


def _rows(pairs: Iterable[tuple[Any, int]], labels: dict[Any, str] | None = None) -> list[dict[str, Any]]:
    """Count rows, largest first; a missing value is labelled as such."""
    merged: dict[Any, int] = {}
    for key, count in pairs:
        merged[key] = merged.get(key, 0) + int(count)
    rows = [{"key": key, "label": (labels or {}).get(key, str(key)) if key is not None else NO_VALUE,
             "count": count} for key, count in merged.items()]
    return sorted(rows, key=lambda r: (-r["count"], str(r["key"])))


def _below(top: str, unit_paths: dict[str, str]) -> Callable[[str], str]:
    """Unit id -> the unit directly below `top` it lies in (itself at or above that level; a unit outside `top`,
    where a case the caller reads happened before it moved inside, its ancestor at that level)."""
    level = top.count("/")  # '/' 1, '/a/' 2: the index of the segment below top, plus one
    kept: dict[str, str] = {}

    def below(unit_id: str) -> str:
        if unit_id not in kept:
            parts = unit_paths.get(unit_id, f"/{unit_id}/").strip("/").split("/")
            kept[unit_id] = parts[min(level, len(parts)) - 1]
        return kept[unit_id]
    return below


def _trend(rows: tuple[Iterable[tuple[str, str, int]], Iterable[tuple[str, str, int]]], bucket: str,
           labels: dict[str, dict[str, str]], top: str) -> dict[str, Any]:
    """The cases per period, per area and period and per unit directly below `top` and period, from (area or
    unit, first day of the period or month, count) rows. Below a region that is its hospitals, not its hundreds
    of units: the unit filter drills down."""
    labelled: dict[str, str] = {}  # a region's trend has thousands of rows but a few dozen periods

    def summed(keyed: Iterable[tuple[str, str, int]], key_of: Callable[[str], str]) -> dict[tuple[str, str], int]:
        sums: dict[tuple[str, str], int] = {}
        for key, start, count in keyed:
            day = str(start)[:10]
            period = labelled.get(day) or labelled.setdefault(day, period_label(date.fromisoformat(day), bucket))
            summed_key = (key_of(key), period)
            sums[summed_key] = sums.get(summed_key, 0) + int(count)
        return sums

    by_area = summed(rows[0], str)
    by_unit = summed(rows[1], _below(top, labels["unit_path"]))
    total: dict[str, int] = {}
    for (_, period), count in by_area.items():
        total[period] = total.get(period, 0) + count
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
    figures = stats_figures.figures(ctx, flt, wanted, bucket, now)
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
        result["trend"] = _trend(figures.trend, bucket, labels, stats_figures.top_path(flt))
    result["lead_times"] = {measure: {"cases": cases, "median_hours": _hours(median), "p90_hours": _hours(p90)}
                            for measure, (cases, median, p90) in figures.lead_times.items()}
    open_tasks, overdue_tasks = figures.open_tasks
    open_actions, overdue_actions = figures.open_actions
    result["tasks"] = {"open": open_tasks, "overdue": overdue_tasks}
    result["actions"] = {"open": open_actions, "overdue": overdue_actions,
                         "overdue_list": _overdue_list(ctx, flt, today)}
    result["legal_reports"] = _legal_reports(figures.decisions)
    return result
