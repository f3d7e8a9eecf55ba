"""Two legal entities in the browser: a complaint sent to Region Gotland's e-service reaches Gotland's complaints
handler with a Gotland number; a deputy named on the deputies page works the principal's task "på uppdrag av"."""

from __future__ import annotations

import re
from datetime import date, timedelta
from typing import Any
from collections.abc import Callable

from playwright.sync_api import expect

from engine import Engine


def test_a_complaint_to_gotland_reaches_gotlands_handler_with_a_gotland_number(
    open_page: Callable[..., Any], demo: Engine
) -> None:
    page = open_page(width=360, height=640)
    page.goto("/synpunkter")
    page.get_by_role("link", name="Region Gotland").click()
    expect(page).to_have_url(re.compile(r"/synpunkter/rg$"))
    expect(page.get_by_test_id("entity")).to_have_text("Till Region Gotland")
    page.get_by_label("Rubrik").fill("Ingen ringde tillbaka från Visby")
    page.get_by_label("Vad vill du berätta?").fill("Jag väntade på ett samtal i två veckor.")
    page.get_by_label("Klagomål", exact=True).check()
    page.get_by_label("Patient", exact=True).check()
    page.get_by_role("button", name="Skicka").click()
    expect(page.get_by_test_id("receipt")).to_have_text(re.compile(r"^K-"))

    ingrid = open_page("ingrid")
    ingrid.goto("/arbetslista")
    row = ingrid.locator(".task-row", has_text="Ingen ringde tillbaka från Visby")
    expect(row).to_contain_text("RG-")
    klara = open_page("klara")  # Stockholm's complaints handler sees none of it
    klara.goto("/arbetslista")
    expect(klara.get_by_text("Inga uppgifter här just nu.")).to_be_visible()


def test_a_deputy_named_in_the_browser_works_the_task_on_the_principals_behalf(
    open_page: Callable[..., Any], demo: Engine, report: dict[str, Any]
) -> None:
    anna = open_page("anna")
    anna.goto("/ersattare")
    anna.get_by_label("Roll och enhet").select_option(label="handlaggare – Karolinska Universitetssjukhuset")
    anna.get_by_label("Ersättarens användar-id").fill("tina")
    anna.get_by_label("Från").fill(date.today().isoformat())
    anna.get_by_label("Till och med").fill((date.today() + timedelta(days=7)).isoformat())
    anna.get_by_role("button", name="Utse ersättare").click()
    expect(anna.get_by_text("Ersättaren är utsedd.")).to_be_visible()
    expect(anna.get_by_test_id("deputies-given")).to_contain_text("tina")

    number = demo.report_event("eva", "ks-akut", report)["number"]
    tina = open_page("tina")
    tina.goto("/arbetslista")
    tina.locator(".task-row", has_text=number).get_by_role("link", name="Triagera händelsen").click()
    expect(tina.get_by_test_id("on-behalf")).to_have_text("Du arbetar på uppdrag av anna (som ersättare).")
    tina.get_by_label("Tas emot för handläggning").check()
    tina.get_by_role("button", name="Slutför uppgiften").click()
    expect(tina.get_by_text("Uppgiften är slutförd.")).to_be_visible()
    [entry] = [h for h in demo.get_event(number, "anna")["history"] if h["operation"] == "complete"]
    assert (entry["actor"], entry["on_behalf_of"]) == ("tina", "anna")
