"""Action plans in forms become actions: when a task is completed, each item of an array its form marks
`x-avvik-actions` (engine/definitions/actionlists.py) becomes an action of the area case, with owner and due
date, so the case cannot close while a plan item is open. An item already tracked (same task, same position)
is not created twice; it is followed up as the action it became."""

from __future__ import annotations

from typing import Any

from engine.actions import action_errors, add_action
from engine.context import Context
from engine.definitions.forms import Form
from engine.errors import InvalidInput
from engine.store import actions as action_store
from engine.store.models import AreaCase

__all__ = ["track_plan"]


def track_plan(ctx: Context, case: AreaCase, form: Form | None, data: dict[str, Any], task_name: str,
               actor_id: str) -> None:
    """Create an action for each new plan item in the task's data; every faulty item is a 422 on its path
    (e.g. handlingsplan/atgarder/0/vem: the owner does not exist) and then nothing is created."""
    if form is None or not form.action_lists:
        return
    tracked = action_store.origins_for_case(ctx.session, case.id)
    new, errors = [], []
    for plan in form.action_lists:
        for index, action in plan.items(data):
            item_path = "/".join((*plan.path, str(index)))
            for error in action_errors(ctx, case, action):
                source = plan.item_field(error["path"].split("/")[0])
                errors.append({"path": f"{item_path}/{source}" if source else item_path, "message": error["message"]})
            origin = f"{task_name}:{item_path}"
            if origin not in tracked:
                new.append((origin, action))
    if errors:
        raise InvalidInput("Handlingsplanen innehåller fel.", errors=errors)
    for origin, action in new:
        add_action(ctx, action, actor_id, [case], origin=origin)
