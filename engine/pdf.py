"""HTML → PDF for the documents avvik prints (export templates, the case summary, the annual figures).

Each document is a Jinja2 template in engine/templates/ rendered to HTML and laid out by WeasyPrint. The
page frame (base.html) puts the event number and title (or the report's heading) on every page and numbers
the pages. WeasyPrint needs pango at run time; where it cannot load, creating a PDF is refused with a Swedish
503 instead of the server failing at import (everything else keeps working).
"""

from __future__ import annotations

import datetime as dt
import functools
from typing import Any

from jinja2 import Environment, PackageLoader, select_autoescape

from engine.errors import Unavailable

__all__ = ["render_html", "render_pdf"]

UNAVAILABLE = ("PDF kan inte skapas på den här servern: biblioteket för PDF (WeasyPrint) eller dess "
               "systembibliotek (pango) kunde inte laddas. Hämta dokumentet som JSON eller kontakta förvaltningen.")
_LABELS = {True: "Ja", False: "Nej"}


def _value(value: Any) -> str:
    """A value as a person reads it: Ja/Nej, lists joined, nested objects as 'nyckel: värde'."""
    if value is None or value == "":
        return ""
    if isinstance(value, bool):
        return _LABELS[value]
    if isinstance(value, list):
        return ", ".join(_value(v) for v in value)
    if isinstance(value, dict):
        return "; ".join(f"{k.replace('_', ' ')}: {_value(v)}" for k, v in value.items() if v not in (None, ""))
    return str(value)


def _date(value: str | None) -> str:
    """An ISO timestamp as 'YYYY-MM-DD HH:MM' (UTC as stored)."""
    if not value:
        return ""
    try:
        return dt.datetime.fromisoformat(value).strftime("%Y-%m-%d %H:%M")
    except ValueError:
        return value


@functools.cache
def _environment() -> Environment:
    env = Environment(loader=PackageLoader("engine", "templates"), autoescape=select_autoescape(["html"]))
    env.filters["value"] = _value
    env.filters["date"] = _date
    return env


def render_html(template: str, context: dict[str, Any]) -> str:
    return _environment().get_template(template).render(**context)


def render_pdf(template: str, context: dict[str, Any]) -> bytes:
    try:
        from weasyprint import HTML  # imported here: pango may be missing, and then only PDFs are unavailable
    except (ImportError, OSError) as exc:
        raise Unavailable(UNAVAILABLE) from exc
    pdf: bytes = HTML(string=render_html(template, context)).write_pdf()
    return pdf
