"""Deputies (ersättare): name one for a role you hold, see the ones you gave and received, end one early."""

from __future__ import annotations

from typing import Any

from flask import Blueprint

from server.auth import current_user
from server.http import endpoint, engine
from server.schemas import DeputyIn, DeputyOut

bp = Blueprint("deputies", __name__, url_prefix="/api/v1")


@endpoint(bp, "/deputies", summary="Dina ersättaruppdrag som inte är över: de du gett och de du fått",
          response=DeputyOut, many=True)
def mine() -> list[dict[str, Any]]:
    return engine().my_deputyships(current_user())


@endpoint(bp, "/deputies", "POST", summary="Utse en ersättare för en av dina roller under en period",
          body=DeputyIn, response=DeputyOut, status=201)
def name(body: dict[str, Any]) -> dict[str, Any]:
    user = current_user()
    return engine().name_deputy(user, body["deputy"], body["role"], body["unit"], body["starts_at"],
                                body["ends_at"], user)


@endpoint(bp, "/deputies/<int(max=2147483647):deputyship_id>/revoke", "POST",
          summary="Avsluta ett ersättaruppdrag du gett", response=DeputyOut)
def revoke(deputyship_id: int) -> dict[str, Any]:
    return engine().revoke_deputyship(deputyship_id, current_user())
