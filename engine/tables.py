"""The event list and the statistics as tables with Swedish headings, for CSV and XLSX downloads.

The event list goes through the same access rule as every read (engine/access.py): one row per event and area
case the caller reads (the reporter's own event as one row without case data), protected values only where
the caller sees them, and each event whose protected values are in the file is in the read log. The list is
bounded (EXPORT_LIMIT rows of events); a longer one says so in its notes and in `truncated`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any
from collections.abc import Iterable
from zoneinfo import ZoneInfo

from engine.access import CaseAccess, EventAccess, access_for, grants_of, report_forms, visible_scopes
from engine.cases import CASE_STATUS_LABELS
from engine.context import Context
from engine.definitions.forms import MASKED, Form
from engine.events import resolve_unit_path
from engine.stats import CONSEQUENCE_LABELS, PROBABILITY_LABELS
from engine.store import audit as audit_store
from engine.store import events as event_store
from engine.store import org as org_store
from engine.plaindata import mapping_at

__all__ = ["Table", "Download", "EXPORT_LIMIT", "event_download", "stats_download"]

EXPORT_LIMIT = 10_000  # events per download; more than a spreadsheet is read for, and bounded memory
_PAGE = 500
EXPORT_PURPOSE = "export av händelselista"
SWEDEN = ZoneInfo("Europe/Stockholm")


@dataclass(frozen=True)
class Table:
    name: str  # the sheet's name (at most 31 characters)
    headers: list[str]
    rows: list[list[Any]]


@dataclass(frozen=True)
class Download:
    stem: str  # the file name without date and extension, in Swedish
    made_on: date  # the engine clock's day: the file name's date
    tables: list[Table]
    notes: list[tuple[str, str]] = field(default_factory=list)  # (what, value) shown first: filters, limits
    truncated: bool = False


def _protected_values(forms: Iterable[Form], data: Any) -> list[str]:
    """'path: value' of every protected value in data (found where the masked copy differs)."""
    masked = data
    for form in forms:
        masked = form.mask_protected(masked)
    found: list[str] = []

    def walk(original: Any, hidden: Any, path: str) -> None:
        if isinstance(original, dict) and isinstance(hidden, dict):
            for key in original:
                walk(original[key], hidden.get(key), f"{path}.{key}" if path else key)
        elif isinstance(original, list) and isinstance(hidden, list):
            for index, (a, b) in enumerate(zip(original, hidden)):
                walk(a, b, f"{path}[{index}]")
        elif hidden == MASKED and original != MASKED:
            found.append(f"{path}: {original}")

    walk(data, masked, "")
    return found


def _risk(data: dict[str, Any]) -> list[Any]:
    assessment = mapping_at(data, "riskbedomning")
    values: list[Any] = [assessment.get(k) for k in ("konsekvens_faktisk", "konsekvens_potentiell", "sannolikhet")]
    actual, potential, probability = values
    score = potential * probability if isinstance(potential, int) and isinstance(probability, int) else None
    return [CONSEQUENCE_LABELS.get(actual, actual), CONSEQUENCE_LABELS.get(potential, potential),
            PROBABILITY_LABELS.get(probability, probability), score]


EVENT_HEADERS = ["Nummer", "Rubrik", "Händelsetyp", "Inträffade", "Rapporterad", "Enhet", "Status", "Område",
                 "Ärendestatus", "Handläggande enhet", "Kategori", "Faktisk konsekvens", "Potentiell konsekvens",
                 "Sannolikhet", "Riskpoäng", "Avslutat", "Skyddade uppgifter"]


def _local(moment: datetime | None) -> datetime | None:
    """Swedish local time without zone: what Excel shows as a date and time."""
    return moment.astimezone(SWEDEN).replace(tzinfo=None) if moment is not None else None


def _event_rows(access: EventAccess, units: dict[str, str]) -> tuple[list[list[Any]], bool]:
    """The event's rows as this caller may see them, and whether a protected value is among them."""
    event = access.event
    report = access.report()
    head = [event.number, event.title, report.get("handelsetyp"), report.get("hande_tid"), _local(event.created_at),
            units.get(event.unit_id, event.unit_id), CASE_STATUS_LABELS.get(event.status, event.status)]
    if not access.handler:  # the reporter's own event: status, not the handling
        return [head + [None] * (len(EVENT_HEADERS) - len(head))], False
    report_values = _protected_values(report_forms(access.cases[0].release), report) if access.protected else []
    rows = []
    for case_access in access.readable:
        columns = _case_columns(case_access, units, report_values)
        rows.append(head + columns)
        report_values = []  # the report's own values on the event's first row only
    return rows, any(row[-1] and row[-1] != MASKED for row in rows)


def _case_columns(access: CaseAccess, units: dict[str, str], report_values: list[str]) -> list[Any]:
    """The area case's columns; the protected cell holds the values the caller sees, or MASKED where the case has
    some they may not see."""
    case = access.case
    data = access.data()
    values = _protected_values(access.forms(), data) + report_values
    hidden = not access.protected and bool(_protected_values(access.forms(), case.data))
    cell = "; ".join(values) if values else (MASKED if hidden else None)
    return [access.definition.area.name, CASE_STATUS_LABELS.get(case.status, case.status),
            units.get(case.unit_id, case.unit_id), data.get("kategori"), *_risk(data), _local(case.closed_at),
            cell]


def event_download(ctx: Context, actor_id: str, *, unit_id: str | None = None, area: str | None = None,
                   status: str | None = None, text: str | None = None) -> Download:
    """The events the caller may see (as GET /events lists them), newest first, at most EXPORT_LIMIT."""
    grants = grants_of(ctx, actor_id)
    unit_path = resolve_unit_path(ctx, unit_id)
    units = {u.id: u.name for u in org_store.all_units(ctx.session)}
    scopes = visible_scopes(ctx, grants)
    rows: list[list[Any]] = []
    events_in = 0
    truncated = False
    offset = 0
    while True:
        page, _ = event_store.list_events(ctx.session, visible=scopes, reporter_id=actor_id, unit_path=unit_path,
                                          area=area, status=status, text=text, limit=_PAGE, offset=offset)
        for event in page:
            access = access_for(ctx, event, actor_id, grants)
            if not (access.reporter or access.handler):
                continue
            if events_in == EXPORT_LIMIT:
                truncated = True
                break
            event_rows, protected = _event_rows(access, units)
            rows.extend(event_rows)
            events_in += 1
            if protected:
                audit_store.record_read(ctx.session, actor_id=actor_id, event=event, purpose=EXPORT_PURPOSE)
        if truncated or len(page) < _PAGE:
            break
        offset += _PAGE
    notes = [("Skapad", ctx.clock().astimezone(SWEDEN).strftime("%Y-%m-%d %H:%M")), ("Händelser", str(events_in))]
    notes += [(label, value) for label, value in (("Enhet", unit_id), ("Område", area), ("Status", status),
                                                  ("Sök", text)) if value]
    if truncated:
        notes.append(("Obs", f"Listan är avkortad till de {EXPORT_LIMIT:,} senaste händelserna. Avgränsa "
                             "urvalet med filter.".replace(",", " ")))
    return Download("avvikelser", ctx.clock().date(), [Table("Händelser", EVENT_HEADERS, rows)], notes, truncated)


def _count_table(name: str, heading: str, rows: list[dict[str, Any]]) -> Table:
    return Table(name, [heading, "Kod", "Antal"], [[r["label"], r["key"], r["count"]] for r in rows])


def stats_download(stats: dict[str, Any], made_on: date) -> Download:
    """The statistics answer as one table per figure."""
    counts = stats["counts"]
    tables: list[Table] = []
    for key, name, heading in (("area", "Per område", "Område"), ("unit", "Per enhet", "Enhet"),
                               ("category", "Per kategori", "Kategori"),
                               ("event_type", "Per händelsetyp", "Händelsetyp"),
                               ("consequence_actual", "Faktisk konsekvens", "Konsekvens"),
                               ("consequence_potential", "Potentiell konsekvens", "Konsekvens"),
                               ("risk_level", "Risknivå", "Risknivå"), ("status", "Per status", "Status")):
        if key in counts:
            tables.append(_count_table(name, heading, counts[key]))
    if "risk_matrix" in stats:
        tables.append(Table("Riskmatris", ["Konsekvens", "Sannolikhet", "Riskpoäng", "Antal"],
                            [[c["consequence_label"], c["probability_label"], c["score"], c["count"]]
                             for c in stats["risk_matrix"]]))
    if "trend" in stats:
        trend = stats["trend"]
        tables.append(Table("Trend", ["Period", "Antal"], [[p["period"], p["count"]] for p in trend["periods"]]))
        tables.append(Table("Trend per område", ["Område", "Period", "Antal"],
                            [[r["label"], r["period"], r["count"]] for r in trend["by_area"]]))
        tables.append(Table("Trend per enhet", ["Enhet", "Period", "Antal"],
                            [[r["label"], r["period"], r["count"]] for r in trend["by_unit"]]))
    lead = stats["lead_times"]
    tables.append(Table("Ledtider", ["Mått", "Ärenden", "Median (timmar)", "90:e percentil (timmar)"], [
        [label, lead[key]["cases"], lead[key]["median_hours"], lead[key]["p90_hours"]]
        for key, label in (("report_to_triage", "Rapport till första handläggningssteg (triage)"),
                           ("report_to_closed", "Rapport till avslut"))]))
    tables.append(Table("Öppet arbete", ["Vad", "Öppna", "Försenade"], [
        ["Uppgifter", stats["tasks"]["open"], stats["tasks"]["overdue"]],
        ["Åtgärder", stats["actions"]["open"], stats["actions"]["overdue"]]]))
    tables.append(Table("Försenade åtgärder", ["Åtgärd", "Ansvarig", "Slutdatum", "Dagar sen", "Status", "Händelser"],
                        [[a["title"], a["owner"], a["due_date"], a["days_overdue"], a["status_label"],
                          ", ".join(f"{e['number']} {e['title']}" for e in a["events"])]
                         for a in stats["actions"]["overdue_list"]]))
    tables.append(Table("Anmälningar", ["Anmälan", "Gjord", "Beslut att inte anmäla"],
                        [[r["label"], r["made"], r["not_made"]] for r in stats["legal_reports"]]))
    labels = {"unit": "Enhet", "area": "Område", "date_from": "Från", "date_to": "Till", "category": "Kategori",
              "event_type": "Händelsetyp", "status": "Status"}
    notes = [("Skapad", datetime.fromisoformat(stats["generated_at"]).astimezone(SWEDEN).strftime("%Y-%m-%d %H:%M")),
             ("Ärenden", str(stats["total"]["cases"])), ("Händelser", str(stats["total"]["events"]))]
    notes += [(labels.get(k, k), str(v)) for k, v in stats["filters"].items()]
    return Download("statistik", made_on, tables, notes)
