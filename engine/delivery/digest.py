"""The daily digest: one mail per person and day listing the notifications they chose to get that way (each
with its subject, what it is and its link), in Swedish, plain text and HTML."""

from __future__ import annotations

from datetime import date
from html import escape

from engine.definitions.notifications import KINDS
from engine.store.models import Notification

__all__ = ["digest_subject", "digest_text", "digest_html"]


def digest_subject(day: date, count: int) -> str:
    return f"avvik: {count} {'notis' if count == 1 else 'notiser'} {day.isoformat()}"


def digest_text(rows: list[Notification], public_url: str) -> str:
    lines = ["Det här har hänt i dina ärenden sedan förra sammanställningen.", ""]
    for row in rows:
        lines += [f"- {KINDS.get(row.kind, row.kind)}: {row.subject}", f"  {public_url}{row.link}"]
    lines += ["", f"Alla dina notiser: {public_url}/notiser",
              f"Välj vad som kommer direkt, samlat eller inte alls: {public_url}/notiser/installningar"]
    return "\n".join(lines)


def digest_html(rows: list[Notification], public_url: str) -> str:
    items = "".join(
        f'<li>{escape(KINDS.get(row.kind, row.kind))}: <a href="{escape(public_url + row.link)}">'
        f"{escape(row.subject)}</a></li>" for row in rows)
    return (f"<p>Det här har hänt i dina ärenden sedan förra sammanställningen.</p><ul>{items}</ul>"
            f'<p><a href="{escape(public_url)}/notiser">Alla dina notiser</a> · '
            f'<a href="{escape(public_url)}/notiser/installningar">Välj vad som kommer direkt, samlat eller inte '
            "alls</a></p>")
