"""Reporting events and reading them: intake validation, routing to areas, visibility and the read log."""

from __future__ import annotations

from typing import Any

from engine import entities, feedback, links, moves
from engine.records import holds
from engine.records.attachments import attachments_view
from engine.records.imports import require_not_imported
from engine.access import AUDITOR_ROLE, EventAccess, access_for, acting_as, event_access, grants_of, visible_scopes
from engine.cases import closure_results, start_case
from engine.bindings import resolve, resolve_intake
from engine.context import Context
from engine.definitions.forms import swedish_errors
from engine.definitions.release import Release
from engine.errors import InvalidInput, PermissionDenied, StaleWrite
from engine.integrations import cfar
from engine.rules.access import CaseStatus, roles_at
from engine.runtime import workflow as runtime
from engine.store import actions as action_store
from engine.store import audit as audit_store
from engine.store import cases as case_store
from engine.store import events as event_store
from engine.store import org as org_store
from engine.store import tasks as task_store
from engine.store.models import AuditEntry, Event, TaskRow, Unit
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
    "resolve_unit_path",
    "CHANNELS",
    "routing_facts",
    "route",
    "report_event",
    "get_event",
    "list_events",
    "closure_status",
    "rename_event",
    "audit_log",
]


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
    unit = org_store.get_unit(ctx.session, unit_id) if isinstance(unit_id, str) else None
    if unit is None:
        raise InvalidInput("Rapporten är inte komplett.", errors=[{"path": "unit_id", "message": "Okänd enhet."}])
    record, release = resolve_intake(ctx, unit)
    form = release.forms.get(release.intake.public_form if channel == "allmanhet" else release.intake.form)
    errors = swedish_errors(form, data)
    if errors:
        raise InvalidInput("Rapporten är inte komplett.", errors=errors)
    data = form.with_defaults(data)
    areas = route(release, data, unit.kind, channel)
    now = ctx.clock()
    event = event_store.add_event(
        ctx.session,
        Event(
            number=entities.next_number(ctx, unit, now.year),
            title=data["rubrik"],
            kind=data.get("handelsetyp", "synpunkt"),
            status=CaseStatus.SUBMITTED,
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
        start_case(ctx, resolution.record, resolution.definition, resolution.initial_data(), event,
                   {**data, **facts})
    audit_store.record_change(
        ctx.session,
        actor_id=event.reporter_id,
        entity="event",
        entity_id=event.number,
        operation="report",
        event=event,
        after={"areas": areas, "data": form.mask_protected(data), "release": record.hash},
    )
    return event_summary(event, _area_names(release))


def _area_names(release: Release) -> dict[str, str]:
    return {area_id: d.area.name for area_id, d in release.areas.items()}


def _summary(ctx: Context, access: EventAccess) -> dict[str, Any]:
    """The event with the areas this user may see: every live area to its reporter, else the readable ones."""
    names = {c.case.area: c.definition.area.name for c in access.cases}
    view = event_summary(access.event, names)
    shown = {c.case.id for c in (access.cases if access.reporter else access.readable)}
    view["areas"] = [a for a in view["areas"] if a["id"] in shown]
    return view


def get_event(ctx: Context, number: str, actor_id: str, purpose: str) -> dict[str, Any]:
    access = event_access(ctx, number, actor_id)
    event = access.event
    view = _summary(ctx, access)
    readable = access.readable
    shown = access.cases if access.reporter else readable
    view["areas"] = [case_view(c.case, {c.case.area: c.definition.area.name}, c.release.hash) for c in shown]
    visible_ids = {c.case.id for c in shown}  # an area's actions to who reads it; the reporter sees all
    view["actions"] = [action_view(a) for a in action_store.actions_for_event(ctx.session, event.id)
                       if a.owner_id == actor_id or {c.id for c in a.cases} & visible_ids]
    view["feedback"] = feedback.for_reporter([c.case for c in shown])
    view["links"] = links.links_view(ctx, event, access.grants, actor_id)
    view["moves"] = moves.moves_view(ctx, event, {c.case.area for c in shown})
    view["access"] = {"handler": access.handler, "reporter": access.reporter, "protected": access.protected,
                      "writable_areas": sorted(c.case.area for c in readable if c.write)}
    if not access.handler:  # the reporter follows status and feedback, not the handling
        return view
    visible_cases = {c.case.id for c in readable}
    view["report"] = access.report()
    view["case_data"] = {c.case.area: c.data() for c in readable}
    tasks = task_store.tasks_for_event(ctx.session, event.id)
    all_tasks = [t for t in tasks if t.area_case_id in visible_cases]
    view["open_tasks"] = [task_view(t) for t in all_tasks if t.ended_at is None]
    view["task_history"] = [task_view(t) for t in all_tasks if t.ended_at is not None]
    view["decisions"] = [decision_view(d) for d in case_store.decisions_for_event(ctx.session, event.id)
                         if d.area_case_id in visible_cases]
    view["attachments"] = attachments_view(ctx, access, actor_id, {a["id"] for a in view["actions"]})
    view["holds"] = holds.holds_view(ctx, event)
    view["access"]["may_hold"] = holds.may_hold(access)
    view["history"] = audit_view(_visible_history(ctx, access, tasks))
    if event.has_patient_data and access.protected:
        audit_store.record_read(ctx.session, actor_id=actor_id, event=event, purpose=purpose)
    return view


def _visible_history(ctx: Context, access: EventAccess, tasks: list[TaskRow] | None = None) -> list[AuditEntry]:
    """The change log without the entries of areas the user may not read (a task's data, a case's changes);
    `tasks` are the event's tasks if the caller has them already."""
    hidden_cases = {str(c.case.id) for c in access.cases if not c.read}
    if tasks is None:
        tasks = task_store.tasks_for_event(ctx.session, access.event.id)
    hidden_tasks = {t.id for t in tasks if str(t.area_case_id) in hidden_cases}
    return [e for e in audit_store.changes_for_event(ctx.session, access.event.id)
            if not (e.entity == "task" and e.entity_id in hidden_tasks)
            and not (e.entity == "area_case" and e.entity_id in hidden_cases)]


def resolve_unit_path(ctx: Context, unit_id: str | None) -> str | None:
    """The path of a list filter's unit (its subtree); 422 for an unknown one."""
    if not unit_id:
        return None
    unit = org_store.get_unit(ctx.session, unit_id)
    if unit is None:
        raise InvalidInput("Okänd enhet.", errors=[{"path": "unit", "message": "Okänd enhet."}])
    return unit.path


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
    grants = grants_of(ctx, actor_id)
    unit_path = resolve_unit_path(ctx, unit_id)
    events, total = event_store.list_events(
        ctx.session,
        visible=visible_scopes(ctx, grants),
        reporter_id=actor_id,
        unit_path=unit_path,
        area=area,
        status=status,
        text=text,
        limit=limit,
        offset=offset,
    )
    accesses = [access_for(ctx, e, actor_id, grants) for e in events]
    return {  # the index narrows by role and area; the exact rule (restricted cases too) is checked per row
        "items": [_summary(ctx, a) for a in accesses if a.reporter or a.handler],
        "total": min(total, event_store.COUNT_CAP),
        "total_capped": total > event_store.COUNT_CAP,  # shown as "more than 1 000"
        "limit": limit,
        "offset": offset,
    }


def closure_status(ctx: Context, number: str, actor_id: str) -> list[dict[str, Any]]:
    """Per area case: can it close now, and each rule with whether it is met ("varför kan jag inte avsluta?")."""
    access = event_access(ctx, number, actor_id)
    access.require_handler()
    result = []
    for readable in access.readable:
        case, definition = readable.case, readable.definition
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


def rename_event(ctx: Context, number: str, previous: str, title: str, reason: str, actor_id: str) -> dict[str, Any]:
    """A handler may sharpen the title; the new one follows the event everywhere (tasks included), and the
    old one stays in the history. `previous` is the title the handler saw: a colleague's rename in between is a
    stale write, never silently overwritten."""
    access = event_access(ctx, number, actor_id)
    acting_as(ctx, access.writer())
    event = access.event
    require_not_imported(event)
    title, reason = title.strip(), reason.strip()
    errors = [{"path": p, "message": "Fältet måste fyllas i."}
              for p, v in (("title", title), ("reason", reason)) if not v]
    if errors:
        raise InvalidInput("Ny rubrik och skäl krävs.", errors=errors)
    before = event.title
    if not event_store.retitle(ctx.session, event, previous, title):
        raise StaleWrite("Rubriken har ändrats av någon annan. Ladda om och försök igen.")
    task_store.retitle(ctx.session, event.id, title)
    audit_store.record_change(ctx.session, actor_id=actor_id, on_behalf_of=ctx.on_behalf_of, entity="event",
                              entity_id=event.number, operation="rename", event=event, before={"title": before},
                              after={"title": title, "reason": reason})
    return _summary(ctx, access)


def audit_log(ctx: Context, number: str, actor_id: str) -> dict[str, Any]:
    """The change log and the read log of one event, for the auditing role over its unit, of the areas that
    role may read."""
    access = event_access(ctx, number, actor_id)
    event = access.event
    if AUDITOR_ROLE not in roles_at(access.grants, event.unit_path):
        raise PermissionDenied("Loggarna kräver rollen revisor på händelsens enhet.")
    access.require_handler()
    return {
        "event_number": event.number,
        "event_title": event.title,
        "changes": audit_view(_visible_history(ctx, access)),
        "reads": read_view(audit_store.reads_for_event(ctx.session, event.id)),
    }
