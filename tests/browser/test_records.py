"""Records in the browser: a handler attaches a photo to an action and a classified statement to the
investigation, downloads it again, and places and lifts a legal hold."""

from __future__ import annotations

from pathlib import Path
from typing import Any
from collections.abc import Callable

from playwright.sync_api import expect

from engine import Engine

from ..engine.test_vard_case import ACCEPT
from ..records.test_attachments import CLASSIFIED, PNG


def test_a_handler_attaches_a_photo_to_an_action_and_a_classified_statement_to_the_investigation(
    open_page: Callable[..., Any], demo: Engine, report: dict[str, Any], tmp_path: Path
) -> None:
    number = demo.report_event("eva", "ks-akut", report)["number"]
    for spec, data in (("triage", ACCEPT), ("klassificering", CLASSIFIED)):
        task = next(t for t in demo.get_event(number, "anna")["open_tasks"] if t["spec_name"] == spec)
        demo.complete_task(task["id"], "anna", data)
    demo.create_action(number, "anna", {"titel": "Märk hyllan", "typ": "korrigerande", "ansvarig": "anna"})
    photo, statement = tmp_path / "hyllan.png", tmp_path / "utsaga-sjukskoterska.txt"
    photo.write_bytes(PNG)
    statement.write_text("Jag tog förpackningen från fel hylla eftersom de står bredvid varandra.\n")

    anna = open_page("anna")
    anna.goto(f"/handelser/{number}")
    card = anna.locator(".action-card", has_text="Märk hyllan")
    card.get_by_text("Bilagor (0)").click()
    card.get_by_label("Fil").set_input_files(str(photo))
    card.get_by_role("button", name="Bifoga filen").click()
    expect(card.get_by_text("hyllan.png är bifogad.")).to_be_visible()
    expect(anna.locator(".action-card", has_text="Märk hyllan").get_by_text("Bilagor (1)")).to_be_visible()

    task = next(t for t in demo.get_event(number, "anna")["open_tasks"] if t["spec_name"] == "utredning")
    anna.goto(f"/uppgifter/{task['id']}")
    files = anna.locator("section", has=anna.get_by_role("heading", name="Bilagor"))
    files.get_by_label("Fil").set_input_files(str(statement))
    files.get_by_label("Klassning").select_option(label="Sekretess enligt OSL")
    files.get_by_role("button", name="Bifoga filen").click()
    expect(files.get_by_text("utsaga-sjukskoterska.txt är bifogad.")).to_be_visible()
    expect(files.get_by_text("Sekretess enligt OSL").first).to_be_visible()
    with anna.expect_download() as download:
        files.get_by_role("button", name="Hämta utsaga-sjukskoterska.txt").click()
    assert Path(download.value.path()).read_text().startswith("Jag tog förpackningen")

    anna.goto(f"/handelser/{number}")
    listed = anna.locator("section", has=anna.get_by_role("heading", name="Bilagor", exact=True))
    expect(listed).to_contain_text("hyllan.png")
    expect(listed).to_contain_text("Åtgärd: Märk hyllan")
    expect(listed).to_contain_text("Uppgift: Utred händelsen")
    view = demo.get_event(number, "anna")
    assert {a["target"] for a in view["attachments"]} == {"action", "task"}
    reads = demo.audit_log(number, "revisor")["reads"]
    assert any("bilaga" in r["purpose"] for r in reads)

    holds = anna.locator("section", has=anna.get_by_role("heading", name="Rättslig spärr"))
    holds.get_by_label("Skäl").fill("Patientnämnden begär handlingarna")
    holds.get_by_role("button", name="Lägg spärr mot gallring").click()
    expect(holds.get_by_text("I kraft")).to_be_visible()
    holds.get_by_label("Skäl").fill("Ärendet hos patientnämnden är avslutat")
    holds.get_by_role("button", name="Häv spärren").click()
    expect(holds.get_by_text("Hävd av anna")).to_be_visible()
