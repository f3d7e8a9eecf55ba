"""Line numbers for JSON pointers, so a form finding can say on which line a field is.

json.loads forgets positions; this small scanner walks text that json.loads already accepted and records
where each value (or object key) starts.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from json.decoder import scanstring  # type: ignore[attr-defined]  # public, but not in typeshed

__all__ = ["pointer_lines", "pointer", "line_for"]

_WS = re.compile(r"[ \t\n\r]*")
_SCALAR = re.compile(r"-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][-+]?\d+)?|true|false|null")


def pointer(*parts: object) -> str:
    """A JSON pointer (RFC 6901) from path parts."""
    return "".join("/" + str(p).replace("~", "~0").replace("/", "~1") for p in parts)


def pointer_lines(text: str) -> dict[str, int]:
    """JSON pointer -> 1-based line; empty if the text is not JSON or too deep to scan."""
    starts = [0] + [m.end() for m in re.finditer("\n", text)]
    lines: dict[str, int] = {}

    def line(offset: int) -> int:
        return bisect_right(starts, offset)

    def ws(i: int) -> int:
        return _WS.match(text, i).end()  # type: ignore[union-attr]

    def value(i: int, ptr: str) -> int:
        i = ws(i)
        lines.setdefault(ptr, line(i))
        char = text[i]
        if char == "{":
            i = ws(i + 1)
            if text[i] == "}":
                return i + 1
            while True:
                key, i = scanstring(text, ws(i) + 1)
                child = ptr + pointer(key)
                lines.setdefault(child, line(i))
                i = value(ws(i) + 1, child)  # skip the ':'
                i = ws(i)
                if text[i] == "}":
                    return i + 1
                i += 1  # ','
        if char == "[":
            i, index = ws(i + 1), 0
            if text[i] == "]":
                return i + 1
            while True:
                i = ws(value(i, ptr + pointer(index)))
                index += 1
                if text[i] == "]":
                    return i + 1
                i += 1
        if char == '"':
            return int(scanstring(text, i + 1)[1])
        match = _SCALAR.match(text, i)
        if match is None:
            raise ValueError(i)
        return match.end()

    try:
        value(0, "")
    except (ValueError, IndexError, RecursionError):
        return {}
    return lines


def line_for(lines: dict[str, int], ptr: str) -> int | None:
    """The line of a pointer, or of its nearest ancestor that has one."""
    while True:
        if ptr in lines:
            return lines[ptr]
        if not ptr:
            return None
        ptr = ptr.rsplit("/", 1)[0]
