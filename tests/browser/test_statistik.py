"""The quality coordinator's statistics in the browser (issue 16, done when): Cecilia, patientsäkerhetssamordnare
for Region Stockholm, opens Statistik, picks Karolinska and this year, reads the deviations by category and risk,
downloads them as XLSX and sees which actions are overdue — and every figure matches a count taken directly in the
database with the same visibility (the vård and tandvård cases her role reads, happened or handled under
Karolinska, reported this year)."""

from __future__ import annotations

import io
import json
from collections import Counter
from datetime import datetime, UTC
from typing import Any
from collections.abc import Callable

import openpyxl
from playwright.sync_api import expect
from sqlalchemy import text

from engine import Engine
from engine.context import Context
from engine.facts import restricting_kinds
from engine.store import stats as stats_store

from ..conftest import Casework

ACCEPT = {"triage": {"beslut": "accepterad"}}


def classify(category: str, consequence: int, probability: int) -> dict[str, Any]:
    return {"kategori": category, "vardskada": "nej",
            "riskbedomning": {"konsekvens_faktisk": 1, "konsekvens_potentiell": consequence,
                              "sannolikhet": probability}}


def seed(demo: Engine, report: dict[str, Any]) -> dict[str, str]:
    work = Casework(demo)
    numbers = {}
    for key, unit, category, consequence, probability in (
        ("fall1", "ks-akut", "fall", 2, 3), ("fall2", "ks-avd12", "fall", 2, 3), ("med", "ks-avd12", "lakemedel", 3, 4),
        ("old", "ks-akut", "fall", 4, 4), ("sos", "sos-akut", "lakemedel", 4, 4),
    ):
        number = demo.report_event("eva", unit, {**report, "rubrik": f"Händelse {key}"})["number"]
        handler = "olof" if unit.startswith("sos") else "anna"
        work.complete(number, "triage", ACCEPT, user=handler)
        work.complete(number, "klassificering", classify(category, consequence, probability), user=handler)
        numbers[key] = number
    numbers["unclassified"] = demo.report_event("eva", "ks-akut", report)["number"]
    demo.report_event("eva", "ks-akut",
                      {**report, "drabbade": ["medarbetare"], "rubrik": "Halkade i omklädningsrummet"})
    demo.create_action(numbers["med"], "anna", {"titel": "Dubbelkontroll av högriskläkemedel", "typ": "korrigerande",
                                                 "ansvarig": "anna", "klart_datum": "2026-01-15"})
    with demo.db.transaction() as session:  # an event of last year, outside "this year"
        moved_back = {"at": datetime(2025, 6, 1, 12, tzinfo=UTC), "number": numbers["old"]}
        event_id = session.execute(text("UPDATE events SET created_at = :at WHERE number = :number RETURNING id"),
                                   moved_back).scalar_one()
        # behind the engine's back, so its statistics (facts and rollup) are brought up to date the same way
        kinds = restricting_kinds(Context(session, demo.releases, demo.clock))
        stats_store.refresh_facts(session, kinds, event_ids=[event_id])
    return numbers


def counted_in_database(demo: Engine) -> tuple[Counter[str], Counter[tuple[int, int]], int]:
    """Categories, (consequence, probability) cells and cases, straight from the tables: cecilia's areas (vård,
    tandvård: patientsakerhet is a lane role of both) under Karolinska (/rs/ks/), reported this year."""
    start = datetime(datetime.now(UTC).year, 1, 1, tzinfo=UTC)
    with demo.db.engine.connect() as connection:
        rows = connection.execute(text(
            "SELECT ac.data FROM area_cases ac JOIN events e ON e.id = ac.event_id "
            "WHERE ac.area IN ('vard', 'tandvard') AND ac.status <> 'removed' AND e.created_at >= :start "
            "AND (e.unit_path LIKE '/rs/ks/%' OR ac.unit_path LIKE '/rs/ks/%')"), {"start": start}).all()
    data = [row[0] if isinstance(row[0], dict) else json.loads(row[0]) for row in rows]
    categories = Counter(d["kategori"] for d in data if "kategori" in d)
    cells = Counter((d["riskbedomning"]["konsekvens_potentiell"], d["riskbedomning"]["sannolikhet"])
                    for d in data if "riskbedomning" in d)
    return categories, cells, len(data)


def test_quality_coordinator_gets_this_years_deviations_by_category_and_risk(
    open_page: Callable[..., Any], demo: Engine, report: dict[str, Any]
) -> None:
    seed(demo, report)
    categories, cells, cases = counted_in_database(demo)
    assert categories == {"fall": 2, "lakemedel": 1} and cases == 4  # the seed is what the test thinks it is

    page = open_page("cecilia")
    page.get_by_role("link", name="Statistik").click()
    expect(page.get_by_role("heading", level=1, name="Statistik")).to_be_visible()
    page.get_by_label("Enhet (med underenheter)").select_option(label="Karolinska Universitetssjukhuset")
    page.get_by_role("button", name="Visa").click()
    page.wait_for_url(lambda url: "enhet=ks" in url and f"fran={datetime.now().year}-01-01" in url)
    expect(page.get_by_test_id("cases")).to_have_text(str(cases))

    figure = page.locator("figure", has=page.get_by_role("heading", name="Ärenden per kategori"))
    figure.get_by_text("Visa som tabell").click()
    shown = {figure.locator("tbody th").nth(i).inner_text(): int(figure.locator("tbody td").nth(i).inner_text())
             for i in range(figure.locator("tbody tr").count())}
    assert shown == {"fall": 2, "lakemedel": 1, "Ej ifyllt": 1}
    for consequence in range(1, 5):
        for probability in range(1, 5):
            expect(page.get_by_test_id(f"risk-{consequence}-{probability}")).to_contain_text(
                str(cells.get((consequence, probability), 0)))

    overdue = page.get_by_role("region", name="Försenade åtgärder")
    expect(overdue).to_contain_text("Dubbelkontroll av högriskläkemedel")

    with page.expect_download() as info:
        page.get_by_role("button", name="Ladda ner Excel (XLSX)").click()
    download = info.value
    assert download.suggested_filename.startswith("statistik-") and download.suggested_filename.endswith(".xlsx")
    book = openpyxl.load_workbook(io.BytesIO(open(download.path(), "rb").read()))
    in_file = {row[1]: row[2] for row in book["Per kategori"].iter_rows(min_row=2, values_only=True)}
    assert in_file == {"fall": 2, "lakemedel": 1, None: 1}
    matrix = {(c, p): n for c, p, _, n in book["Riskmatris"].iter_rows(min_row=2, values_only=True)}
    labels = {1: "Mindre", 2: "Måttlig", 3: "Betydande", 4: "Katastrofal"}
    probability_labels = {1: "Mycket liten", 2: "Liten", 3: "Stor", 4: "Mycket stor"}
    assert matrix == {(labels[c], probability_labels[p]): n for (c, p), n in cells.items()}
    assert [row[0] for row in book["Försenade åtgärder"].iter_rows(min_row=2, values_only=True)] == [
        "Dubbelkontroll av högriskläkemedel"]
