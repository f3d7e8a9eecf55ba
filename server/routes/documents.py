"""Documents: export templates for authorities (JSON or PDF), the case summary for the file, the IVO reference
on a decision, and the annual figures for the patient safety report."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Response

from server.auth import current_user
from server.http import endpoint, engine
from server.schemas import (
    AnnualIn,
    AnnualOut,
    AvailableExportOut,
    DecisionOut,
    DecisionReferenceIn,
    EntityOut,
    EventDetailOut,
    ExportOut,
    FormatIn,
)

bp = Blueprint("documents", __name__, url_prefix="/api/v1")
NUMBER = "<string:number>"
PDF = ("application/pdf",)  # with ?format=pdf; 503 when WeasyPrint's libraries are missing


def _pdf(content: bytes, name: str) -> Response:
    """A PDF download; never cached, since it may hold patient data."""
    return Response(content, mimetype=PDF[0], headers={
        "Content-Disposition": f'attachment; filename="{name}.pdf"',
        "Cache-Control": "no-store",
    })


@endpoint(bp, f"/events/{NUMBER}/areas/<string:area>/exports/<string:export_id>",
          summary="Förifyllt dokument för en myndighet (IVO:s lex Maria och lex Sarah, Försäkringskassan, "
                  "Kammarkollegiet) som JSON eller PDF", query=FormatIn, response=ExportOut, files=PDF, errors=(503,))
def export(number: str, area: str, export_id: str, query: dict[str, Any]) -> Any:
    if query["format"] == "pdf":
        return _pdf(engine().export_pdf(number, area, export_id, current_user()), f"{number}-{export_id}")
    return engine().export_document(number, area, export_id, current_user())


@endpoint(bp, f"/events/{NUMBER}/exports", summary="Exportmallar du kan skapa för händelsen, med det som saknas",
          response=AvailableExportOut, many=True)
def exports(number: str) -> list[dict[str, Any]]:
    return engine().available_exports(number, current_user())


@endpoint(bp, f"/events/{NUMBER}/summary", summary="Ärendesammanfattning för diariet, som JSON eller PDF",
          query=FormatIn, response=EventDetailOut, files=PDF, errors=(503,))
def summary(number: str, query: dict[str, Any]) -> Any:
    if query["format"] == "pdf":
        return _pdf(engine().case_summary_pdf(number, current_user()), f"{number}-sammanfattning")
    return engine().case_summary(number, current_user())


@endpoint(bp, f"/events/{NUMBER}/decisions/<int:decision_id>/reference", "POST",
          summary="Registrera myndighetens diarienummer (t.ex. IVO:s) på ett fattat beslut",
          body=DecisionReferenceIn, response=DecisionOut)
def decision_reference(number: str, decision_id: int, body: dict[str, Any]) -> dict[str, Any]:
    return engine().record_decision_reference(number, decision_id, body["reference"], current_user())


@endpoint(bp, "/annual-figures", summary="Årsrapportens underlag (patientsäkerhetsberättelsen) per vårdgivare "
          "och år, som JSON eller PDF", query=AnnualIn, response=AnnualOut, files=PDF, errors=(503,))
def annual_figures(query: dict[str, Any]) -> Any:
    entity, year = query["entity"], query["year"]
    if query["format"] == "pdf":
        return _pdf(engine().annual_figures_pdf(entity, year, current_user()), f"arsrapport-{entity}-{year}")
    return engine().annual_figures(entity, year, current_user())


@endpoint(bp, "/annual-figures/entities", summary="Vårdgivare (huvudmän) vars årsrapport du får läsa",
          response=EntityOut, many=True)
def annual_entities() -> list[dict[str, Any]]:
    return engine().annual_entities(current_user())
