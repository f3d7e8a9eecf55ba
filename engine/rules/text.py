"""Text every database can store. PostgreSQL refuses NUL in text and JSON columns, and a lone UTF-16 surrogate
has no UTF-8 encoding (SQLite stores it anyway, and every later read of the row then fails). Both are refused
wherever text enters: HTTP bodies, paths and queries, and the CLI."""

from __future__ import annotations

import re
from typing import Any

__all__ = ["storable", "printable", "unstorable_paths"]

# After JSON decoding a valid surrogate pair is one astral character, so any surrogate left is a lone one.
_UNSTORABLE = re.compile("[\x00\ud800-\udfff]")


def storable(text: str) -> bool:
    return _UNSTORABLE.search(text) is None


def printable(text: str) -> str:
    """The text with every unstorable character replaced, safe to echo back (e.g. in an error's path)."""
    return _UNSTORABLE.sub("\ufffd", text)


def unstorable_paths(value: Any, path: str = "") -> list[str]:
    """The paths ("data/drabbade/0") of every string or key holding unstorable text; iterative, so a deep
    document cannot overflow the stack."""
    found: list[str] = []
    stack: list[tuple[Any, str]] = [(value, path)]
    while stack:
        node, at = stack.pop()
        if isinstance(node, str):
            if not storable(node):
                found.append(at)
            continue
        items = node.items() if isinstance(node, dict) else enumerate(node) if isinstance(node, list) else ()
        for key, child in items:
            name = printable(key) if isinstance(key, str) else str(key)
            child_at = f"{at}/{name}" if at else name
            if isinstance(key, str) and not storable(key):
                found.append(child_at)
            stack.append((child, child_at))
    return sorted(found)
