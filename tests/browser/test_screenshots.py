"""The README's screenshots, taken from the running app: a reporter's receipt on a phone and a handler's task
beside the event. Set AVVIK_UPDATE_SCREENSHOTS=1 to write them to docs/ (otherwise they go to pytest's tmp)."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any
from collections.abc import Callable

from playwright.sync_api import expect

from engine import Engine
from tests.live import REPO


def target(tmp_path: Path) -> Path:
    return REPO / "docs" if os.environ.get("AVVIK_UPDATE_SCREENSHOTS") == "1" else tmp_path


def test_screenshots_of_the_report_and_the_task_pages(open_page: Callable[..., Any], demo: Engine,
                                                     report: dict[str, Any], tmp_path: Path) -> None:
    out = target(tmp_path)
    phone = open_page("eva", width=360, height=640)
    phone.goto("/rapportera")
    phone.get_by_label("Sök enhet").fill("akut")
    phone.get_by_label("Akutmottagningen Solna").check()
    phone.get_by_label("Rubrik").fill("Fel läkemedel gavs på akuten")
    phone.get_by_label("Vad hände?").fill("Patienten fick fel dos av ett blodförtunnande läkemedel.")
    phone.evaluate("window.scrollTo(0, 0)")
    phone.screenshot(path=str(out / "screenshot-rapportera.png"))

    number = demo.report_event("eva", "ks-akut", report)["number"]
    desk = open_page("anna", width=1280, height=800)
    desk.goto("/arbetslista")
    desk.locator(".task-row", has_text=number).get_by_role("link", name="Triagera händelsen").click()
    desk.get_by_label("Tas emot för handläggning").check()
    desk.get_by_role("button", name="Slutför uppgiften").click()
    desk.get_by_role("link", name="Klassificera och riskbedöm").click()
    expect(desk.locator(".event-summary")).to_contain_text("Triagera händelsen")
    desk.screenshot(path=str(out / "screenshot-uppgift.png"))
    for name in ("screenshot-rapportera.png", "screenshot-uppgift.png"):
        assert (out / name).stat().st_size > 10_000
