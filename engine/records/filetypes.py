"""What an uploaded file is, from its bytes (puremagic's signatures), never from its name; and which types an
attachment may be."""

from __future__ import annotations

import puremagic

__all__ = ["ALLOWED", "detect", "allowed_labels"]

# The allow-list: what a photo, a scanned or written statement or a report is. Executables, archives, HTML and
# scripts are refused whatever they are called.
ALLOWED: dict[str, str] = {
    "image/jpeg": "JPEG-bild",
    "image/png": "PNG-bild",
    "image/webp": "WebP-bild",
    "image/heif": "HEIF-bild (iPhone)",
    "image/heic": "HEIC-bild (iPhone)",
    "application/pdf": "PDF-dokument",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": "Word-dokument",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": "Excel-dokument",
    "text/plain": "Textfil",
}


def _plain_text(data: bytes) -> bool:
    """UTF-8 without control characters other than tab and line breaks: a statement typed in a text editor."""
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return all(c >= " " or c in "\t\r\n\f" for c in text)


def detect(data: bytes) -> str | None:
    """The media type the content shows, or None when it shows none we recognise."""
    try:
        media_type = puremagic.from_string(data, mime=True)
    except (puremagic.PureError, ValueError):
        media_type = ""
    if media_type:
        return media_type
    return "text/plain" if data and _plain_text(data) else None


def allowed_labels() -> str:
    return ", ".join(sorted(set(ALLOWED.values())))
