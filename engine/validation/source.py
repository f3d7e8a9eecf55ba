"""Checks every file gets before any parser sees it: size, emptiness, binary content, UTF-8 text."""

from __future__ import annotations

from engine.definitions.files import MAX_FILE_BYTES
from engine.validation.findings import ERROR, Finding

__all__ = ["check_bytes", "decode_text", "line_of_offset"]


def line_of_offset(data: bytes | str, offset: int) -> int:
    newline = b"\n" if isinstance(data, bytes) else "\n"
    return data.count(newline, 0, max(offset, 0)) + 1  # type: ignore[arg-type]


def _binary(data: bytes) -> bool:
    """NUL bytes never occur in UTF-8 text; UTF-16 XML (which has them) starts with a byte-order mark."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return False
    return b"\x00" in data[:65536]


def check_bytes(file: str, data: bytes) -> list[Finding]:
    """Refuse what no parser should be asked to read; an empty list means go on."""
    if len(data) > MAX_FILE_BYTES:
        return [Finding(ERROR, "file.too_large", file,
                        f"Filen är {len(data) // 1024} kB, men en definitionsfil får vara högst "
                        f"{MAX_FILE_BYTES // 1024} kB.",
                        "Kontrollera att det är rätt fil. Dela upp en mycket stor process i flera mindre.")]
    if not data.strip():
        return [Finding(ERROR, "file.empty", file, "Filen är tom.",
                        "Spara filen på nytt från modelleringsverktyget eller ta bort den.")]
    if _binary(data):
        return [Finding(ERROR, "file.binary", file,
                        "Filen innehåller binära data och är ingen textfil (den kan vara skadad eller av fel typ).",
                        "Kontrollera att rätt fil har lagts här och spara den på nytt som text.")]
    return []


def decode_text(file: str, data: bytes) -> tuple[str | None, list[Finding]]:
    """UTF-8 text (a byte-order mark is allowed), or a finding that says on which line it breaks."""
    found = check_bytes(file, data)
    if found:
        return None, found
    try:
        return data.decode("utf-8-sig"), []
    except UnicodeDecodeError as exc:
        line = line_of_offset(data, exc.start)
        return None, [Finding(ERROR, "file.encoding", file,
                              f"Filen är inte sparad som UTF-8 (ogiltiga tecken på rad {line}).",
                              "Spara filen med teckenkodningen UTF-8 (så att å, ä och ö blir rätt).", line=line)]
