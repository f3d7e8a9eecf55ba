"""A reporter on a phone: report at 360 × 640, with the mouse and with the keyboard alone, and see the number."""

from __future__ import annotations

import re
from typing import Any
from collections.abc import Callable

from playwright.sync_api import expect

from engine import Engine

NUMBER = re.compile(r"RS-\d{4}-\d{6}")  # Region Stockholm's series


def test_reporter_reports_on_a_phone_and_sees_the_number(open_page: Callable[..., Any], demo: Engine) -> None:
    page = open_page("eva", width=360, height=640)
    page.goto("/rapportera")
    assert page.locator("html").get_attribute("lang") == "sv"
    page.get_by_label("Sök enhet").fill("akut solna")
    page.get_by_label("Akutmottagningen Solna").check()
    page.get_by_label("Rubrik").fill("Patient föll i korridoren")
    page.get_by_label("Vad hände?").fill("Patienten halkade på ett vått golv utanför rum 4.")
    page.get_by_label("När hände det?").fill("2026-11-20T14:30")
    page.get_by_label("Tillbud (kunde ha lett till skada)").check()
    page.get_by_label("Patient eller brukare").check()
    page.get_by_role("button", name="Skicka rapporten").click()
    number = page.get_by_test_id("event-number").inner_text()
    assert NUMBER.fullmatch(number)
    assert page.evaluate("document.documentElement.scrollWidth") <= 360  # nothing wider than the phone
    event = demo.get_event(number, "anna")
    assert event["title"] == "Patient föll i korridoren" and event["unit_id"] == "ks-akut"
    assert event["report"]["hande_tid"].endswith("Z") or "+" in event["report"]["hande_tid"]

    page.get_by_role("link", name="Till mina rapporter").click()
    expect(page.get_by_role("link", name=number)).to_be_visible()


def test_missing_fields_are_marked_in_swedish_and_nothing_is_sent(open_page: Callable[..., Any], demo: Engine) -> None:
    page = open_page("eva", width=360, height=640)
    page.goto("/rapportera")
    page.get_by_label("Akutmottagningen Solna").check()
    page.get_by_role("button", name="Skicka rapporten").click()
    errors = page.locator(".panel-danger")
    assert "Fältet måste fyllas i." in errors.inner_text()
    assert page.get_by_test_id("event-number").count() == 0
    assert demo.list_events("anna")["items"] == []


def test_the_whole_report_flow_works_with_the_keyboard_alone(open_page: Callable[..., Any], demo: Engine) -> None:
    page = open_page("eva", width=360, height=640)
    page.goto("/rapportera")
    keyboard = page.keyboard
    page.get_by_label("Rubrik").wait_for()
    assert not page.get_by_label("Negativ händelse").is_checked()  # nothing is chosen for the reporter

    def tab_to(name: str) -> None:
        """Press Tab until the element named `name` (its label or accessible name) has the focus."""
        for _ in range(60):
            keyboard.press("Tab")
            focused = page.evaluate(
                "() => { const e = document.activeElement; return (e.labels && e.labels[0] ? e.labels[0].innerText"
                " : e.getAttribute('aria-label') || e.innerText || '').trim(); }")
            if focused.startswith(name):
                return
        raise AssertionError(f"Tab never reached {name!r}")

    tab_to("Sök enhet")
    keyboard.type("akutmottagningen solna")
    tab_to("Akutmottagningen Solna")
    keyboard.press("Space")
    tab_to("Rubrik")
    keyboard.type("Larmet på avdelningen tystnade")
    tab_to("Vad hände?")
    keyboard.type("Larmet slutade fungera under natten.")
    tab_to("När hände det?")
    keyboard.type("2026")  # the date-time field's segments, year first as in Swedish; a year may be longer
    keyboard.press("ArrowRight")
    keyboard.type("11201430")
    tab_to("Negativ händelse")
    keyboard.press("ArrowDown")  # radio group: arrows move to Tillbud and choose it
    tab_to("Utrustning eller egendom")
    keyboard.press("Space")
    tab_to("Skicka rapporten")
    keyboard.press("Enter")
    number = page.get_by_test_id("event-number").inner_text()
    assert NUMBER.fullmatch(number)
    event = demo.get_event(number, "anna")
    assert event["report"]["handelsetyp"] == "tillbud" and event["report"]["drabbade"] == ["utrustning"]
