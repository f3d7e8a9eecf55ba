"""Health (liveness: cheap), readiness (database, schema, configuration), the OpenAPI document, who am I, roles,
units and the shared forms."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Response, current_app

from server.auth import current_user
from server.http import endpoint, engine
from server.errors import error_response
from server.schemas import CheckOut, FormIn, FormOut, HealthOut, MeOut, ReadyOut, RoleOut, UnitOut

bp = Blueprint("meta", __name__, url_prefix="/api/v1")


@endpoint(bp, "/health", summary="Hälsokontroll (databasen nås)", response=HealthOut, public=True)
def health() -> dict[str, Any]:
    return engine().liveness()


@endpoint(bp, "/ready", summary="Redo att ta emot trafik: databasen nås, schemat är på senaste versionen och en "
          "release är aktiv (annars 503 med skälen)", response=ReadyOut, public=True, errors=(503,))
def ready() -> dict[str, Any] | Response:
    checks = [check.to_dict() for check in engine().readiness()]
    if all(check["ok"] for check in checks):
        return {"status": "ready", "checks": checks}
    return error_response(503, "not_ready", "Tjänsten är inte redo: " + " ".join(
        c["message"] for c in checks if not c["ok"]), checks=CheckOut(many=True).dump(checks))


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
