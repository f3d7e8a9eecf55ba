"""Documents in the browser: the patient safety coordinator prints the lex Maria notification for a case in the
demo org from the event page's "Dokument" section (the PDF read back: the event's number and title on every
page), records IVO's case number on the decision, and downloads the annual figures from /arsrapport."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any
from collections.abc import Callable

from playwright.sync_api import expect
from pypdf import PdfReader

from engine import Engine

from ..engine.test_vard_case import ACCEPT, CLASSIFY_SERIOUS

LEX_MARIA_YES = {"lex_maria": {"varde": "ja", "referens": "Kvitto 8812", "datum": "2026-11-21"}}


def complete(demo: Engine, user: str, number: str, spec: str, data: dict[str, Any]) -> None:
    task = next(t for t in demo.get_event(number, user)["open_tasks"] if t["spec_name"] == spec)
    demo.complete_task(task["id"], user, data)


def pdf_pages(path: Path) -> list[str]:
    return [page.extract_text() for page in PdfReader(io.BytesIO(path.read_bytes())).pages]


def test_the_coordinator_prints_a_lex_maria_notification_and_records_ivos_case_number(
    open_page: Callable[..., Any], demo: Engine, report: dict[str, Any], tmp_path: Path
) -> None:
    number = demo.report_event("eva", "ks-akut", report)["number"]
    complete(demo, "anna", number, "triage", ACCEPT)
    complete(demo, "anna", number, "klassificering", CLASSIFY_SERIOUS)
    complete(demo, "cecilia", number, "lex_maria_bedomning", LEX_MARIA_YES)

    cecilia = open_page("cecilia")
    cecilia.goto(f"/handelser/{number}")
    documents = cecilia.locator("section", has=cecilia.get_by_role("heading", name="Dokument"))
    notification = documents.locator("li[data-export='ivo_lex_maria']")
    expect(notification).to_contain_text("Anmälan enligt lex Maria")
    expect(notification).to_contain_text("Saknas i ärendet, fyll i för hand:")
    expect(notification).to_contain_text("Händelseförlopp och orsaker")
    with cecilia.expect_download() as download:
        notification.get_by_role("button", name="Ladda ner PDF").click()
    saved = tmp_path / download.value.suggested_filename
    download.value.save_as(saved)
    assert saved.name == f"{number}-ivo_lex_maria.pdf"
    pages = pdf_pages(saved)
    assert all(number in page and report["rubrik"] in page for page in pages)
    assert CLASSIFY_SERIOUS["patient"]["personnummer"] in "".join(pages)

    cecilia.get_by_label("Myndighetens diarienummer").fill("IVO 3.1.1-12345/2026")
    cecilia.get_by_role("button", name="Spara diarienumret").click()
    expect(cecilia.get_by_text("Diarienumret är sparat på beslutet.")).to_be_visible()
    expect(cecilia.locator("section", has=cecilia.get_by_role("heading", name="Beslut"))).to_contain_text(
        "IVO 3.1.1-12345/2026")


def test_the_annual_figures_page_shows_and_downloads_the_year(
    open_page: Callable[..., Any], demo: Engine, report: dict[str, Any], tmp_path: Path,
    axe_violations: Callable[[Any], list[dict[str, Any]]]
) -> None:
    number = demo.report_event("eva", "ks-akut", report)["number"]
    complete(demo, "anna", number, "triage", ACCEPT)
    complete(demo, "anna", number, "klassificering", CLASSIFY_SERIOUS)
    year = number.split("-")[1]

    cecilia = open_page("cecilia")
    cecilia.goto("/")
    cecilia.get_by_role("link", name="Årsrapport").click()
    expect(cecilia.get_by_role("heading", level=1, name="Årsrapport")).to_be_visible()
    cecilia.get_by_label("År", exact=True).fill(year)
    cecilia.get_by_role("button", name="Visa").click()
    expect(cecilia).to_have_url(f"/arsrapport?huvudman=rs&ar={year}")
    by_class = cecilia.locator("table", has=cecilia.locator("caption", has_text="Per klass"))
    expect(by_class.get_by_role("row", name="Läkemedel och infusionsvätskor 1")).to_be_visible()
    expect(cecilia.get_by_text("Klassifikationen är inte verifierad.")).to_be_visible()
    assert axe_violations(cecilia) == []
    with cecilia.expect_download() as download:
        cecilia.get_by_role("button", name="Ladda ner PDF").click()
    saved = tmp_path / download.value.suggested_filename
    download.value.save_as(saved)
    assert saved.name == f"arsrapport-rs-{year}.pdf"
    assert all(f"Underlag till patientsäkerhetsberättelse {year} · Region Stockholm" in p for p in pdf_pages(saved))

    anna = open_page("anna")  # a handler on a hospital: no role at the region's root
    anna.goto("/arsrapport")
    expect(anna.get_by_text("Du har ingen roll som får läsa årsrapporten")).to_be_visible()
