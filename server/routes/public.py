"""The public channel: patients and relatives send complaints and suggestions without logging in, and follow
them with the receipt code and secret they got (header `X-Avvik-Secret`, or query `?secret=`)."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, current_app, request

from engine.api import Quota
from server.http import endpoint, engine
from server.schemas import FeedbackIn, FeedbackStatusOut, FormOut, PublicEntityOut, ReceiptOut

bp = Blueprint("public", __name__, url_prefix="/api/v1")
SECRET_HEADER = "X-Avvik-Secret"


def _quota() -> Quota:
    """Per client address and window, shared by every API worker."""
    settings = current_app.extensions["avvik.settings"]
    return Quota(str(request.remote_addr), settings.public_rate_limit, settings.public_rate_window_s)


@endpoint(bp, "/public/entities", summary="Vårdgivarna (huvudmännen) som tar emot synpunkter och klagomål här",
          response=PublicEntityOut, many=True, public=True)
def entities() -> list[dict[str, Any]]:
    return engine().public_entities()


@endpoint(bp, "/public/<string:entity>/feedback", "POST", summary="Lämna synpunkt eller klagomål till en vårdgivare "
          "utan inloggning; svaret har en kvittokod och ett lösenord som bara visas en gång", body=FeedbackIn,
          response=ReceiptOut, status=201, public=True)
def feedback(entity: str, body: dict[str, Any]) -> dict[str, Any]:
    return engine().submit_public_feedback(entity, body["data"], _quota())


@endpoint(bp, "/public/feedback/<string:receipt>", summary="Följ ditt ärende utan inloggning: status och svar. "
          f"Lösenordet i huvudet {SECRET_HEADER} (eller ?secret=); fel kod eller lösenord ger 404",
          response=FeedbackStatusOut, public=True)
def follow(receipt: str) -> dict[str, Any]:
    secret = request.headers.get(SECRET_HEADER) or request.args.get("secret") or ""
    return engine().follow_public_feedback(receipt, secret, _quota())


@endpoint(bp, "/forms/feedback", summary="Formuläret för synpunkter och klagomål (utan inloggning)",
          response=FormOut, public=True)
def feedback_form() -> dict[str, Any]:
    return engine().shared_form("feedback")
