"""Releases, per-unit bindings and overlays, and migration of open cases: the process owners' API."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, request

from server.auth import current_user
from server.http import endpoint, engine
from server.schemas import (
    BindingIn,
    EffectiveConfigOut,
    MigrateIn,
    MigrationOut,
    OverlayIn,
    ReleaseOut,
    ReleaseUploadIn,
)

bp = Blueprint("config", __name__, url_prefix="/api/v1")
UNIT_AREA = "/units/<string:unit_id>/bindings/<string:area>"
OVERLAY = "/units/<string:unit_id>/overlays/<string:area>/<string:key>"


@endpoint(bp, "/releases", summary="Publicerade releaser", response=ReleaseOut, many=True)
def list_releases() -> list[dict[str, Any]]:
    return engine().list_releases(current_user())


@endpoint(bp, "/releases", "POST", summary="Publicera en definitionsmapp (zip eller tar i kroppen)",
          query=ReleaseUploadIn, response=ReleaseOut, status=201, raw_body=True)
def publish(query: dict[str, Any]) -> dict[str, Any]:
    return engine().publish_archive(request.get_data(), query.get("label"), current_user())


@endpoint(bp, "/releases/migrate", "POST", summary="Flytta öppna ärenden till en release (dry_run först)",
          body=MigrateIn, response=MigrationOut)
def migrate(body: dict[str, Any]) -> dict[str, Any]:
    return engine().migrate_cases(body["area"], body["release"], body["unit"], current_user(), body["dry_run"])


@endpoint(bp, "/units/<string:unit_id>/effective-config", summary="Vad varje område ger för enheten, och varifrån",
          response=EffectiveConfigOut)
def effective_config(unit_id: str) -> dict[str, Any]:
    return engine().effective_config(unit_id, current_user())


@endpoint(bp, UNIT_AREA, summary="Enhetens gällande konfiguration för området", response=EffectiveConfigOut)
def get_binding(unit_id: str, area: str) -> dict[str, Any]:
    return engine().effective_config(unit_id, current_user(), area)


@endpoint(bp, UNIT_AREA, "PUT", summary="Binda enheten (och underenheter) till en release och variant",
          body=BindingIn, response=EffectiveConfigOut)
def put_binding(unit_id: str, area: str, body: dict[str, Any]) -> dict[str, Any]:
    return engine().set_binding(unit_id, area, body["release"], body["variant"], current_user())


@endpoint(bp, UNIT_AREA, "DELETE", summary="Ta bort enhetens egen bindning (den ärver igen)",
          response=EffectiveConfigOut)
def delete_binding(unit_id: str, area: str) -> dict[str, Any]:
    return engine().remove_binding(unit_id, area, current_user())


@endpoint(bp, OVERLAY, "PUT", summary="Sätt enhetens värde för en parameter som området deklarerar",
          body=OverlayIn, response=EffectiveConfigOut)
def put_overlay(unit_id: str, area: str, key: str, body: dict[str, Any]) -> dict[str, Any]:
    return engine().set_overlay(unit_id, area, key, body["value"], current_user())


@endpoint(bp, OVERLAY, "DELETE", summary="Ta bort enhetens eget parametervärde", response=EffectiveConfigOut)
def delete_overlay(unit_id: str, area: str, key: str) -> dict[str, Any]:
    return engine().remove_overlay(unit_id, area, key, current_user())
