"""CSV and XLSX files from the engine's tables (engine/tables.py), as download responses.

CSV is what Swedish Excel opens by double-click: UTF-8 with a byte order mark, `;` between fields, CRLF. Text that
a spreadsheet would run as a formula (=, +, -, @ first) is written as text in both formats, since titles are
typed by reporters.
"""

from __future__ import annotations

import csv
import io

from flask import Response
from openpyxl import Workbook
from openpyxl.utils import get_column_letter

from engine.api import Download, Table

__all__ = ["MEDIA_TYPES", "DOWNLOADS", "download_response", "to_csv", "to_xlsx"]

MEDIA_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}
# what an endpoint that answers ?format=csv|xlsx declares (server/http.py `files`)
DOWNLOADS = tuple(media.split(";")[0] for media in MEDIA_TYPES.values())
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _text_safe(value: object) -> object:
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    return value


def to_csv(download: Download) -> bytes:
    """The notes, then each table under its name, separated by an empty line."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
    for what, value in download.notes:
        writer.writerow([_text_safe(what), _text_safe(value)])
    for table in download.tables:
        if buffer.tell():
            writer.writerow([])
        if len(download.tables) > 1:
            writer.writerow([table.name])
        writer.writerow(table.headers)
        writer.writerows([[_text_safe(v) for v in row] for row in table.rows])
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def _sheet(workbook: Workbook, table: Table) -> None:
    sheet = workbook.create_sheet(table.name[:31])
    sheet.append(table.headers)
    for row in table.rows:
        sheet.append([None] * len(row))
        for column, value in enumerate(row, start=1):
            cell = sheet.cell(row=sheet.max_row, column=column)
            cell.value = value
            if isinstance(value, str):
                cell.data_type = "s"  # never a formula, whatever the text starts with
    for column, header in enumerate(table.headers, start=1):
        sheet.column_dimensions[get_column_letter(column)].width = max(10, min(60, len(header) + 4))
    sheet.freeze_panes = "A2"


def to_xlsx(download: Download) -> bytes:
    """A sheet "Om uttaget" with the notes, then a sheet per table."""
    workbook = Workbook()
    about = workbook.active
    about.title = "Om uttaget"
    for what, value in download.notes:
        about.append([what, value])
        about.cell(row=about.max_row, column=2).data_type = "s"
    about.column_dimensions["A"].width = 16
    about.column_dimensions["B"].width = 80
    for table in download.tables:
        _sheet(workbook, table)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def download_response(download: Download, file_format: str) -> Response:
    body = to_csv(download) if file_format == "csv" else to_xlsx(download)
    response = Response(body, mimetype=MEDIA_TYPES[file_format].split(";")[0])
    if file_format == "csv":
        response.headers["Content-Type"] = MEDIA_TYPES["csv"]
    name = f"{download.stem}-{download.made_on.isoformat()}.{file_format}"
    response.headers["Content-Disposition"] = f'attachment; filename="{name}"'
    response.headers["Cache-Control"] = "no-store"  # may hold patient identifiers
    if download.truncated:
        response.headers["X-Avvik-Truncated"] = "true"
    return response
