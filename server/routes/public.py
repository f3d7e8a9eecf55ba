"""The public channel: patients and relatives send complaints and suggestions without logging in."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, current_app, request

from engine.errors import RateLimited
from server.http import endpoint, engine
from server.schemas import FeedbackIn, FormOut, ReceiptOut

bp = Blueprint("public", __name__, url_prefix="/api/v1")


@endpoint(bp, "/public/feedback", "POST", summary="Lämna synpunkt eller klagomål utan inloggning",
          body=FeedbackIn, response=ReceiptOut, status=201, public=True)
def feedback(body: dict[str, Any]) -> dict[str, Any]:
    settings = current_app.extensions["avvik.settings"]
    if not engine().consume_rate(f"public:{request.remote_addr}", settings.public_rate_limit,
                                 settings.public_rate_window_s):
        raise RateLimited()
    event = engine().report_event(None, settings.public_feedback_unit, body["data"], channel="allmanhet")
    return {"receipt": event["number"], "message": "Tack! Ditt ärende är mottaget. Spara numret."}


@endpoint(bp, "/public/feedback/form", summary="Formuläret för synpunkter och klagomål, utan inloggning",
          response=FormOut, public=True)
def feedback_form() -> dict[str, Any]:
    return engine().shared_form("feedback")
