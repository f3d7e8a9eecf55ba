"""A patient's relative complains on /synpunkter without logging in, keeps the receipt code and secret, and follows
the case to its answer on /synpunkter/folj."""

from __future__ import annotations

from typing import Any
from collections.abc import Callable

from playwright.sync_api import expect

from engine import Engine

from ..scenarios.test_synpunkter import ANSWER, CONFIRMED, INVESTIGATED, STATEMENT


def answer_the_complaint(demo: Engine, title: str) -> None:
    """Klara confirms and investigates, the unit's verksamhetschef states, Klara answers (the engine's API)."""
    [event] = demo.list_events("klara", text=title)["items"]
    number = event["number"]

    def complete(user: str, spec: str, data: dict[str, Any]) -> None:
        task = next(t for t in demo.worklist(user, limit=200) if t["event_number"] == number and t["spec_name"] == spec)
        demo.complete_task(task["id"], user, data)

    investigated = {"klagomalsutredning": {**INVESTIGATED["klagomalsutredning"], "patientsakerhetshandelse": False}}
    for user, spec, data in [("klara", "bekrafta", CONFIRMED), ("klara", "utred", investigated),
                             ("bertil", "yttrande", STATEMENT), ("klara", "besvara", ANSWER)]:
        complete(user, spec, data)


def test_complainant_submits_without_login_and_gets_a_receipt(open_page: Callable[..., Any], demo: Engine) -> None:
    page = open_page(width=360, height=640)
    page.goto("/synpunkter")
    expect(page.get_by_role("heading", level=1)).to_have_text("Synpunkter och klagomål")
    page.get_by_role("link", name="Region Stockholm").click()  # the complainant picks the legal entity
    expect(page.get_by_test_id("entity")).to_have_text("Till Region Stockholm")
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
    secret = page.get_by_test_id("secret").inner_text()
    assert receipt.startswith("K-") and len(secret) >= 24

    page.get_by_role("link", name="Följ ditt ärende").click()
    page.get_by_label("Ärendekod").fill(receipt)
    page.get_by_label("Lösenord").fill("fel")
    page.get_by_role("button", name="Visa ärendet").click()
    expect(page.get_by_role("alert")).to_be_visible()  # a wrong secret shows nothing of the case
    page.get_by_label("Lösenord").fill(secret)
    page.get_by_role("button", name="Visa ärendet").click()
    expect(page.get_by_test_id("follow-status")).to_have_text("Inskickad")
    expect(page.get_by_text("Ärendet har inte besvarats än.")).to_be_visible()

    answer_the_complaint(demo, "Lång väntan på akuten")
    page.get_by_role("button", name="Visa ärendet").click()
    expect(page.get_by_test_id("follow-answer")).to_have_text(ANSWER["svar"]["forklaring"])
