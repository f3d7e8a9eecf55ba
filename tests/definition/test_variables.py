"""Area variables: ISO durations as SpiffWorkflow reads them, declared and inferred types, and the Swedish reason
a value or a declaration is refused."""

from __future__ import annotations

from datetime import timedelta

import pytest

from engine.definitions.variables import declaration_problems, parse_duration, parse_variable


@pytest.mark.parametrize(("text", "length"), [
    ("P5D", timedelta(days=5)), ("PT8H", timedelta(hours=8)), ("P28DT1M", timedelta(days=28, minutes=1)),
    ("P2W", timedelta(days=14)), ("P1Y", timedelta(days=365)), ("P1M", timedelta(days=30)),
    ("PT90S", timedelta(seconds=90))])
def test_iso_durations_are_read_as_their_approximate_length(text: str, length: timedelta) -> None:
    assert parse_duration(text) == length


@pytest.mark.parametrize("text", ["5D", "P", "PT", "P1DT", "p5d", "P1W2D", "P5D ", "fem dagar", 5, None,
                                  "P" + "1" * 50 + "D"])
def test_anything_else_is_not_a_duration(text: object) -> None:
    assert parse_duration(text) is None


def test_a_plain_value_infers_its_type_with_generous_bounds() -> None:
    assert parse_variable("sla", "P5D").type == "duration"
    assert parse_variable("sla", "P5D").problem("P2Y") == "Längsta tillåtna tid är P1Y."
    assert parse_variable("n", 3).type == "number" and parse_variable("n", 3).problem(10**6)
    assert parse_variable("b", True).type == "boolean" and parse_variable("b", True).problem("ja")
    assert parse_variable("t", "fritext").type == "text" and parse_variable("t", "x").problem("x" * 201)


def test_a_declared_duration_keeps_within_its_bounds() -> None:
    sla = parse_variable("sla_triage", {"type": "duration", "default": "P5D", "min": "PT1H", "max": "P30D"})
    assert sla.problem("P5D") is None
    assert sla.problem("PT30M") == "Kortaste tillåtna tid är PT1H."
    assert sla.problem("P31D") == "Längsta tillåtna tid är P30D."
    assert (sla.problem("fem dagar") or "").startswith("Ange en ISO 8601-varaktighet")


def test_an_enum_takes_only_its_values() -> None:
    level = parse_variable("niva", {"type": "enum", "default": "enkel", "values": ["enkel", "handelseanalys"]})
    assert level.problem("enkel") is None and level.problem("annan") and level.problem(["enkel"])


@pytest.mark.parametrize(("raw", "expected"), [
    ({"type": "duration", "default": "P5D"}, []),
    ({"type": "duration", "default": "P5D", "okand": 1}, ["okand"]),
    ({"type": "tid", "default": "P5D"}, ["type"]),
    ({"type": "enum", "default": "a", "values": []}, ["values"]),
    ({"type": "duration", "default": "P5D", "min": "P10D", "max": "P1D"}, ["min", "default"]),
    # a bound of another type is named, and the default is not compared with it (that raised TypeError)
    ({"type": "number", "default": 3, "min": "noll"}, ["min"]),
    ({"type": "text", "default": "x", "max": "lång"}, ["max"]),
    ({"type": "duration"}, [None]),
    ({"type": "duration", "default": "P60D", "max": "P30D"}, ["default"]),
    ("fem dagar", []),  # plain text is a text variable
    (None, [None]),
])
def test_a_declaration_names_the_key_at_fault(raw: object, expected: list[str | None]) -> None:
    assert [key for key, _ in declaration_problems("sla", raw)] == expected
