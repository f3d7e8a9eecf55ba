"""A patient's relative complains on /synpunkter without logging in and gets a receipt code to keep."""

from __future__ import annotations

from typing import Any, Callable

from playwright.sync_api import expect

from engine import Engine


def test_complainant_submits_without_login_and_gets_a_receipt(open_page: Callable[..., Any], demo: Engine) -> None:
    page = open_page(width=360, height=640)
    page.goto("/synpunkter")
    expect(page.get_by_role("heading", level=1)).to_have_text("Synpunkter och klagomål")
    page.get_by_label("Rubrik").fill("Lång väntan på akuten")
    page.get_by_label("Vad vill du berätta?").fill("Min pappa väntade i åtta timmar utan att få vatten.")
    page.get_by_label("Klagomål", exact=True).check()
    page.get_by_label("Närstående", exact=True).check()
    page.get_by_label("E-post för svar (frivilligt)").fill("inte-en-adress")
    page.get_by_role("button", name="Skicka").click()
    expect(page.locator(".panel-danger")).to_contain_text("Fel format.")  # checked before anything is sent

    page.get_by_label("E-post för svar (frivilligt)").fill("karin@example.se")
    page.get_by_role("button", name="Skicka").click()
    receipt = page.get_by_test_id("receipt").inner_text()
    event = demo.get_event(receipt, "klara")
    assert event["title"] == "Lång väntan på akuten"
    assert [area["area"] for area in event["areas"]] == ["synpunkter"]
