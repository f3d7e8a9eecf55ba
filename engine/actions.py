"""Actions (åtgärder): created on an area case of an event, linkable to more, moved through their lifecycle.

An action belongs to one or more area cases (an area's closure counts only its own actions) and names its
events by number and title in every view, so the link action ↔ avvikelse is never unclear. A closed case's
actions no longer move, and a closed event takes no new ones until it is reopened.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from engine import facts, notifications
from engine.access import EventAccess, acting_as, case_access, event_access, grants_of
from engine.context import Context
from engine.definitions.forms import swedish_errors
from engine.errors import CaseClosed, EventClosed, InvalidInput, NotFound, PermissionDenied, StaleWrite
from engine.rules.lifecycle import INITIAL_STATUS, check_transition
from engine.store import actions as action_store
from engine.store import audit as audit_store
from engine.store import org as org_store
from engine.store.models import Action, AreaCase, Event
from engine.views import action_view
from engine.rules.access import CaseStatus

__all__ = [
    "ACTION_FORM",
    "action_errors",
    "add_action",
    "create_action",
    "link_action",
    "transition",
    "my_actions",
    "get_action",
    "action_for",
]

ACTION_FORM = "atgard.json"


def _target_case(ctx: Context, access: EventAccess, area: str | None) -> AreaCase:
    """The area case an action goes to: the named area (as the access rule allows), else the only one the actor
    works in on the event."""
    if area is not None:
        return acting_as(ctx, access.writer(area)).case
    writable = [c for c in access.readable if c.write]
    if len(writable) == 1:
        return acting_as(ctx, writable[0]).case
    if not writable:
        access.writer()  # refuses: 403 for a reader or the reporter, 404 for anyone else
    raise InvalidInput("Ange vilket område åtgärden hör till.", errors=[{
        "path": "area",
        "message": f"Välj ett av områdena du arbetar i: {', '.join(c.case.area for c in writable)}."}])


def _require_open(event: Event, case: AreaCase) -> None:
    if event.status == CaseStatus.CLOSED:
        raise EventClosed()
    if case.status == CaseStatus.CLOSED:
        raise CaseClosed(f"Ärendet i området '{case.area}' är avslutat och tar inte emot åtgärder.")


def action_errors(ctx: Context, case: AreaCase, data: Any) -> list[dict[str, str]]:
    """Every fault of action data: the action form of the case's release, and an owner who exists."""
    _, release = ctx.release_by_id(case.release_id)
    errors = swedish_errors(release.forms.get(ACTION_FORM), data)
    owner = data.get("ansvarig") if isinstance(data, dict) else None
    if isinstance(owner, str) and owner and org_store.get_user(ctx.session, owner) is None:
        errors.append({"path": "ansvarig", "message": "Användaren finns inte."})
    return errors


def add_action(ctx: Context, data: dict[str, Any], actor_id: str, cases: list[AreaCase],
               events: list[Event] | None = None, origin: str | None = None,
               follow_up_of: int | None = None) -> Action:
    """Store valid action data (see action_errors) on the cases and their events, with an audit row per event."""
    events = events or list({case.event_id: case.event for case in cases}.values())
    action = action_store.add_action(
        ctx.session,
        Action(
            title=data["titel"],
            type=data["typ"],
            description=data.get("beskrivning"),
            expected_effect=data.get("forvantad_effekt"),
            owner_id=data.get("ansvarig") or None,
            due_date=date.fromisoformat(data["klart_datum"]) if data.get("klart_datum") else None,
            status=INITIAL_STATUS,
            created_by=actor_id,
            origin=origin,
            follow_up_of=follow_up_of,
        ),
        [event.id for event in events],
        [case.id for case in cases],
    )
    ctx.session.refresh(action)
    facts.refresh(ctx, cases=[case.id for case in cases], lock=True)  # its cases count one more open action
    extra = {k: v for k, v in (("origin", origin), ("follow_up_of", follow_up_of)) if v}
    for event in events:
        audit_store.record_change(
            ctx.session, actor_id=actor_id, on_behalf_of=ctx.on_behalf_of, entity="action", entity_id=action.id,
            operation="create", event=event,
            after={"title": action.title, "status": action.status, "owner": action.owner_id,
                   "areas": [c.area for c in cases if c.event_id == event.id], **extra},
        )
    notifications.action_assigned(ctx, action, actor_id)
    return action


def create_action(ctx: Context, number: str, actor_id: str, data: Any, area: str | None = None) -> dict[str, Any]:
    access = event_access(ctx, number, actor_id)
    case = _target_case(ctx, access, area)
    _require_open(access.event, case)
    errors = action_errors(ctx, case, data)
    if errors:
        raise InvalidInput("Åtgärden är inte komplett.", errors=errors)
    return action_view(add_action(ctx, data, actor_id, [case]))


def action_for(ctx: Context, action_id: int, actor_id: str, write: bool = False) -> Action:
    """The action if the actor owns it or reads (to change it: works in) one of the area cases it belongs to."""
    action = action_store.action_by_id(ctx.session, action_id)
    if action is None:
        raise NotFound("Åtgärden finns inte.")
    if action.owner_id == actor_id:
        return action
    grants = grants_of(ctx, actor_id)
    cases = [case_access(ctx, grants, case) for case in action.cases]
    if not any(c.read for c in cases):
        raise NotFound("Åtgärden finns inte.")
    writable = [c for c in cases if c.write]
    if write and not writable:
        raise PermissionDenied("Ändringen kräver en roll som arbetar i händelsens område, eller att du äger åtgärden.")
    if write:  # a case the user changes in their own right before one they change as a deputy
        acting_as(ctx, min(writable, key=lambda c: c.acting_for() is not None))
    return action


def get_action(ctx: Context, action_id: int, actor_id: str) -> dict[str, Any]:
    return action_view(action_for(ctx, action_id, actor_id))


def link_action(ctx: Context, action_id: int, number: str, actor_id: str, area: str | None = None) -> dict[str, Any]:
    """Link the action to (an area case of) another event, or to another area case of the same event."""
    action = action_for(ctx, action_id, actor_id, write=True)
    access = event_access(ctx, number, actor_id)
    event, case = access.event, _target_case(ctx, access, area)
    _require_open(event, case)
    if case not in action.cases:
        if event not in action.events:
            action.events.append(event)
        action.cases.append(case)
        facts.refresh(ctx, cases=[c.id for c in action.cases], lock=True)  # on several cases: counted once, by id
        audit_store.record_change(
            ctx.session, actor_id=actor_id, on_behalf_of=ctx.on_behalf_of, entity="action", entity_id=action.id,
            operation="link", event=event,
            after={"title": action.title, "area": case.area},
        )
    return action_view(action)


def transition(
    ctx: Context,
    action_id: int,
    actor_id: str,
    target: str,
    note: str | None,
    expected_version: int | None = None,
    result: str | None = None,
) -> dict[str, Any]:
    """Move the action; an effect evaluation records its result, and "ej effektiv" proposes a follow-up action
    (created as föreslagen on the same cases, so no case closes before someone decides on it)."""
    action = action_for(ctx, action_id, actor_id, write=True)
    if expected_version is not None and expected_version != action.version:
        raise StaleWrite()
    closed = [case.area for case in action.cases if case.status == CaseStatus.CLOSED]
    if closed:
        raise CaseClosed(f"Åtgärden hör till ett avslutat ärende ({', '.join(closed)}) och kan inte ändras.")
    check_transition(action.status, target, note, result)
    before = action.status
    action.status = target
    if target == "avbruten":
        action.motivation = note
    if target == "effekt_utvarderad":
        action.effect_result, action.effect_note = result, (note or "").strip() or None
    ctx.session.flush()
    facts.refresh(ctx, cases=[case.id for case in action.cases], lock=True)  # open or not, as its cases count
    for event in action.events:
        audit_store.record_change(
            ctx.session, actor_id=actor_id, on_behalf_of=ctx.on_behalf_of, entity="action", entity_id=action.id,
            operation="transition", event=event, before={"status": before},
            after={"status": target, "note": note, **({"result": result} if result else {})},
        )
    view = action_view(action)
    if result == "ej_effektiv":
        view["follow_up"] = action_view(_follow_up(ctx, action, actor_id))
    return view


def _follow_up(ctx: Context, action: Action, actor_id: str) -> Action:
    data = {
        "titel": f"Uppföljning: {action.title}"[:200],
        "typ": "korrigerande",
        "beskrivning": f"Åtgärd #{action.id} bedömdes som ej effektiv: {action.effect_note}"[:5000],
        "ansvarig": action.owner_id,
    }
    return add_action(ctx, data, actor_id, list(action.cases), list(action.events), follow_up_of=action.id)


def my_actions(ctx: Context, actor_id: str) -> list[dict[str, Any]]:
    return [action_view(a) for a in action_store.actions_owned_by(ctx.session, actor_id)]
