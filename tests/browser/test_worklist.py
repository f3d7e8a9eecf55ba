"""The worklist's filters in the browser: a handler narrows the list to one unit, the filter sits in the address
(a bookmark or the back button brings it back), and "Visa alla" clears it."""

from __future__ import annotations

from typing import Any
from collections.abc import Callable

from playwright.sync_api import expect

from engine import Engine


def test_a_handler_filters_the_worklist_by_unit_and_the_filter_stays_in_the_address(
    open_page: Callable[..., Any], demo: Engine, report: dict[str, Any]
) -> None:
    akut = demo.report_event("eva", "ks-akut", report)["number"]
    avd12 = demo.report_event("eva", "ks-avd12", {**report, "rubrik": "Fall på avdelning 12"})["number"]
    anna = open_page("anna")
    anna.goto("/arbetslista")
    rows = anna.locator(".task-row")
    expect(rows.filter(has_text=akut)).to_have_count(1)
    expect(rows.filter(has_text=avd12)).to_have_count(1)

    filters = anna.get_by_role("form", name="Filtrera arbetslistan")
    filters.get_by_label("Enhet").select_option(label="Vårdavdelning 12, Solna")
    expect(rows.filter(has_text=akut)).to_have_count(0)
    expect(rows.filter(has_text=avd12)).to_have_count(1)
    assert "enhet=ks-avd12" in anna.url
    anna.reload()
    expect(anna.get_by_role("form", name="Filtrera arbetslistan").get_by_label("Enhet")).to_have_value("ks-avd12")
    expect(rows.filter(has_text=akut)).to_have_count(0)

    filters.get_by_label("Bara försenade").check()  # nothing is late yet
    expect(anna.get_by_text("Inga uppgifter matchar filtret.")).to_be_visible()
    filters.get_by_role("button", name="Visa alla").click()
    expect(rows.filter(has_text=akut)).to_have_count(1)
    expect(rows.filter(has_text=avd12)).to_have_count(1)
