"""Every page: Swedish, no serious or critical accessibility violations (axe-core, WCAG 2.1 A/AA), no errors in
the console, nothing loaded from elsewhere (checked by `open_page`)."""

from __future__ import annotations

from typing import Any
from collections.abc import Callable

import pytest
from playwright.sync_api import expect

from engine import Engine

# (user, path template, a text the page shows when it is ready)
PAGES = [
    (None, "/", "Välkommen till avvik"),
    (None, "/logga-in", "Det här är en demo"),
    (None, "/synpunkter", "Vilken vårdgivare gäller det?"),
    (None, "/synpunkter/rg", "Vad vill du berätta?"),
    (None, "/synpunkter/folj", "Ärendekod"),
    ("eva", "/rapportera", "Sök enhet"),
    ("eva", "/mina-rapporter", "{number}"),
    ("anna", "/handelser", "{number}"),
    ("eva", "/handelser/{number}", "{title}"),
    ("anna", "/arbetslista", "{number}"),
    ("anna", "/uppgifter/{task}", "Triagera händelsen"),
    ("anna", "/handelser/{number}", "Varför kan jag inte avsluta?"),
    ("anna", "/atgarder", "Inför dubbelkontroll"),
    ("revisor", "/logg/{number}", "Läsningar"),
    ("cecilia", "/statistik", "Riskmatris"),
    ("petra", "/studio", "Intag och routning"),
    ("anna", "/ersattare", "Utse ersättare"),
]


@pytest.mark.parametrize(("user", "path", "ready"), PAGES, ids=[f"{u or 'public'}:{p}" for u, p, _ in PAGES])
def test_page_is_accessible_and_clean(open_page: Callable[..., Any], axe_violations: Callable[[Any], list[Any]],
                                      demo: Engine, report: dict[str, Any], user: str | None, path: str,
                                      ready: str) -> None:
    event = demo.report_event("eva", "ks-akut", report)
    demo.create_action(event["number"], "anna", {"titel": "Inför dubbelkontroll", "typ": "korrigerande",
                                                 "ansvarig": "anna", "klart_datum": "2026-01-31"})
    values = {"number": event["number"], "title": event["title"], "task": demo.worklist("anna")[0]["id"]}
    page = open_page(user)
    errors: list[str] = []
    page.on("console", lambda message: message.type == "error" and errors.append(message.text))
    page.goto(path.format(**values))
    expect(page.get_by_text(ready.format(**values)).first).to_be_visible()
    assert page.locator("html").get_attribute("lang") == "sv"
    assert page.title().endswith("avvik")
    assert axe_violations(page) == []
    assert errors == []
