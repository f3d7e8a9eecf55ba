"""Bare ISO timer text (P7D, PT1H, dates, cycles) is read as the value it plainly is, and quoted for SpiffWorkflow."""

from __future__ import annotations

import pytest

from engine.definitions.isotime import is_bare_iso


@pytest.mark.parametrize("text", ["P7D", "PT1H", " PT4H ", "P0D", "R3/P1D", "R/PT1H", "2026-01-31",
                                  "2026-01-31T08:00:00+01:00"])
def test_iso_values_are_bare(text: str) -> None:
    assert is_bare_iso(text)


@pytest.mark.parametrize("text", ["sla_triage", "pt", "P", '"P7D"', "sla_a if x else sla_b", "f'P{dagar}D'"])
def test_names_and_expressions_are_not(text: str) -> None:
    assert not is_bare_iso(text)
