"""Events a task reports: a complaint that also shows a patient-safety event becomes a vård report of its own.

A boolean form field marked `"x-avvik-report-event": {"unit": <sibling unit field>, "number": <sibling event
reference>}` that is true when its task completes, with the reference left empty, reports a new event through the
ordinary intake (routing included) at the named unit, fills the reference with the new number, and links the two
with the reference's link type; all in the completing step's transaction.
"""

from __future__ import annotations

import copy
from typing import Any

from engine import events
from engine.context import Context
from engine.definitions.forms import Form, value_at
from engine.store import events as event_store
from engine.store.models import AreaCase, Event

__all__ = ["report_events"]


def _intake_data(event: Event) -> dict[str, Any]:
    """The new report, from what the original says; no patient identifiers are copied."""
    happened = event.data.get("hande_tid")
    when = f"{happened}T12:00:00+00:00" if isinstance(happened, str) and len(happened) == 10 else happened
    return {
        "rubrik": f"Klagomål {event.number}: {event.title}"[:120],
        "beskrivning": str(event.data.get("beskrivning") or event.title),
        "hande_tid": when or event.created_at.isoformat(),
        "handelsetyp": "negativ_handelse",
        "drabbade": ["patient"],
    }


def report_events(
    ctx: Context, case: AreaCase, form: Form, data: dict[str, Any], actor_id: str
) -> tuple[dict[str, Any], list[tuple[str, Event]]]:
    """data with each new event's number filled in, and (link type, event) for each event reported."""
    reported = []
    refs = dict(form.event_refs)
    for path, spec in form.report_events:
        number_path = (*path[:-1], spec["number"])
        if value_at(data, path) is not True or value_at(data, number_path):
            continue
        unit = value_at(data, (*path[:-1], spec["unit"])) or case.unit_id
        summary = events.report_event(ctx, actor_id, unit, _intake_data(case.event))
        target = event_store.event_by_number(ctx.session, summary["number"])
        assert target is not None  # just written in this transaction
        data = copy.deepcopy(data)
        value_at(data, number_path[:-1])[number_path[-1]] = target.number
        reported.append((refs[number_path], target))
    return data, reported
