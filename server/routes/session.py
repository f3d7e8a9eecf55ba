"""How the web app signs in: its public settings and, only when the server runs in demo mode (AVVIK_DEMO=1,
set by `make run`), a list of the demo users and a login that hands out a short-lived API token for one of them.

Outside demo mode the demo endpoints answer 404, exactly as if they did not exist.
"""

from __future__ import annotations

from datetime import datetime, timedelta, UTC
from typing import Any

from flask import Blueprint, current_app
from marshmallow import Schema, fields, validate

from server.demo import USERS
from engine.api import NotFound
from server.http import endpoint, engine
from server.schemas import GrantOut, StrictSchema

bp = Blueprint("session", __name__, url_prefix="/api/v1")

DEMO_TOKEN_HOURS = 12


class OidcSettingsOut(Schema):
    issuer = fields.String()
    client_id = fields.String()
    scope = fields.String()


class SessionConfigOut(Schema):
    demo = fields.Boolean(metadata={"description": "true: the demo login is on (never in production)"})
    oidc = fields.Nested(OidcSettingsOut, allow_none=True)


class DemoGrantOut(GrantOut):
    role_name = fields.String()
    unit_name = fields.String()


class DemoUserOut(Schema):
    id = fields.String()
    name = fields.String()
    grants = fields.List(fields.Nested(DemoGrantOut))


class DemoLoginIn(StrictSchema):
    user = fields.String(required=True, validate=validate.Length(min=1, max=100))


class DemoLoginOut(Schema):
    token = fields.String()
    user = fields.String()
    expires_at = fields.String()


def _require_demo() -> None:
    if not current_app.extensions["avvik.settings"].demo:
        raise NotFound("Adressen finns inte.")


@endpoint(bp, "/session/config", summary="Webbappens offentliga inloggningsinställningar", response=SessionConfigOut,
          public=True)
def session_config() -> dict[str, Any]:
    settings = current_app.extensions["avvik.settings"]
    oidc = None
    if current_app.extensions["avvik.oidc"].enabled and settings.oidc_client_id:
        oidc = {"issuer": settings.oidc_issuer, "client_id": settings.oidc_client_id, "scope": "openid profile"}
    return {"demo": settings.demo, "oidc": oidc}


@endpoint(bp, "/demo/users", summary="Demoanvändare (endast i demoläge, annars 404)", response=DemoUserOut,
          many=True, public=True, errors=(404,))
def demo_users() -> list[dict[str, Any]]:
    _require_demo()
    names = engine().display_names()
    roles, units = names["roles"], names["units"]
    return [{"id": user_id, "name": name, "grants": [
        {"role": r, "unit_id": u, "role_name": roles.get(r, r), "unit_name": units.get(u, u)} for r, u in grants
    ]} for user_id, name, grants in USERS]


@endpoint(bp, "/demo/login", "POST", summary="Logga in som demoanvändare (endast i demoläge, annars 404)",
          body=DemoLoginIn, response=DemoLoginOut, public=True, errors=(404,))
def demo_login(body: dict[str, Any]) -> dict[str, Any]:
    _require_demo()
    if body["user"] not in {user_id for user_id, _, _ in USERS}:
        raise NotFound("Det finns ingen sådan demoanvändare.")
    expires = datetime.now(UTC) + timedelta(hours=DEMO_TOKEN_HOURS)
    token = engine().create_token(body["user"], "demo-inloggning", expires)
    return {"token": token, "user": body["user"], "expires_at": expires.isoformat()}
