"""Documents prefilled from a case for an authority's e-service.

Försäkringskassan, Arbetsmiljöverket and Kammarkollegiet publish no system-to-system API for these reports
(see docs/integrations.md): the handler downloads the prefilled document, submits it in the authority's
e-service, and records the receipt (kvitto) in the case's decision form. The templates are data
(processes/<area>/exports/), so the field list is corrected without a release of the code.
"""

from __future__ import annotations

from typing import Any

from engine.access import event_access
from engine.context import Context
from engine.errors import NotFound, PermissionDenied
from engine.integrations import cfar
from engine.rules.inheritance import ancestry
from engine.store import audit as audit_store
from engine.store import org as org_store
from engine.store import records as records_store
from engine.store.models import Unit

__all__ = ["export_document"]


def _unit(unit: Unit | None) -> dict[str, Any] | None:
    return None if unit is None else {"id": unit.id, "name": unit.name, "kind": unit.kind, "cfar": unit.cfar}


def export_document(ctx: Context, number: str, area: str, export_id: str, actor_id: str) -> dict[str, Any]:
    access = event_access(ctx, number, actor_id)
    writer = access.writer(area)
    if not writer.protected:  # the documents carry the identifiers the authority needs
        raise PermissionDenied("Exporten innehåller skyddade personuppgifter som din roll inte får se i området.")
    event, case, definition = access.event, writer.case, writer.definition
    template = definition.exports.get(export_id)
    if template is None:
        raise NotFound(f"Området har ingen export som heter '{export_id}'.")
    unit = org_store.get_unit(ctx.session, event.unit_id)
    assert unit is not None  # the foreign key guarantees it
    sources = {
        "arende": case.data,
        "handelse": {"number": event.number, "title": event.title, "created_at": event.created_at.isoformat()},
        "enhet": _unit(unit),
        "arbetsstalle": _unit(cfar.workplace_of(ctx, unit)),
        "huvudman": _unit(org_store.get_unit(ctx.session, ancestry(unit.path)[0])),
        "bilagor": {"antal": records_store.attachment_count(ctx.session, event.id)},
    }
    document, missing = template.fill(sources)
    # The document carries personal data (the injured person's personnummer): its creation is a read.
    audit_store.record_read(ctx.session, actor_id=actor_id, event=event, purpose=f"export {template.id}")
    return {
        "export": template.id,
        "title": template.title,
        "note": template.note,
        "event_number": event.number,
        "event_title": event.title,
        "generated_at": ctx.clock().isoformat(),
        "document": document,
        "missing": missing,
        "attachments": sources["bilagor"]["antal"],  # the files stay in avvik; the authority may ask for them
    }
