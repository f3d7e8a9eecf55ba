"""Health, the OpenAPI document, who am I, roles, units and the shared forms."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, current_app

from server.auth import current_user
from server.http import endpoint, engine
from server.schemas import FormIn, FormOut, HealthOut, MeOut, RoleOut, UnitOut

bp = Blueprint("meta", __name__, url_prefix="/api/v1")


@endpoint(bp, "/health", summary="Hälsokontroll (databasen nås)", response=HealthOut, public=True)
def health() -> dict[str, Any]:
    engine().list_releases()  # one round trip to the database
    return {"status": "ok", "database": engine().db.dialect}


@endpoint(bp, "/openapi.json", summary="OpenAPI 3-beskrivning av API:t", public=True)
def openapi() -> dict[str, Any]:
    return current_app.extensions["avvik.openapi"]


@endpoint(bp, "/me", summary="Den inloggade användaren, dess roller och vilka områden de ger", response=MeOut)
def me() -> dict[str, Any]:
    return engine().me(current_user())


@endpoint(bp, "/roles", summary="Roller med svenska namn", response=RoleOut, many=True)
def roles() -> list[dict[str, Any]]:
    return engine().roles()


@endpoint(bp, "/units", summary="Organisationsträdet", response=UnitOut, many=True)
def units() -> list[dict[str, Any]]:
    return engine().list_units()


@endpoint(bp, "/forms/<string:which>", summary="Ett gemensamt formulär: intake, feedback eller action",
          query=FormIn, response=FormOut)
def form(which: str, query: dict[str, Any]) -> dict[str, Any]:
    return engine().shared_form(which, query.get("unit"))
