"""Handlers in the browser: a vård case from the worklist to closure, with a closure block resolved through an
action, and two colleagues completing the same task (the second is told and gets the fresh case)."""

from __future__ import annotations

import re
from typing import Any
from collections.abc import Callable

from playwright.sync_api import expect

from engine import Engine


def complete(page: Any) -> None:
    page.get_by_role("button", name="Slutför uppgiften").click()


def next_task(page: Any, name: str) -> None:
    expect(page.get_by_text("Uppgiften är slutförd.")).to_be_visible()
    page.get_by_role("link", name=name).click()
    expect(page.get_by_role("heading", level=1, name=name)).to_be_visible()


def test_handler_works_a_vard_case_to_closure(open_page: Callable[..., Any], demo: Engine,
                                              report: dict[str, Any]) -> None:
    number = demo.report_event("eva", "ks-akut", report)["number"]
    anna = open_page("anna")
    anna.goto("/arbetslista")
    row = anna.locator(".task-row", has_text=number)
    expect(row).to_contain_text(report["rubrik"])
    expect(row).to_contain_text("Vård")
    row.get_by_role("button", name="Ta uppgiften").click()
    expect(anna.get_by_text("Uppgiften är din.")).to_be_visible()
    anna.get_by_role("button", name="Mina uppgifter").click()
    anna.locator(".task-row", has_text=number).get_by_role("link", name="Triagera händelsen").click()

    expect(anna.locator(".event-summary")).to_contain_text(number)
    anna.get_by_label("Tas emot för handläggning").check()
    complete(anna)
    next_task(anna, "Klassificera och riskbedöm")
    anna.get_by_label("Kategori").select_option("lakemedel")
    anna.get_by_label("Faktisk konsekvens").select_option(label="Mindre")
    anna.get_by_label("Värsta rimliga konsekvens").select_option(label="Måttlig")
    anna.get_by_label("Sannolikhet att det händer igen").select_option(label="Liten")
    anna.get_by_label(re.compile(r"^Nej$")).check()
    complete(anna)
    next_task(anna, "Utred händelsen")
    anna.get_by_label("Enkel utredning").check()
    anna.get_by_label("Händelseförlopp och orsaker").fill(
        "Två förpackningar som liknar varandra stod bredvid varandra.")
    anna.get_by_label("Godkänd av (uppdragsgivare)").fill("bertil")
    complete(anna)
    next_task(anna, "Återkoppla till rapportören")
    anna.get_by_label("Återkoppling given").check()
    anna.get_by_label("Återkoppling till rapportören").fill("Tack! Vi har flyttat förpackningarna.")
    anna.get_by_label("Datum").fill("2026-11-23")
    complete(anna)
    expect(anna.get_by_text("Uppgiften är slutförd.")).to_be_visible()

    anna.goto(f"/handelser/{number}")
    expect(anna.get_by_text("Varje gång du läser den loggas det")).to_be_visible()
    anna.get_by_role("button", name="Ny åtgärd").click()
    anna.get_by_label(re.compile(r"^Åtgärd\*?$")).fill("Separera förpackningar i läkemedelsrummet")
    anna.get_by_label("Korrigerande").check()
    anna.get_by_role("button", name="Skapa åtgärden").click()
    expect(anna.get_by_text("Åtgärden är skapad.")).to_be_visible()
    expect(anna.locator(".action-card")).to_contain_text("Föreslagen")

    bertil = open_page("bertil")
    bertil.goto("/arbetslista")
    bertil.locator(".task-row", has_text=number).get_by_role("link", name="Signera avslut").click()
    bertil.get_by_label("Lärdomar och kommentar").fill("Förväxlingsrisk mellan förpackningar.")
    complete(bertil)
    blocked = bertil.get_by_role("alert").filter(has_text="kan inte avslutas")
    expect(blocked).to_contain_text("Alla kopplade åtgärder måste vara genomförda")
    blocked.get_by_role("link", name="Separera förpackningar i läkemedelsrummet").click()
    card = bertil.locator(".action-card", has_text="Separera förpackningar")
    for button, status in (("Besluta", "Beslutad"), ("Påbörja", "Pågår"), ("Markera genomförd", "Genomförd")):
        card.get_by_role("button", name=button).click()
        expect(card.locator(".badge").first).to_have_text(status)
    expect(bertil.locator("#avslut")).to_contain_text("Alla regler för avslut är uppfyllda.")
    bertil.go_back()
    bertil.get_by_label("Lärdomar och kommentar").fill("Förväxlingsrisk mellan förpackningar.")
    complete(bertil)
    expect(bertil.get_by_text("Uppgiften är slutförd.")).to_be_visible()
    assert demo.get_event(number, "bertil")["status"] == "closed"


def test_second_colleague_gets_the_stale_message_and_the_fresh_case(open_page: Callable[..., Any], demo: Engine,
                                                                    report: dict[str, Any]) -> None:
    number = demo.report_event("eva", "ks-akut", report)["number"]
    task = demo.worklist("anna")[0]["id"]
    first, second = open_page("anna"), open_page("anna")  # two devices, or two colleagues sharing the role
    for page in (first, second):
        page.goto(f"/uppgifter/{task}")
        page.get_by_label("Tas emot för handläggning").wait_for()
    first.get_by_label("Tas emot för handläggning").check()
    complete(first)
    expect(first.get_by_text("Uppgiften är slutförd.")).to_be_visible()

    second.get_by_label("Avvisas – inte en avvikelse").check()
    second.get_by_label("Motivering").fill("Ingen avvikelse.")
    complete(second)
    expect(second.get_by_role("alert")).to_contain_text("En kollega har ändrat ärendet")
    assert [a["status"] for a in demo.get_event(number, "anna")["areas"]] != ["closed"]
