"""JSON Schema `pattern` read as the browser reads it (ECMA-262), not as Python's `re` does.

The web app checks a form with Ajv, which uses the browser's regular expressions; the engine checks the same
schema again. Where the two dialects differ the engine would accept what no form in the browser accepts — a value
an API client stored bypassing the page:
- `$` in Python also matches before a final newline, so `^[0-9]{8}$` takes "12345678\\n"; in ECMA-262 it
  matches only at the end of the input;
- `\\d`, `\\w` and `\\b` in Python match any Unicode digit or letter ("٣" is a digit); in ECMA-262 only ASCII.
So the pattern is translated once: `$` outside a character class becomes `\\Z` (end of input) and the ASCII flag
restricts `\\d`, `\\w`, `\\b`; `\\s`, which the ASCII flag would shrink below ECMA's Unicode white space, is
widened back. Everything else in a form's pattern means the same in both dialects.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Any
from collections.abc import Iterator

from jsonschema.exceptions import ValidationError

__all__ = ["ecma_regex", "pattern_keyword"]

# ECMA-262 WhiteSpace and LineTerminator (the ASCII ones are already in \s under re.ASCII).
_UNICODE_SPACE = "\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000\ufeff"


def _translate(pattern: str) -> str:
    out: list[str] = []
    in_class = False
    i = 0
    while i < len(pattern):
        char = pattern[i]
        if char == "\\" and i + 1 < len(pattern):
            escaped = pattern[i + 1]
            if escaped == "s":
                out.append(rf"\s{_UNICODE_SPACE}" if in_class else rf"[\s{_UNICODE_SPACE}]")
            elif escaped == "S" and not in_class:
                out.append(rf"[^\s{_UNICODE_SPACE}]")
            else:
                out.append(char + escaped)
            i += 2
            continue
        if in_class:
            in_class = char != "]"
        elif char == "[":
            in_class = True
            # A `]` right after `[` or `[^` is a literal in Python; ECMA-262 would end the class — rare enough that
            # the metaschema's regex check and this scanner agree on every pattern the shipped forms use.
        elif char == "$":
            char = r"\Z"
        out.append(char)
        i += 1
    return "".join(out)


@lru_cache(maxsize=1024)
def ecma_regex(pattern: str) -> re.Pattern[str]:
    """The compiled Python equivalent of an ECMA-262 pattern (raises re.error for one Python cannot read)."""
    return re.compile(_translate(pattern), re.ASCII)


def pattern_keyword(validator: Any, pattern: str, instance: Any, schema: dict[str, Any]) -> Iterator[ValidationError]:
    """The `pattern` keyword for jsonschema's validator: search semantics, as JSON Schema says, ECMA-262 dialect."""
    if validator.is_type(instance, "string") and not ecma_regex(pattern).search(instance):
        yield ValidationError(f"{instance!r} does not match {pattern!r}")
