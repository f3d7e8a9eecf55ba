"""Values the store can hold: what an expression or script may hand back into a case's data.

Case data is stored as JSON on SQLite and PostgreSQL and read by the web client with JSON.parse, so a value
must survive all three unchanged: finite floats (no NaN or Infinity, which are not JSON), text keys only
(json.dumps would turn 1 into "1" silently), no sets or complex numbers, text without NUL or lone surrogates
(PostgreSQL refuses both), and integers within ±(2**53 − 1), the largest JavaScript reads exactly (PostgreSQL
and SQLite store larger ones, but a browser would show and send back a rounded number).
"""

from __future__ import annotations

import math
import re
from typing import Any

__all__ = ["MAX_STORED_INT", "unstorable"]

MAX_STORED_INT = 2**53 - 1  # JavaScript's Number.MAX_SAFE_INTEGER
_BAD_TEXT = re.compile("[\x00\ud800-\udfff]")


def unstorable(value: Any) -> str | None:
    """What in `value` cannot be stored, in Swedish for a process owner (e.g. "en mängd"); None if nothing."""
    stack = [value]
    while stack:
        item = stack.pop()
        if item is None or isinstance(item, bool):
            continue
        if isinstance(item, str):
            if _BAD_TEXT.search(item):
                return "text med ett tecken som inte kan sparas (NUL eller ett ensamt surrogattecken)"
        elif isinstance(item, int):
            if abs(item) > MAX_STORED_INT:
                return f"ett heltal större än {MAX_STORED_INT:,}".replace(",", " ")
        elif isinstance(item, float):
            if not math.isfinite(item):
                return "ett tal som inte är ändligt (oändligt eller NaN)"
        elif isinstance(item, dict):
            if not all(isinstance(key, str) for key in item):
                return "en tabell vars nycklar inte alla är text"
            stack.extend(item.values())
        elif isinstance(item, (list, tuple)):  # a tuple is stored as a list
            stack.extend(item)
        elif isinstance(item, (set, frozenset)):
            return "en mängd ({…}); använd en lista ([…])"
        elif isinstance(item, complex):
            return "ett komplext tal"
        else:
            return f"ett värde av typen {type(item).__name__}"
    return None
