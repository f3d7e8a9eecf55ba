"""Links between events as typed relations: a duplicate points to its original, a lab deviation to the vård
event, a complaint to the event it is about. A link is made through the API or by completing a task whose form
marks a field `x-avvik-event-ref: <type>`; the number must name an event the actor may see. Each side shows the
link to whoever may see that side, and only if they may also see the other."""

from __future__ import annotations

from typing import Any

from engine.access import access_for, acting_as, event_access
from engine.context import Context
from engine.definitions.forms import Form
from engine.errors import Conflict, InvalidInput, NotFound
from engine.rules.access import CaseStatus, Grant
from engine.rules.links import LINK_TYPES
from engine.store import audit as audit_store
from engine.store import links as link_store
from engine.store.models import AreaCase, Event, EventLink

__all__ = ["check_form_refs", "record_form_links", "add_link", "list_links", "links_view"]


def _sees(ctx: Context, grants: list[Grant], event: Event, actor_id: str) -> bool:
    access = access_for(ctx, event, actor_id, grants)
    return access.reporter or access.handler


def _target(ctx: Context, source: Event, number: Any, link_type: str, actor_id: str, path: str) -> Event:
    """The event the number names, if this link may point to it; InvalidInput naming the field otherwise."""
    def refuse(message: str) -> InvalidInput:
        return InvalidInput("Den kopplade händelsen är inte giltig.", errors=[{"path": path, "message": message}])

    try:
        target = event_access(ctx, str(number), actor_id).event
    except NotFound:
        raise refuse("Händelsen finns inte eller så saknar du behörighet.") from None
    kind = LINK_TYPES[link_type]
    if target.id == source.id and not kind.self_allowed:
        raise refuse("En händelse kan inte kopplas till sig själv.")
    if kind.target_area and not any(c.area == kind.target_area and c.status != CaseStatus.REMOVED
                                    for c in target.area_cases):
        raise refuse(f"Händelsen handläggs inte inom området '{kind.target_area}'. Lägg till området först.")
    return target


def check_form_refs(ctx: Context, event: Event, form: Form, data: Any, actor_id: str) -> list[tuple[str, Event]]:
    """(link type, target) for each event reference the submitted data fills; every bad one is reported."""
    found, errors = [], []
    for path, link_type, number in form.values_at(form.event_refs, data):
        try:
            found.append((link_type, _target(ctx, event, number, link_type, actor_id, path)))
        except InvalidInput as exc:
            errors.extend(exc.errors)
    if errors:
        raise InvalidInput("Formuläret innehåller fel.", errors=errors)
    return found


def _link(ctx: Context, source: Event, target: Event, link_type: str, actor_id: str,
          case: AreaCase | None = None) -> EventLink:
    link = link_store.add_link(ctx.session, EventLink(source_id=source.id, target_id=target.id, type=link_type,
                                                      area_case_id=case.id if case else None, created_by=actor_id))
    for side, other in ((source, target), (target, source)):
        audit_store.record_change(ctx.session, actor_id=actor_id, on_behalf_of=ctx.on_behalf_of,
                                  entity="event_link", entity_id=link.id, operation="link", event=side,
                                  after={"type": link_type, "source": source.number, "target": target.number,
                                         "other": other.number})
        if source.id == target.id:
            break
    return link


def record_form_links(ctx: Context, case: AreaCase, refs: list[tuple[str, Event]], actor_id: str) -> None:
    """Write the links a completed task's form named; one already there (a repeated step) is kept."""
    for link_type, target in refs:
        if link_store.find_link(ctx.session, case.event_id, target.id, link_type) is None:
            _link(ctx, case.event, target, link_type, actor_id, case)


def add_link(ctx: Context, number: str, link_type: str, target_number: str, actor_id: str) -> dict[str, Any]:
    access = event_access(ctx, number, actor_id)
    acting_as(ctx, access.writer())  # a role that works in one of its areas links it; readers get 403, others 404
    source = access.event
    if link_type not in LINK_TYPES:
        raise InvalidInput("Okänd typ av koppling.", errors=[
            {"path": "type", "message": "Tillåtna typer: " + ", ".join(LINK_TYPES) + "."}])
    target = _target(ctx, source, target_number, link_type, actor_id, "number")
    if link_store.find_link(ctx.session, source.id, target.id, link_type) is not None:
        raise Conflict("Kopplingen finns redan.")
    return _view(_link(ctx, source, target, link_type, actor_id), source)


def list_links(ctx: Context, number: str, actor_id: str) -> list[dict[str, Any]]:
    access = event_access(ctx, number, actor_id)
    return links_view(ctx, access.event, access.grants, actor_id)


def links_view(ctx: Context, event: Event, grants: list[Grant], actor_id: str) -> list[dict[str, Any]]:
    """The event's links, from its side, that the actor may see the other side of."""
    views = []
    for link in link_store.links_of(ctx.session, event.id):
        other = link.target if link.source_id == event.id else link.source
        if _sees(ctx, grants, other, actor_id):
            views.append(_view(link, event))
    return views


def _view(link: EventLink, side: Event) -> dict[str, Any]:
    outgoing = link.source_id == side.id
    other = link.target if outgoing else link.source
    kind = LINK_TYPES.get(link.type)
    label = (kind.label if outgoing else kind.inverse_label) if kind else link.type
    return {
        "id": link.id,
        "type": link.type,
        "direction": "outgoing" if outgoing else "incoming",
        "label": label,
        "number": other.number,
        "title": other.title,
        "status": other.status,
        "created_by": link.created_by,
        "created_at": link.created_at.isoformat() if link.created_at else None,
    }
