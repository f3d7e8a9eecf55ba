"""Attachments (upload as multipart, download as the file) and legal holds on events."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from flask import Blueprint, Response, request

from engine.api import InvalidInput, Upload
from server.auth import current_user
from server.http import endpoint, engine
from server.schemas import AttachmentIn, AttachmentOut, HoldIn, HoldOut

bp = Blueprint("records", __name__, url_prefix="/api/v1")
NUMBER = "<string:number>"
ACTION = "<int(max=2147483647):action_id>"
FORM_OVERHEAD = 64 * 1024  # multipart boundaries and the classification part, beyond the file itself
UPLOAD = dict(multipart=AttachmentIn, response=AttachmentOut, status=201, errors=(503,))


def _upload() -> Upload:
    """The multipart body's `file` and `classification`; the file may be as large as the attachment limit."""
    request.max_content_length = engine().records.max_bytes + FORM_OVERHEAD
    file = request.files.get("file")
    errors = [] if file is not None else [{"path": "file", "message": "Bifoga filen i delen 'file'."}]
    classification = request.form.get("classification", "")
    if not classification:
        errors.append({"path": "classification", "message": "Välj en klassning."})
    if errors:
        raise InvalidInput("Bilagan kan inte sparas.", errors=errors)
    return Upload(file.filename or "", file.read(), classification)


@endpoint(bp, f"/events/{NUMBER}/attachments", "POST", summary="Bifoga en fil till händelsen", **UPLOAD)
def attach_to_event(number: str) -> dict[str, Any]:
    return engine().add_attachment("event", number, current_user(), _upload())


@endpoint(bp, f"/events/{NUMBER}/areas/<string:area>/attachments", "POST",
          summary="Bifoga en fil till ett områdes ärende (t.ex. utredningen)", **UPLOAD)
def attach_to_case(number: str, area: str) -> dict[str, Any]:
    return engine().add_attachment("area_case", number, current_user(), _upload(), area)


@endpoint(bp, f"/actions/{ACTION}/attachments", "POST", summary="Bifoga en fil till en åtgärd", **UPLOAD)
def attach_to_action(action_id: int) -> dict[str, Any]:
    return engine().add_attachment("action", action_id, current_user(), _upload())


@endpoint(bp, "/tasks/<uuid:task_id>/attachments", "POST", summary="Bifoga en fil till en uppgift", **UPLOAD)
def attach_to_task(task_id: Any) -> dict[str, Any]:
    return engine().add_attachment("task", str(task_id), current_user(), _upload())


@endpoint(bp, "/attachments/<int(max=2147483647):attachment_id>/content", summary="Hämta en bilaga (en "
          "klassad bilaga hamnar i loggen)", files=("application/octet-stream",), errors=(503,))
def attachment_content(attachment_id: int) -> Response:
    found = engine().attachment_content(attachment_id, current_user())
    response = Response(found.data, mimetype=found.media_type)
    # never rendered inline: the browser saves it, so an uploaded file cannot run as a page of this origin
    response.headers["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(found.filename)}"
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Cache-Control"] = "private, no-store"
    response.headers["Digest"] = f"sha-256={found.sha256}"
    return response


@endpoint(bp, f"/events/{NUMBER}/holds", "POST", summary="Lägg en rättslig spärr mot gallring (med skäl)",
          body=HoldIn, response=HoldOut, status=201)
def place_hold(number: str, body: dict[str, Any]) -> dict[str, Any]:
    return engine().place_hold(number, body["reason"], current_user())


@endpoint(bp, f"/events/{NUMBER}/holds/<int(max=2147483647):hold_id>/lift", "POST",
          summary="Häv en rättslig spärr (med skäl)", body=HoldIn, response=HoldOut)
def lift_hold(number: str, hold_id: int, body: dict[str, Any]) -> dict[str, Any]:
    return engine().lift_hold(number, hold_id, body["reason"], current_user())
