"""Documents prefilled from a case for an authority's e-service (IVO, Försäkringskassan, Kammarkollegiet).

None of these authorities publishes a system-to-system API for these reports (see docs/integrations.md): the
handler downloads the prefilled document (JSON or PDF), submits it in the authority's e-service, and records
the receipt (kvitto) in the case's decision form, and the authority's case number on the decision when it
arrives. The templates are data (processes/<area>/exports/), so the field list is corrected without a release
of the code.
"""

from __future__ import annotations

from typing import Any

from engine import pdf
from engine.access import CaseAccess, event_access
from engine.context import Context
from engine.definitions.exports import ExportTemplate, value_at
from engine.errors import NotFound, PermissionDenied
from engine.integrations import cfar
from engine.rules.inheritance import ancestry
from engine.store import audit as audit_store
from engine.store import org as org_store
from engine.store import records as records_store
from engine.store.models import Event, Unit

__all__ = ["export_document", "export_pdf", "available_exports"]


def _unit(unit: Unit | None) -> dict[str, Any] | None:
    return None if unit is None else {"id": unit.id, "name": unit.name, "kind": unit.kind, "cfar": unit.cfar}


def _sources(ctx: Context, event: Event, case_data: dict[str, Any], actor_id: str) -> dict[str, Any]:
    unit = org_store.get_unit(ctx.session, event.unit_id)
    assert unit is not None  # the foreign key guarantees it
    user = org_store.get_user(ctx.session, actor_id)
    return {
        "arende": case_data,
        "handelse": {"number": event.number, "title": event.title, "created_at": event.created_at.isoformat()},
        "enhet": _unit(unit),
        "arbetsstalle": _unit(cfar.workplace_of(ctx, unit)),
        "huvudman": _unit(org_store.get_unit(ctx.session, ancestry(unit.path)[0])),
        "bilagor": {"antal": records_store.attachment_count(ctx.session, event.id)},
        "upprattare": None if user is None else {"id": user.id, "name": user.name, "email": user.email},
    }


def _template(writer: CaseAccess, export_id: str) -> ExportTemplate:
    template = writer.definition.exports.get(export_id)
    if template is None:
        raise NotFound(f"Området har ingen export som heter '{export_id}'.")
    return template


def export_document(
    ctx: Context, number: str, area: str, export_id: str, actor_id: str, purpose: str = "export"
) -> dict[str, Any]:
    access = event_access(ctx, number, actor_id)
    writer = access.writer(area)
    if not writer.protected:  # the documents carry the identifiers the authority needs
        raise PermissionDenied("Exporten innehåller skyddade personuppgifter som din roll inte får se i området.")
    event = access.event
    template = _template(writer, export_id)
    sources = _sources(ctx, event, writer.case.data, actor_id)
    document, missing = template.fill(sources)
    absent = set(missing)
    fields = [{"target": f.target, "section": f.target.split(".")[0], "label": f.label,
               "value": value_at(document, f.target), "verified": f.verified, "missing": f.target in absent}
              for f in template.fields]
    # The document carries personal data (a personnummer): its creation is a read.
    audit_store.record_read(ctx.session, actor_id=actor_id, event=event, purpose=f"{purpose} {template.id}")
    return {
        "export": template.id,
        "area": area,
        "title": template.title,
        "authority": template.authority,
        "note": template.note,
        "event_number": event.number,
        "event_title": event.title,
        "generated_at": ctx.clock().isoformat(),
        "document": document,
        "fields": fields,
        "sections": [{"id": s, "title": template.section_title(s)}
                     for s in dict.fromkeys(f["section"] for f in fields)],
        "missing": missing,
        "attachments": sources["bilagor"]["antal"],  # the files stay in avvik; the authority may ask for them
    }


def export_pdf(ctx: Context, number: str, area: str, export_id: str, actor_id: str) -> bytes:
    doc = export_document(ctx, number, area, export_id, actor_id, purpose="PDF")
    labels = {f["target"]: f["label"] for f in doc["fields"]}
    sections = [{"title": s["title"], "fields": [f for f in doc["fields"] if f["section"] == s["id"]]}
                for s in doc["sections"]]
    return pdf.render_pdf("export.html", {**doc, "sections": sections,
                                          "missing_labels": [labels[t] for t in doc["missing"]]})


def available_exports(ctx: Context, number: str, actor_id: str) -> list[dict[str, Any]]:
    """The export templates of the areas the actor may write and see protected fields in, each with what is
    missing from the case (no values: this list is not a read of patient data)."""
    access = event_access(ctx, number, actor_id)
    access.require_handler()
    result = []
    for case in access.readable:
        if not (case.write and case.protected):
            continue
        for template in case.definition.exports.values():
            _, missing = template.fill(_sources(ctx, access.event, case.case.data, actor_id))
            labels = {f.target: f.label for f in template.fields}
            result.append({"area": case.case.area, "area_name": case.definition.area.name, "export": template.id,
                           "title": template.title, "authority": template.authority,
                           "missing": [{"field": t, "label": labels[t]} for t in missing]})
    return result

