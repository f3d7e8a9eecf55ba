"""Actions (åtgärder): the caller's own, one by id, status changes and links to more events."""

from __future__ import annotations

from typing import Any

from flask import Blueprint

from server.auth import current_user
from server.http import endpoint, engine
from server.schemas import ActionOut, LinkIn, TransitionIn

bp = Blueprint("actions", __name__, url_prefix="/api/v1")


@endpoint(bp, "/actions", summary="Åtgärder där du är ansvarig", response=ActionOut, many=True)
def my_actions() -> list[dict[str, Any]]:
    return engine().my_actions(current_user())


@endpoint(bp, "/actions/<int(max=2147483647):action_id>", summary="En åtgärd med sina händelser", response=ActionOut)
def get_action(action_id: int) -> dict[str, Any]:
    return engine().get_action(action_id, current_user())


@endpoint(bp, "/actions/<int(max=2147483647):action_id>/transition", "POST", summary="Ändra åtgärdens status",
          body=TransitionIn, response=ActionOut)
def transition(action_id: int, body: dict[str, Any]) -> dict[str, Any]:
    return engine().transition_action(action_id, current_user(), body["to"], body["note"], body.get("version"),
                                      body["result"])


@endpoint(bp, "/actions/<int(max=2147483647):action_id>/events", "POST",
          summary="Koppla åtgärden till ytterligare en händelse",
          body=LinkIn, response=ActionOut)
def link(action_id: int, body: dict[str, Any]) -> dict[str, Any]:
    return engine().link_action(action_id, body["event"], current_user(), body["area"])
