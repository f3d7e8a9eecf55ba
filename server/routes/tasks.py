"""The worklist and work on tasks."""

from __future__ import annotations

from typing import Any

from flask import Blueprint

from server.auth import current_user
from server.http import endpoint, engine
from server.schemas import AssignIn, CompleteIn, CompleteOut, TaskDetailOut, TaskOut, WorklistIn, WorkTaskOut

bp = Blueprint("tasks", __name__, url_prefix="/api/v1")
TASK = "<uuid:task_id>"


@endpoint(bp, "/tasks",
          summary="Din arbetslista (scope=mine eller available), filtrerbar på område, enhet och försenade",
          query=WorklistIn, response=WorkTaskOut, many=True)
def worklist(query: dict[str, Any]) -> list[dict[str, Any]]:
    return engine().worklist(current_user(), query["scope"], query["limit"], query["offset"], query.get("area"),
                             query.get("unit"), query["overdue"])


@endpoint(bp, f"/tasks/{TASK}", summary="En uppgift med formulär och aktuella uppgifter", response=TaskDetailOut)
def get_task(task_id: Any) -> dict[str, Any]:
    return engine().get_task(str(task_id), current_user())


@endpoint(bp, f"/tasks/{TASK}/claim", "POST", summary="Ta uppgiften", response=TaskOut)
def claim(task_id: Any) -> dict[str, Any]:
    return engine().claim_task(str(task_id), current_user())


@endpoint(bp, f"/tasks/{TASK}/release", "POST", summary="Lämna tillbaka uppgiften", response=TaskOut)
def release(task_id: Any) -> dict[str, Any]:
    return engine().release_task(str(task_id), current_user())


@endpoint(bp, f"/tasks/{TASK}/assign", "POST", summary="Tilldela uppgiften", body=AssignIn, response=TaskOut)
def assign(task_id: Any, body: dict[str, Any]) -> dict[str, Any]:
    return engine().assign_task(str(task_id), current_user(), body["user"])


@endpoint(bp, f"/tasks/{TASK}/complete", "POST", summary="Slutför uppgiften", body=CompleteIn, response=CompleteOut)
def complete(task_id: Any, body: dict[str, Any]) -> dict[str, Any]:
    return engine().complete_task(str(task_id), current_user(), body["data"], body.get("case_version"))
