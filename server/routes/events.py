"""Reporting and reading events (avvikelser), their closure status and their audit log."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Response

from server.auth import current_user
from server.downloads import DOWNLOADS, download_response
from server.http import endpoint, engine
from server.schemas import (
    ActionIn,
    AreaAddIn,
    AreaCaseOut,
    AreaChangeIn,
    ActionOut,
    AuditIn,
    AuditOut,
    ClosureOut,
    CompleteOut,
    EventDetailOut,
    EventFilterIn,
    EventOut,
    EventPageOut,
    EventRelationIn,
    EventRelationOut,
    RenameIn,
    ReopenIn,
    ReportIn,
)

bp = Blueprint("events", __name__, url_prefix="/api/v1")
NUMBER = "<string:number>"


@endpoint(bp, "/events", "POST", summary="Rapportera en händelse", body=ReportIn, response=EventOut, status=201)
def report(body: dict[str, Any]) -> dict[str, Any]:
    return engine().report_event(current_user(), body["unit_id"], body["data"])


@endpoint(bp, "/events", summary="Händelser du får se (med ?format=csv|xlsx hela listan, högst 10 000, som fil)",
          query=EventFilterIn, response=EventPageOut, files=DOWNLOADS)
def list_events(query: dict[str, Any]) -> dict[str, Any] | Response:
    filters = {k: query.get(k) for k in ("area", "status", "text")}
    if query["format"] != "json":
        download = engine().event_download(current_user(), unit_id=query.get("unit"), **filters)
        return download_response(download, query["format"])
    return engine().list_events(current_user(), unit_id=query.get("unit"), limit=query["limit"],
                                offset=query["offset"], **filters)


@endpoint(bp, f"/events/{NUMBER}", summary="En händelse med områden, uppgifter, åtgärder och historik",
          response=EventDetailOut)
def get_event(number: str) -> dict[str, Any]:
    return engine().get_event(number, current_user(), purpose="GET /events/{number}")


@endpoint(bp, f"/events/{NUMBER}/title", "POST", summary="Byt händelsens rubrik (med skäl); den följer med överallt",
          body=RenameIn, response=EventOut)
def rename(number: str, body: dict[str, Any]) -> dict[str, Any]:
    return engine().rename_event(number, body["previous_title"], body["title"], body["reason"], current_user())


@endpoint(bp, f"/events/{NUMBER}/closure", summary="Kan ärendena avslutas, och vilka regler saknas?",
          response=ClosureOut, many=True)
def closure(number: str) -> list[dict[str, Any]]:
    return engine().closure_status(number, current_user())


@endpoint(bp, f"/events/{NUMBER}/reopen", "POST", summary="Öppna ett avslutat ärende igen (med skäl; area.yaml "
          "reopen_roles säger vem som får)", body=ReopenIn, response=CompleteOut)
def reopen(number: str, body: dict[str, Any]) -> dict[str, Any]:
    return engine().reopen_case(number, body["area"], body["reason"], current_user())


@endpoint(bp, f"/events/{NUMBER}/actions", "POST", summary="Skapa en åtgärd kopplad till händelsen",
          body=ActionIn, response=ActionOut, status=201)
def create_action(number: str, body: dict[str, Any]) -> dict[str, Any]:
    return engine().create_action(number, current_user(), body["data"], body["area"])


@endpoint(bp, f"/events/{NUMBER}/links", "POST", summary="Koppla händelsen till en annan (dubblett, "
          "laboratorieavvikelse, klagomål, relaterad)", body=EventRelationIn, response=EventRelationOut, status=201)
def add_link(number: str, body: dict[str, Any]) -> dict[str, Any]:
    return engine().add_link(number, body["type"], body["number"], current_user())


@endpoint(bp, f"/events/{NUMBER}/links", summary="Händelsens kopplingar åt båda hållen (de du får se)",
          response=EventRelationOut, many=True)
def links(number: str) -> list[dict[str, Any]]:
    return engine().list_links(number, current_user())


@endpoint(bp, f"/events/{NUMBER}/areas", "POST", summary="Lägg till ett område vid triage (med skäl)",
          body=AreaAddIn, response=AreaCaseOut, status=201)
def add_area(number: str, body: dict[str, Any]) -> dict[str, Any]:
    return engine().add_area(number, body["area"], body["reason"], current_user())


@endpoint(bp, f"/events/{NUMBER}/areas/<string:area>/remove", "POST",
          summary="Ta bort ett område vid triage (med skäl)", body=AreaChangeIn, response=AreaCaseOut)
def remove_area(number: str, area: str, body: dict[str, Any]) -> dict[str, Any]:
    return engine().remove_area(number, area, body["reason"], current_user())


@endpoint(bp, "/audit", summary="Ändrings- och läslogg för en händelse (revisor)", query=AuditIn, response=AuditOut)
def audit(query: dict[str, Any]) -> dict[str, Any]:
    return engine().audit_log(query["event"], current_user())
