"""Area variable declarations: the one check that area.yaml defaults and units' overlays both pass."""

from __future__ import annotations

from typing import Any

import pytest

from engine.definitions.variables import declaration_problems, parse_variable

DURATION = {"type": "duration", "default": "P5D", "min": "PT1H", "max": "P30D"}
NUMBER = {"type": "number", "default": 3, "min": 1, "max": 10}
ENUM = {"type": "enum", "default": "kort", "values": ["kort", "lang"]}

# (declaration in area.yaml, value, accepted)
VALUES: list[tuple[Any, Any, bool]] = [
    (DURATION, "PT12H", True), (DURATION, "P1W", True), (DURATION, "P1DT12H", True), (DURATION, "P30D", True),
    (DURATION, "P31D", False), (DURATION, "PT59M", False), (DURATION, "fem dagar", False), (DURATION, "5", False),
    (DURATION, "P", False), (DURATION, "PT", False), (DURATION, "P1DT", False), (DURATION, "p5d", False),
    (DURATION, "P1W2D", False), (DURATION, "P999999999D", False), (DURATION, 5, False), (DURATION, None, False),
    (NUMBER, 1, True), (NUMBER, 10.0, True), (NUMBER, 0, False), (NUMBER, 11, False), (NUMBER, True, False),
    (NUMBER, "3", False),
    (ENUM, "lang", True), (ENUM, "mellan", False), (ENUM, ["kort"], False),
    ({"type": "boolean", "default": False}, True, True), ({"type": "boolean", "default": False}, "ja", False),
    ({"type": "text", "default": "a", "max": 5}, "abcde", True), ({"type": "text", "default": "a", "max": 5}, "abcdef",
                                                                  False),
    # plain values: the type is inferred, with generous bounds
    ("P5D", "P1Y", True), ("P5D", "P2Y", False), ("P5D", "x" * 900_000, False), ("P5D", 5, False),
    (3, 99_999, True), (3, 100_001, False), (True, False, True), (True, 1, False),
    ("Region Stockholm", "Region Gotland", True), ("Region Stockholm", "x" * 201, False),
]


@pytest.mark.parametrize(("raw", "value", "accepted"), VALUES)
def test_a_value_passes_its_declaration_or_says_why_not(raw: Any, value: Any, accepted: bool) -> None:
    problem = parse_variable("v", raw).problem(value)
    assert (problem is None) == accepted, problem
    assert problem is None or problem.endswith(".")  # a Swedish sentence for the 422


# (declaration, the keys its faults are reported at)
DECLARATIONS: list[tuple[Any, list[str | None]]] = [
    (DURATION, []), (NUMBER, []), (ENUM, []), ("P5D", []), (3, []),
    ({"type": "duration", "default": "P90D", "max": "P30D"}, ["default"]),
    ({"type": "duration", "default": "P5D", "min": "P10D", "max": "P1D"}, ["min", "default"]),
    ({"type": "duration", "default": "P5D", "max": "en månad"}, ["max"]),
    ({"type": "tid", "default": "P5D"}, ["type"]),
    ({"type": "enum", "default": "a"}, ["values"]),
    ({"type": "number", "min": 1}, [None]),
    ({"type": "boolean", "default": True, "maximum": 1}, ["maximum"]),
    (None, [None]),
]


@pytest.mark.parametrize(("raw", "keys"), DECLARATIONS)
def test_declarations_are_checked_like_overlays(raw: Any, keys: list[str | None]) -> None:
    assert [key for key, _ in declaration_problems("v", raw)] == keys
