"""The case summary for the file (diariet): the event as the handler may see it, as one printable document.

It is the event view (engine/events.get_event) laid out on paper, so it shows exactly what the handler's
access shows: protected values only to a role that sees them in the area, and then the print is a logged read.
"""

from __future__ import annotations

from typing import Any

from engine import events, pdf
from engine.access import event_access
from engine.context import Context

__all__ = ["case_summary", "case_summary_pdf"]


def case_summary(ctx: Context, number: str, actor_id: str, purpose: str = "sammanfattning") -> dict[str, Any]:
    event_access(ctx, number, actor_id).require_handler()  # the reporter follows status, not the file
    view = events.get_event(ctx, number, actor_id, purpose=purpose)
    view["generated_at"] = ctx.clock().isoformat()
    return view


def case_summary_pdf(ctx: Context, number: str, actor_id: str) -> bytes:
    view = case_summary(ctx, number, actor_id, purpose="sammanfattning (PDF)")
    area_names = {a["area"]: a["area_name"] for a in view["areas"]}
    return pdf.render_pdf("summary.html", {
        **view,
        "event_number": view["number"],
        "event_title": view["title"],
        "report_rows": _rows(view.get("report") or {}),
        "case_rows": [(area_names.get(area, area), _rows(data)) for area, data in view["case_data"].items()],
    })


def _rows(data: dict[str, Any]) -> list[tuple[str, Any]]:
    """(label, value) per top-level field with a value, the label from the field name."""
    return [(k.replace("_", " ").capitalize(), v) for k, v in data.items() if v not in (None, "", [], {})]
