"""Import of Händelsevis history: legacy deviation reports become closed, read-only historical events.

The file is CSV (UTF-8, a header row, `;` or `,` between fields) or JSON (an array of objects, or one object per
line). A mapping file (YAML) names the file's columns and translates its units, categories and statuses:

    source: handelsevis                # prefix of the legacy id kept on each event ("handelsevis:<id>")
    columns:                           # the file's column for each field; id, registered, unit, category,
      id: LopNr                        #   status and title are required, the rest optional
      registered: Registrerad          # date or date-time of the report (YYYY-MM-DD[ HH:MM[:SS]])
      occurred: Handelsedatum
      closed: Avslutad
      unit: Enhet
      category: Kategori
      status: Status
      title: Rubrik
      description: Beskrivning
    units: {"KS Akuten": ks-akut}       # legacy unit -> avvik unit id
    categories:                         # legacy category -> area, the intake's handelsetyp, optional kategori
      "Läkemedel": {area: vard, handelsetyp: negativ_handelse, kategori: lakemedel}
    statuses: {"Avslutad": import, "Makulerad": skip}   # import (as a closed record) or skip

`dry_run` reads every row and reports, row by row, each value the mapping does not know and each field it cannot
read; nothing is written. Without it the import writes only when no row has a problem. Each row becomes an event
(numbered in its registration year) with one closed area case of the mapped area and no workflow; the legacy id
is unique, so a second run skips what the first imported. Imported events are read-only: reopening, renaming and
adding areas are refused (require_not_imported).
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
from dataclasses import dataclass, field
from datetime import datetime, UTC
from typing import Any
from collections.abc import Iterator

import yaml

from engine import facts
from engine.context import Context
from engine.entities import legal_entity_of
from engine.errors import Conflict, InvalidInput
from engine.store import audit as audit_store
from engine.store import imports as import_store
from engine.store.models import Event
from engine.rules.access import CaseStatus

__all__ = ["IMPORT_CHANNEL", "require_not_imported", "parse_mapping", "read_rows", "import_history"]

IMPORT_CHANNEL = "import"
REQUIRED = ("id", "registered", "unit", "category", "status", "title")
OPTIONAL = ("occurred", "closed", "description")
BATCH = 2000


def require_not_imported(event: Event) -> None:
    if event.legacy_id is not None:
        raise Conflict("Händelsen är importerad historik och kan inte ändras.")


@dataclass(frozen=True)
class Mapping:
    source: str
    columns: dict[str, str]
    units: dict[str, str]
    categories: dict[str, dict[str, Any]]
    statuses: dict[str, str]


def parse_mapping(data: bytes) -> Mapping:
    try:
        raw = yaml.safe_load(data)
    except yaml.YAMLError as exc:
        raise InvalidInput(f"Mappningsfilen kan inte läsas: {exc}.") from None
    errors = []
    if not isinstance(raw, dict):
        raise InvalidInput("Mappningsfilen ska ha nycklarna columns, units, categories och statuses.")
    columns = raw.get("columns") or {}
    errors += [{"path": f"columns/{k}", "message": "Kolumnen saknas i mappningen."}
               for k in REQUIRED if k not in columns]
    categories = raw.get("categories") or {}
    for name, target in categories.items():
        if not isinstance(target, dict) or not target.get("area"):
            errors.append({"path": f"categories/{name}", "message": "Ange minst area: för kategorin."})
    statuses = raw.get("statuses") or {}
    for name, action in statuses.items():
        if action not in ("import", "skip"):
            errors.append({"path": f"statuses/{name}", "message": "Värdet ska vara import eller skip."})
    if errors:
        raise InvalidInput("Mappningsfilen är inte komplett.", errors=errors)
    return Mapping(str(raw.get("source") or "handelsevis"), {str(k): str(v) for k, v in columns.items()},
                   {str(k): str(v) for k, v in (raw.get("units") or {}).items()},
                   {str(k): v for k, v in categories.items()}, {str(k): str(v) for k, v in statuses.items()})


def read_rows(data: bytes) -> Iterator[dict[str, Any]]:
    """The file's rows as dicts: JSON (array or lines) when it starts with [ or {, else CSV."""
    text = data.decode("utf-8-sig")
    stripped = text.lstrip()
    if stripped.startswith("["):
        yield from json.loads(stripped)
    elif stripped.startswith("{"):
        yield from (json.loads(line) for line in stripped.splitlines() if line.strip())
    else:
        first = text.split("\n", 1)[0]
        yield from csv.DictReader(io.StringIO(text), delimiter=";" if first.count(";") >= first.count(",") else ",")


def _moment(value: Any) -> datetime | None:
    if value in (None, ""):
        return None
    moment = datetime.fromisoformat(str(value).strip())  # YYYY-MM-DD[ HH:MM[:SS]]; ValueError otherwise
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


@dataclass
class _Plan:
    rows: int = 0
    imported: list[dict[str, Any]] = field(default_factory=list)
    skipped: int = 0
    existing: int = 0
    problems: list[dict[str, Any]] = field(default_factory=list)


def _plan(ctx: Context, mapping: Mapping, rows: Iterator[dict[str, Any]]) -> _Plan:
    units = import_store.units_by_id(ctx.session)
    _, release = ctx.current_release()
    known = import_store.legacy_ids(ctx.session, mapping.source)
    plan, seen = _Plan(), set()
    for number, row in enumerate(rows, start=1):
        plan.rows += 1
        found: list[dict[str, Any]] = []

        def problem(name: str, message: str) -> None:
            found.append({"row": number, "legacy_id": row.get(mapping.columns["id"]),
                          "field": mapping.columns.get(name, name),
                          "value": row.get(mapping.columns.get(name, "")), "message": message})

        value = {name: row.get(column) for name, column in mapping.columns.items()}
        for name in REQUIRED:
            if value.get(name) in (None, ""):
                problem(name, "Värdet saknas.")
        status = mapping.statuses.get(str(value.get("status")))
        if value.get("status") not in (None, "") and status is None:
            problem("status", f"Statusen '{value['status']}' saknas i mappningen (statuses:).")
        unit = units.get(mapping.units.get(str(value.get("unit")), ""))
        if value.get("unit") not in (None, "") and unit is None:
            problem("unit", f"Enheten '{value['unit']}' saknas i mappningen (units:) eller i organisationen.")
        category = mapping.categories.get(str(value.get("category")))
        if value.get("category") not in (None, "") and category is None:
            problem("category", f"Kategorin '{value['category']}' saknas i mappningen (categories:).")
        elif category is not None and category["area"] not in release.areas:
            problem("category", f"Området '{category['area']}' finns inte i den senaste releasen.")
        moments = {}
        for name in ("registered", "occurred", "closed"):
            try:
                moments[name] = _moment(value.get(name))
            except ValueError:
                problem(name, "Datumet kan inte läsas (ÅÅÅÅ-MM-DD eller ÅÅÅÅ-MM-DD TT:MM).")
        legacy_id = f"{mapping.source}:{value.get('id')}"
        if legacy_id in seen:
            problem("id", "Id:t förekommer mer än en gång i filen.")
        seen.add(legacy_id)
        if found:
            plan.problems.extend(found)
        elif status == "skip":
            plan.skipped += 1
        elif legacy_id in known:
            plan.existing += 1
        else:
            plan.imported.append({"legacy_id": legacy_id, "unit": unit, "category": category, "value": value,
                                  "moments": moments, "row": row})
    return plan


def _write(ctx: Context, plan: _Plan) -> None:
    record, _ = ctx.current_release()
    # each imported event takes a number of its legal entity's own series (docs/entities.md)
    by_series: dict[tuple[str, int], list[dict[str, Any]]] = {}
    for item in plan.imported:
        series = legal_entity_of(ctx, item["unit"].path).prefix
        by_series.setdefault((series, item["moments"]["registered"].year), []).append(item)
    for (series, year), items in sorted(by_series.items()):
        for item, sequence in zip(items, import_store.take_numbers(ctx.session, series, year, len(items))):
            item["number"] = f"{series}-{year}-{sequence:06d}"
    for start in range(0, len(plan.imported), BATCH):
        batch = plan.imported[start:start + BATCH]
        events = []
        for item in batch:
            value, category, moments = item["value"], item["category"], item["moments"]
            data = {"rubrik": str(value["title"])[:200], "beskrivning": str(value.get("description") or ""),
                    "handelsetyp": category.get("handelsetyp", "negativ_handelse"),
                    "hande_tid": (moments["occurred"] or moments["registered"]).isoformat(),
                    "importerad": {"kalla": item["legacy_id"], "rad": item["row"]}}
            events.append({"number": item["number"], "title": data["rubrik"], "kind": data["handelsetyp"],
                           "status": CaseStatus.CLOSED, "unit_id": item["unit"].id, "unit_path": item["unit"].path,
                           "reporter_id": None, "anonymous": False, "channel": IMPORT_CHANNEL, "data": data,
                           "has_patient_data": False, "created_at": moments["registered"],
                           "legacy_id": item["legacy_id"]})
        ids = import_store.insert_events(ctx.session, events)
        import_store.insert_cases(ctx.session, [
            {"event_id": ids[item["legacy_id"]], "area": item["category"]["area"], "release_id": record.id,
             "variant": "standard", "unit_id": item["unit"].id, "unit_path": item["unit"].path,
             "status": CaseStatus.CLOSED,
             "state": {}, "data": {k: v for k, v in item["category"].items() if k not in ("area", "handelsetyp")},
             "version": 1, "created_at": item["moments"]["registered"],
             "closed_at": item["moments"]["closed"] or item["moments"]["registered"]}
            for item in batch])
        facts.refresh(ctx, events=ids.values())


def import_history(ctx: Context, data: bytes, mapping_data: bytes, actor_id: str, dry_run: bool) -> dict[str, Any]:
    mapping = parse_mapping(mapping_data)
    try:
        plan = _plan(ctx, mapping, read_rows(data))
    except (ValueError, csv.Error, UnicodeDecodeError) as exc:
        raise InvalidInput(f"Filen kan inte läsas som CSV eller JSON: {exc}.") from None
    result = {"rows": plan.rows, "to_import": len(plan.imported), "already_imported": plan.existing,
              "skipped": plan.skipped, "problems": plan.problems, "dry_run": dry_run, "imported": 0}
    if dry_run or plan.problems or not plan.imported:
        return result
    _write(ctx, plan)
    audit_store.record_change(
        ctx.session, actor_id=actor_id, entity="import", entity_id=mapping.source, operation="import",
        after={"rows": plan.rows, "imported": len(plan.imported), "skipped": plan.skipped,
               "already_imported": plan.existing, "file_sha256": hashlib.sha256(data).hexdigest()},
    )
    result["imported"] = len(plan.imported)
    return result
