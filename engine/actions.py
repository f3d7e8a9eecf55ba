"""Actions (åtgärder): created on an event, linkable to more, moved through their lifecycle.

Every view of an action names its events by number and title, so the link action ↔ avvikelse is never unclear.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from engine import notifications
from engine.access import access_for, event_access
from engine.context import Context
from engine.definitions.forms import swedish_errors
from engine.errors import InvalidInput, NotFound, PermissionDenied, StaleWrite
from engine.rules.lifecycle import INITIAL_STATUS, check_transition
from engine.store import actions as action_store
from engine.store import audit as audit_store
from engine.store import org as org_store
from engine.store.models import Action
from engine.views import action_view

__all__ = ["ACTION_FORM", "create_action", "link_action", "transition", "my_actions", "get_action"]

ACTION_FORM = "atgard.json"


def _require_handler(ctx: Context, number: str, actor_id: str) -> Any:
    """The event, if the actor works in one of its areas (readers and reporters may not change actions)."""
    access = event_access(ctx, number, actor_id)
    access.writer()
    return access.event


def create_action(ctx: Context, number: str, actor_id: str, data: Any) -> dict[str, Any]:
    writer = event_access(ctx, number, actor_id).writer()
    event, release = writer.case.event, writer.release
    errors = swedish_errors(release.forms.get(ACTION_FORM), data)
    owner = data.get("ansvarig") if isinstance(data, dict) else None
    if owner and org_store.get_user(ctx.session, owner) is None:
        errors.append({"path": "ansvarig", "message": "Användaren finns inte."})
    if errors:
        raise InvalidInput("Åtgärden är inte komplett.", errors=errors)
    action = action_store.add_action(
        ctx.session,
        Action(
            title=data["titel"],
            type=data["typ"],
            description=data.get("beskrivning"),
            expected_effect=data.get("forvantad_effekt"),
            owner_id=owner,
            due_date=date.fromisoformat(data["klart_datum"]) if data.get("klart_datum") else None,
            status=INITIAL_STATUS,
            created_by=actor_id,
        ),
        [event.id],
    )
    ctx.session.refresh(action)
    audit_store.record_change(
        ctx.session, actor_id=actor_id, entity="action", entity_id=action.id, operation="create", event=event,
        after={"title": action.title, "status": action.status, "owner": owner},
    )
    notifications.action_assigned(ctx, action, actor_id)
    return action_view(action)


def _action_for(ctx: Context, action_id: int, actor_id: str, write: bool = False) -> Action:
    """The action if the actor owns it or reads (to change it: works in) an area of one of its events."""
    action = action_store.action_by_id(ctx.session, action_id)
    if action is None:
        raise NotFound("Åtgärden finns inte.")
    if action.owner_id == actor_id:
        return action
    grants = org_store.grants_of(ctx.session, actor_id)
    accesses = [access_for(ctx, e, actor_id, grants) for e in action.events]
    if not any(a.handler for a in accesses):
        raise NotFound("Åtgärden finns inte.")
    if write and not any(c.write for a in accesses for c in a.readable):
        raise PermissionDenied("Ändringen kräver en roll som arbetar i händelsens område, eller att du äger åtgärden.")
    return action


def get_action(ctx: Context, action_id: int, actor_id: str) -> dict[str, Any]:
    return action_view(_action_for(ctx, action_id, actor_id))


def link_action(ctx: Context, action_id: int, number: str, actor_id: str) -> dict[str, Any]:
    action = _action_for(ctx, action_id, actor_id, write=True)
    event = _require_handler(ctx, number, actor_id)
    if event not in action.events:
        action.events.append(event)
        audit_store.record_change(
            ctx.session, actor_id=actor_id, entity="action", entity_id=action.id, operation="link", event=event,
            after={"title": action.title},
        )
    return action_view(action)


def transition(
    ctx: Context, action_id: int, actor_id: str, target: str, note: str | None, expected_version: int | None = None
) -> dict[str, Any]:
    action = _action_for(ctx, action_id, actor_id, write=True)
    if expected_version is not None and expected_version != action.version:
        raise StaleWrite()
    check_transition(action.status, target, note)
    before = action.status
    action.status = target
    if target == "avbruten":
        action.motivation = note
    ctx.session.flush()
    for event in action.events:
        audit_store.record_change(
            ctx.session, actor_id=actor_id, entity="action", entity_id=action.id, operation="transition",
            event=event, before={"status": before}, after={"status": target, "note": note},
        )
    return action_view(action)


def my_actions(ctx: Context, actor_id: str) -> list[dict[str, Any]]:
    return [action_view(a) for a in action_store.actions_owned_by(ctx.session, actor_id)]
