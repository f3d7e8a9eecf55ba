"""The process owners' studio: what a unit runs, a release's files, and an edited tree validated, published or
piloted on chosen units (docs/studio.md)."""

from __future__ import annotations

from typing import Any

from flask import Blueprint

from server.auth import current_user
from server.http import endpoint, engine
from server.schemas import (
    ActiveDefinitionsOut,
    EditIn,
    EditPublishIn,
    FilePathIn,
    FormOut,
    FormPreviewIn,
    PilotIn,
    PilotOut,
    ReleaseFileOut,
    ReleaseOut,
    ValidationOut,
)

bp = Blueprint("studio", __name__, url_prefix="/api/v1")
RELEASE = "/releases/<string:release>"


@endpoint(bp, "/units/<string:unit_id>/definitions", summary="Definitionsfilerna enheten kör, per område",
          response=ActiveDefinitionsOut)
def active_definitions(unit_id: str) -> dict[str, Any]:
    return engine().active_definitions(unit_id, current_user())


@endpoint(bp, RELEASE + "/file", summary="En fil ur en release", query=FilePathIn, response=ReleaseFileOut)
def release_file(release: str, query: dict[str, Any]) -> dict[str, Any]:
    return engine().release_file(release, query["path"], current_user())


@endpoint(bp, RELEASE + "/validate", "POST", summary="Validera releasen med ändrade filer, utan att publicera",
          body=EditIn, response=ValidationOut)
def validate_edit(release: str, body: dict[str, Any]) -> dict[str, Any]:
    return engine().validate_edit(release, body["files"], body["removed"], current_user())


@endpoint(bp, RELEASE + "/form-preview", "POST", summary="Ett formulär ur releasen med ändrade filer, som "
          "personalen får det", body=FormPreviewIn, response=FormOut)
def form_preview(release: str, body: dict[str, Any]) -> dict[str, Any]:
    return engine().form_preview(release, body["files"], body["removed"], body["path"], current_user())


@endpoint(bp, RELEASE + "/edits", "POST", summary="Publicera releasen med ändrade filer som en ny release",
          body=EditPublishIn, response=ReleaseOut, status=201)
def publish_edit(release: str, body: dict[str, Any]) -> dict[str, Any]:
    return engine().publish_edit(release, body["files"], body["removed"], body["label"], current_user())


@endpoint(bp, RELEASE + "/pilot", "POST", summary="Pilota releasen på valda enheter (dry_run visar skillnaden)",
          body=PilotIn, response=PilotOut)
def pilot(release: str, body: dict[str, Any]) -> dict[str, Any]:
    return engine().pilot_release(release, body["units"], current_user(), body["dry_run"])
