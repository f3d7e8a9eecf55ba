"""The one input boundary for text: every JSON body, path and query string passes here before a view sees it.

JSON is parsed strictly (standard JSON only: no NaN/Infinity, no number beyond float range, nesting bounded), and
text no database can store (NUL, lone surrogates; see engine/rules/text.py) is refused with where it was.
"""

from __future__ import annotations

import json
import math
from typing import Any

from flask import Flask, request
from werkzeug.exceptions import BadRequest, UnsupportedMediaType

from engine.api import InvalidInput, storable, unstorable_paths

__all__ = ["MAX_JSON_DEPTH", "BadJson", "BadText", "json_body", "register"]

# Deeper JSON than any form needs is refused before it reaches recursive code (parsers, validators, storage).
MAX_JSON_DEPTH = 32


class BadJson(BadRequest):
    avvik_code = "bad_request"
    description = ("Kroppen är inte giltig JSON. NaN, Infinity, tal utanför flyttalsområdet och djupare nästling "
                   f"än {MAX_JSON_DEPTH} nivåer tillåts inte.")


class BadText(BadRequest):
    avvik_code = "invalid_text"
    description = "Adressen eller frågesträngen innehåller otillåtna tecken (NUL eller ensamma surrogattecken)."


def _depth(value: Any) -> int:
    """Nesting depth, iteratively: a recursive walk would itself overflow on hostile input."""
    deepest, stack = 0, [(value, 1)]
    while stack:
        node, level = stack.pop()
        deepest = max(deepest, level)
        if level > MAX_JSON_DEPTH:
            break
        children = node.values() if isinstance(node, dict) else node if isinstance(node, list) else ()
        stack.extend((child, level + 1) for child in children)
    return deepest


def _no_constant(name: str) -> Any:
    raise ValueError(f"{name} is not standard JSON")


def _finite(literal: str) -> float:
    value = float(literal)
    if not math.isfinite(value):  # 1e400 parses as inf
        raise ValueError(f"{literal} is outside the float range")
    return value


def json_body() -> Any:
    """The request's JSON body, parsed strictly; 415 if it is not JSON, 400 if it is not standard JSON, 422
    naming every path (keys too) that holds text the database cannot store."""
    if not request.is_json:
        raise UnsupportedMediaType()
    try:
        raw = request.get_data(cache=True)
    except OSError:  # a broken chunked encoding surfaces from the server's input stream as an IOError
        raise BadJson() from None
    try:
        data = json.loads(raw, parse_constant=_no_constant, parse_float=_finite)
    except (ValueError, RecursionError):  # UnicodeDecodeError and JSONDecodeError are ValueErrors
        raise BadJson() from None
    if _depth(data) > MAX_JSON_DEPTH:
        raise BadJson()
    bad = unstorable_paths(data)
    if bad:
        raise InvalidInput("Texten innehåller otillåtna tecken.", errors=[
            {"path": path, "message": "NUL och ensamma surrogattecken (\\u0000, \\ud800–\\udfff) är inte tillåtna."}
            for path in bad
        ])
    return data


def _check_path_and_query() -> None:
    texts = [request.path, *request.args.keys(), *request.args.values()]
    if not all(storable(text) for text in texts):
        raise BadText()


def register(app: Flask) -> None:
    app.before_request(_check_path_and_query)
