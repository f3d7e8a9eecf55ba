"""marshmallow's validation messages in Swedish: staff read them next to the field they concern.

marshmallow writes English templates ("Longer than maximum length {max}."). Each one here has a Swedish
template with the same placeholders; a message is matched against the English templates (placeholders as
wildcards) and rewritten. tests/server/test_messages.py checks that every template of the fields and
validators the API schemas use has a translation, so a new field type cannot bring English back silently.
"""

from __future__ import annotations

import re
from functools import lru_cache

__all__ = ["SWEDISH", "swedish"]

SWEDISH: dict[str, str] = {
    # fields (Field and the types the API uses)
    "Missing data for required field.": "Fältet måste fyllas i.",
    "Field may not be null.": "Fältet får inte vara tomt (null).",
    "Invalid value.": "Ogiltigt värde.",
    "Not a valid string.": "Ska vara text.",
    "Not a valid utf-8 string.": "Texten är inte giltig UTF-8.",
    "Not a valid integer.": "Ska vara ett heltal.",
    "Not a valid number.": "Ska vara ett tal.",
    "Number too large.": "Talet är för stort.",
    "Not a valid boolean.": "Ska vara sant eller falskt (true/false).",
    "Not a valid mapping type.": "Ska vara ett objekt (JSON-objekt).",
    "Not a valid list.": "Ska vara en lista (JSON-lista).",
    "Invalid type.": "Fel typ av värde.",
    "Not a valid date.": "Ska vara ett datum (ÅÅÅÅ-MM-DD).",
    "Not a valid datetime.": "Ska vara en tidpunkt (ISO 8601).",
    "Not a valid {obj_type}.": "Ogiltigt datum eller tidpunkt.",
    "Not a valid {awareness} {obj_type}.": "Tidpunkten ska ha (eller sakna) tidszon som fältet kräver.",
    "Cannot format string with given data_format.": "Fel format.",
    # schema
    "Invalid input type.": "Fel typ av värde.",
    "Unknown field.": "Okänt fält.",
    # validators
    "Length must be between {min} and {max}.": "Ska vara mellan {min} och {max} tecken långt.",
    "Length must be {equal}.": "Ska vara exakt {equal} tecken långt.",
    "Longer than maximum length {max}.": "Får vara högst {max} tecken långt.",
    "Shorter than minimum length {min}.": "Ska vara minst {min} tecken långt.",
    "Must be greater than or equal to {min} and less than or equal to {max}.": "Ska vara mellan {min} och {max}.",
    "Must be greater than or equal to {min}.": "Ska vara minst {min}.",
    "Must be less than or equal to {max}.": "Får vara högst {max}.",
    "Must be greater than {min}.": "Ska vara större än {min}.",
    "Must be less than {max}.": "Ska vara mindre än {max}.",
    "Must be one of: {choices}.": "Ska vara något av: {choices}.",
    "String does not match expected pattern.": "Värdet har fel format.",
}


@lru_cache(maxsize=1)
def _patterns() -> list[tuple[re.Pattern[str], str]]:
    patterns = []
    for english, swedish_text in SWEDISH.items():
        parts = re.split(r"\{(\w+)\}", english)  # literal, name, literal, name, …
        regex = "".join(re.escape(p) if i % 2 == 0 else f"(?P<{p}>.+?)" for i, p in enumerate(parts))
        patterns.append((re.compile(regex), swedish_text))
    return patterns


def swedish(message: str) -> str:
    """The Swedish form of one of marshmallow's messages; a message of our own (already Swedish) is kept."""
    for pattern, swedish_text in _patterns():
        match = pattern.fullmatch(message)
        if match:
            return swedish_text.format(**match.groupdict())
    return message
