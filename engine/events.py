"""Reporting events and reading them: intake validation, routing to areas, visibility and the read log."""

from __future__ import annotations

from typing import Any

from engine import feedback, links, moves
from engine.cases import closure_results, definition_of, start_case
from engine.config import resolve
from engine.context import Context
from engine.definitions.forms import swedish_errors
from engine.definitions.release import Release
from engine.errors import DefinitionError, InvalidInput, NotFound, PermissionDenied
from engine.integrations import cfar
from engine.rules.access import Grant, covers_any, roles_at
from engine.runtime import workflow as runtime
from engine.store import actions as action_store
from engine.store import audit as audit_store
from engine.store import cases as case_store
from engine.store import events as event_store
from engine.store import org as org_store
from engine.store import tasks as task_store
from engine.store.models import Event, Unit
from engine.views import (
    action_view,
    audit_view,
    case_view,
    decision_view,
    event_summary,
    read_view,
    task_view,
)

__all__ = [
    "AUDITOR_ROLE",
    "CHANNELS",
    "handles",
    "visible_event",
    "routing_facts",
    "route",
    "report_event",
    "get_event",
    "list_events",
    "closure_status",
    "rename_event",
    "audit_log",
]

AUDITOR_ROLE = "revisor"

CHANNELS = ("personal", "allmanhet")


def routing_facts(ctx: Context, unit: Unit, channel: str, areas: list[str]) -> dict[str, Any]:
    """What the engine adds to every case's data: the reporting unit's kind, the channel, the areas, and the
    workplace's CFAR number (nearest unit up the tree that has one) for work-injury reports."""
    workplace = cfar.workplace_of(ctx, unit)
    return {"enhetstyp": unit.kind, "kanal": channel, "omraden": list(areas),
            "arbetsstalle_cfar": workplace.cfar if workplace else None}


def route(release: Release, data: dict[str, Any], unit_kind: str, channel: str) -> list[str]:
    """The areas a report goes to: the routing decision, else the unit kind's fallback. Never empty.
    Intake fields a channel's form lacks read as the intake form's defaults."""
    defaults = release.forms.get(release.intake.form).with_defaults({})
    facts = {**defaults, **data, "enhetstyp": unit_kind, "kanal": channel}
    workflow = runtime.start_workflow(release.routing_spec, release.routing_subprocess_specs, facts)
    routed = runtime.current_data(workflow).get("omraden") or []
    areas = [a for a in dict.fromkeys(routed) if a in release.areas]
    if not areas:
        intake = release.intake
        areas = [intake.fallback_area_by_unit_kind.get(unit_kind, intake.fallback_area)]
    return areas


def report_event(
    ctx: Context, actor_id: str | None, unit_id: str, data: Any, channel: str = "personal"
) -> dict[str, Any]:
    if channel not in CHANNELS:
        raise InvalidInput("Okänd kanal.", errors=[{"path": "channel", "message": "Okänd kanal."}])
    record, release = ctx.current_release()
    form = release.forms.get(release.intake.public_form if channel == "allmanhet" else release.intake.form)
    errors = swedish_errors(form, data)
    unit = org_store.get_unit(ctx.session, unit_id) if isinstance(unit_id, str) else None
    if unit is None:
        errors.insert(0, {"path": "unit_id", "message": "Okänd enhet."})
    if errors:
        raise InvalidInput("Rapporten är inte komplett.", errors=errors)
    assert unit is not None
    data = form.with_defaults(data)
    areas = route(release, data, unit.kind, channel)
    now = ctx.clock()
    event = event_store.add_event(
        ctx.session,
        Event(
            number=event_store.next_event_number(ctx.session, now.year),
            title=data["rubrik"],
            kind=data.get("handelsetyp", "synpunkt"),
            status="submitted",
            unit_id=unit.id,
            unit_path=unit.path,
            reporter_id=None if data.get("anonym") else actor_id,
            anonymous=bool(data.get("anonym")),
            channel=channel,
            data=data,
            has_patient_data=form.protected_values(data),
            created_at=now,
        ),
    )
    facts = routing_facts(ctx, unit, channel, areas)
    for area in areas:
        resolution = resolve(ctx, unit, area)
        if resolution is None:
            raise DefinitionError(f"Enhetens konfiguration saknar området '{area}'. Kontakta processägaren.")
        start_case(ctx, resolution.record, resolution.definition, resolution.initial_data(), event,
                   {**data, **facts})
    audit_store.record_change(
        ctx.session,
        actor_id=event.reporter_id,
        entity="event",
        entity_id=event.number,
        operation="report",
        event=event,
        after={"areas": areas, "data": form.redact(data), "release": record.hash},
    )
    return event_summary(event, _area_names(release))


def _area_names(release: Release) -> dict[str, str]:
    return {area_id: d.area.name for area_id, d in release.areas.items()}


def handles(grants: list[Grant], event: Event) -> bool:
    """A grant over the unit where it happened, or over a unit handling one of its area cases."""
    return covers_any(grants, [event.unit_path, *(case.unit_path for case in event.area_cases)])


def visible_event(ctx: Context, number: str, actor_id: str) -> tuple[Event, list[Grant]]:
    """The event if the actor reported it or holds a grant over its unit; otherwise NotFound (no leak)."""
    event = event_store.event_by_number(ctx.session, number)
    grants = org_store.grants_of(ctx.session, actor_id)
    if event is None or not (event.reporter_id == actor_id or handles(grants, event)):
        raise NotFound("Händelsen finns inte eller så saknar du behörighet.")
    return event, grants


def get_event(ctx: Context, number: str, actor_id: str, purpose: str) -> dict[str, Any]:
    event, grants = visible_event(ctx, number, actor_id)
    handler = handles(grants, event)
    _, release = ctx.current_release()
    names = _area_names(release)
    view = event_summary(event, names)
    view["areas"] = [
        case_view(case, names, ctx.release_by_id(case.release_id)[0].hash) for case in event.area_cases
    ]
    view["actions"] = [action_view(a) for a in action_store.actions_for_event(ctx.session, event.id)]
    view["feedback"] = feedback.for_reporter(event)
    view["links"] = links.links_view(ctx, event, grants, actor_id)
    view["moves"] = moves.moves_view(ctx, event)
    if not handler:  # the reporter follows status and feedback, not the handling
        return view
    view["report"] = event.data
    view["case_data"] = {case.area: case.data for case in event.area_cases}
    all_tasks = task_store.tasks_for_event(ctx.session, event.id)
    view["open_tasks"] = [task_view(t) for t in all_tasks if t.ended_at is None]
    view["task_history"] = [task_view(t) for t in all_tasks if t.ended_at is not None]
    view["decisions"] = [decision_view(d) for d in case_store.decisions_for_event(ctx.session, event.id)]
    view["history"] = audit_view(audit_store.changes_for_event(ctx.session, event.id))
    if event.has_patient_data:
        audit_store.record_read(ctx.session, actor_id=actor_id, event=event, purpose=purpose)
    return view


def list_events(
    ctx: Context,
    actor_id: str,
    *,
    unit_id: str | None = None,
    area: str | None = None,
    status: str | None = None,
    text: str | None = None,
    limit: int = 50,
    offset: int = 0,
) -> dict[str, Any]:
    grants = org_store.grants_of(ctx.session, actor_id)
    unit_path = None
    if unit_id:
        unit = org_store.get_unit(ctx.session, unit_id)
        if unit is None:
            raise InvalidInput("Okänd enhet.", errors=[{"path": "unit", "message": "Okänd enhet."}])
        unit_path = unit.path
    events, total = event_store.list_events(
        ctx.session,
        visible_paths=sorted({g.unit_path for g in grants}),
        reporter_id=actor_id,
        unit_path=unit_path,
        area=area,
        status=status,
        text=text,
        limit=limit,
        offset=offset,
    )
    _, release = ctx.current_release()
    names = _area_names(release)
    return {
        "items": [event_summary(e, names) for e in events],
        "total": min(total, event_store.COUNT_CAP),
        "total_capped": total > event_store.COUNT_CAP,  # shown as "more than 1 000"
        "limit": limit,
        "offset": offset,
    }


def closure_status(ctx: Context, number: str, actor_id: str) -> list[dict[str, Any]]:
    """Per area case: can it close now, and each rule with whether it is met ("varför kan jag inte avsluta?")."""
    event, grants = visible_event(ctx, number, actor_id)
    if not handles(grants, event):
        raise NotFound("Händelsen finns inte eller så saknar du behörighet.")
    result = []
    for case in event.area_cases:
        _, definition = definition_of(ctx, case)
        results = closure_results(ctx, case, definition, case.data)
        result.append(
            {
                "area": case.area,
                "status": case.status,
                "can_close": all(r.met for r in results),
                "rules": [r.to_dict() for r in results],
            }
        )
    return result


def rename_event(ctx: Context, number: str, title: str, reason: str, actor_id: str) -> dict[str, Any]:
    """A handler may sharpen the title; the new one follows the event everywhere (tasks included), and the
    old one stays in the history."""
    event, grants = visible_event(ctx, number, actor_id)
    if not handles(grants, event):
        raise PermissionDenied("Bara den som handlägger händelsen kan byta rubrik.")
    title, reason = title.strip(), reason.strip()
    errors = [{"path": p, "message": "Fältet måste fyllas i."} for p, v in (("title", title), ("reason", reason)) if not v]
    if errors:
        raise InvalidInput("Ny rubrik och skäl krävs.", errors=errors)
    before = event.title
    event.title = title
    task_store.retitle(ctx.session, event.id, title)
    audit_store.record_change(ctx.session, actor_id=actor_id, entity="event", entity_id=event.number,
                              operation="rename", event=event, before={"title": before},
                              after={"title": title, "reason": reason})
    _, release = ctx.current_release()
    return event_summary(event, _area_names(release))


def audit_log(ctx: Context, number: str, actor_id: str) -> dict[str, Any]:
    """The change log and the read log of one event, for the auditing role over its unit."""
    event, grants = visible_event(ctx, number, actor_id)
    if AUDITOR_ROLE not in roles_at(grants, event.unit_path):
        raise PermissionDenied("Loggarna kräver rollen revisor på händelsens enhet.")
    return {
        "event_number": event.number,
        "event_title": event.title,
        "changes": audit_view(audit_store.changes_for_event(ctx.session, event.id)),
        "reads": read_view(audit_store.reads_for_event(ctx.session, event.id)),
    }
