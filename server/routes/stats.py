"""Statistics of the cases the caller reads, as JSON or as a CSV/XLSX download."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Response

from server.auth import current_user
from server.downloads import DOWNLOADS, download_response
from server.http import endpoint, engine
from server.schemas import StatsIn, StatsOut

bp = Blueprint("stats", __name__, url_prefix="/api/v1")


@endpoint(bp, "/stats", summary="Statistik över ärenden du får se: antal per område, enhet, kategori, risk, status "
          "och period, ledtider, öppna och försenade uppgifter och åtgärder, anmälningar", query=StatsIn,
          response=StatsOut, files=DOWNLOADS)
def statistics(query: dict[str, Any]) -> dict[str, Any] | Response:
    file_format = query.pop("format")
    dimensions = query.pop("dimensions", None)
    args = {"unit_id": query.pop("unit", None), "dimensions": dimensions.split(",") if dimensions else None,
            **query}
    if file_format == "json":
        return engine().statistics(current_user(), **args)
    return download_response(engine().stats_download(current_user(), **args), file_format)
