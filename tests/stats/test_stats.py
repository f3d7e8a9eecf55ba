"""GET /api/v1/stats and the CSV/XLSX downloads, as a quality coordinator and an information-security officer
would check them: the figures count only what the caller reads (area, unit subtree, restricted lex Sarah cases),
match what the event list shows the same caller, and a download holds identifiers only for those who see them
and is read-logged when it does."""

from __future__ import annotations

import io
from collections import Counter
from typing import Any

import openpyxl
import pytest
from sqlalchemy import select

from engine import Engine
from engine.stats import period_label
from engine.rules.access import CaseScope
from engine.stats_figures import percentile, top_path
from engine.store.stats import CaseFilter
from engine.store.models import ReadLogEntry

from ..engine.test_vard_case import ACCEPT, CLASSIFY_SERIOUS, LEX_MARIA_YES
from ..http import API, add_action, assert_error, done, submit
from ..scenarios.test_arbetsmiljo import classification
from ..scenarios.test_omsorg import ACCEPT as OMSORG_ACCEPT
from ..scenarios.test_omsorg import (CLASSIFY_LEX_SARAH, LEX_SARAH_YES, LS_INVESTIGATION_DONE,
                                      LS_INVESTIGATION_ONGOING, REMEDY)
from ..scenarios.test_omsorg import UNIT as OMSORG_UNIT
from ..server.test_access import BOTH

PATIENT = CLASSIFY_SERIOUS["patient"]["personnummer"]


def stats(client: Any, headers: dict[str, str], query: str = "") -> dict[str, Any]:
    response = client.get(f"{API}/stats{query}", headers=headers)
    assert response.status_code == 200, response.get_json()
    return response.get_json()


def counts(body: dict[str, Any], dimension: str) -> dict[Any, int]:
    return {row["key"]: row["count"] for row in body["counts"][dimension]}


def listed_cases(client: Any, headers: dict[str, str]) -> int:
    """Area cases the event list shows this caller (not a reporter): the per-event rule, row by row."""
    listed = client.get(f"{API}/events?limit=200", headers=headers).get_json()["items"]
    return sum(len(item["areas"]) for item in listed)


def world(client: Any, auth: Any, report: dict[str, Any]) -> dict[str, str]:
    """A classified vård event with a lex Maria report at the emergency ward, a vård + arbetsmiljö event at
    Karolinska, a vård event at Södersjukhuset, and a lex Sarah case on Gotland (restricted after the decision)."""
    anna, karin = auth("anna"), auth("karin")
    serious = submit(client, auth("eva"), report)["number"]
    done(client, anna, serious, "triage", ACCEPT)
    done(client, anna, serious, "klassificering", CLASSIFY_SERIOUS)
    done(client, auth("cecilia"), serious, "lex_maria_bedomning", LEX_MARIA_YES)
    shared = submit(client, auth("eva"), BOTH, unit="ks-avd12")["number"]
    done(client, anna, shared, "triage", ACCEPT)
    done(client, anna, shared, "klassificering", {**CLASSIFY_SERIOUS, "kategori": "fall", "riskbedomning": {
        "konsekvens_faktisk": 1, "konsekvens_potentiell": 4, "sannolikhet": 4}})
    done(client, karin, shared, "klassificering", classification("medarbetare", "lindrig", cfar="90000002"))
    elsewhere = submit(client, auth("eva"), report, unit="sos-akut")["number"]
    david, sara = auth("david"), auth("sara")
    sarah = submit(client, auth("eva"), report, unit=OMSORG_UNIT)["number"]
    done(client, david, sarah, "triage", OMSORG_ACCEPT)
    done(client, david, sarah, "klassificering", CLASSIFY_LEX_SARAH)
    done(client, david, sarah, "omedelbar_atgard", REMEDY)
    done(client, sara, sarah, "lex_sarah_utredning", LS_INVESTIGATION_ONGOING)
    done(client, sara, sarah, "lex_sarah_bedomning", LEX_SARAH_YES)
    done(client, sara, sarah, "slutfor_utredning", LS_INVESTIGATION_DONE)
    return {"serious": serious, "shared": shared, "elsewhere": elsewhere, "sarah": sarah}


def test_each_caller_counts_only_the_cases_they_read(client: Any, auth: Any, report: dict[str, Any]) -> None:
    world(client, auth, report)
    cecilia = stats(client, auth("cecilia"))  # patientsäkerhet on the whole region: vård everywhere in it
    assert cecilia["total"] == {"cases": 3, "events": 3}
    assert counts(cecilia, "area") == {"vard": 3}
    assert counts(cecilia, "category") == {"lakemedel": 1, "fall": 1, None: 1}
    assert counts(cecilia, "risk_level") == {"mattlig": 1, "mycket_hog": 1, None: 1}
    assert {(c["consequence"], c["probability"]): c["count"] for c in cecilia["risk_matrix"]} == {(3, 2): 1, (4, 4): 1}
    assert {r["kind"]: r["made"] for r in cecilia["legal_reports"]}["lex_maria"] == 1
    karin = stats(client, auth("karin"))  # arbetsmiljö chef at Karolinska: another area on the same unit
    assert karin["total"] == {"cases": 1, "events": 1} and counts(karin, "area") == {"arbetsmiljo": 1}
    assert {r["kind"]: r["made"] for r in karin["legal_reports"]}["lex_maria"] == 0
    anna = stats(client, auth("anna"))  # vård at Karolinska only: not Södersjukhuset
    assert counts(anna, "area") == {"vard": 2} and counts(anna, "unit") == {"ks-akut": 1, "ks-avd12": 1}
    bertil = stats(client, auth("bertil"))  # verksamhetschef: vård and (as a reader) arbetsmiljö
    assert counts(bertil, "area") == {"vard": 2, "arbetsmiljo": 1} and bertil["total"]["events"] == 2
    # the restricted lex Sarah case: the SAS counts it, the omsorg handläggare no longer does
    assert counts(stats(client, auth("sara")), "area") == {"omsorg": 1}
    assert "omsorg" not in counts(stats(client, auth("david")), "area")
    assert {r["kind"]: r["made"] for r in stats(client, auth("sara"))["legal_reports"]}["lex_sarah"] == 1
    assert stats(client, auth("eva"))["total"]["cases"] == 0  # the reporter follows her reports, not statistics
    for who in ("cecilia", "anna", "karin", "bertil", "sara", "david", "revisor", "sven", "tina"):
        assert stats(client, auth(who))["total"]["cases"] == listed_cases(client, auth(who)), who


def test_the_unit_trend_is_per_unit_directly_below_the_unit_asked_about(
    client: Any, auth: Any, report: dict[str, Any]
) -> None:
    """A region's trend per hospital, not per each of its units (hundreds in a real region); a unit drills down."""
    world(client, auth, report)

    def by_unit(query: str = "", who: str = "cecilia") -> dict[str, int]:
        totals: Counter[str] = Counter()  # summed over the years: the run may cross New Year's Eve
        for row in stats(client, auth(who), f"?dimensions=trend&bucket=year{query}")["trend"]["by_unit"]:
            totals[row["key"]] += row["count"]
        return dict(totals)

    assert by_unit() == {"ks": 2, "sos": 1}
    assert by_unit("&unit=ks") == {"ks-akut": 1, "ks-avd12": 1}
    assert by_unit("&unit=ks-akut") == {"ks-akut": 1}
    assert by_unit(who="sara") == {"rg-aldre": 1}  # omsorg on Gotland


def test_the_unit_an_answer_is_about_follows_the_area_and_a_unit_filter_below_it() -> None:
    def scope(path: str, area: str) -> CaseScope:
        return CaseScope(path, area, ordinary=True, restricted=False, restricting_decisions=())

    two = [scope("/r/h1/", "vard"), scope("/r/h2/", "arbetsmiljo")]
    assert top_path(CaseFilter(scopes=two)) == "/r/"
    assert top_path(CaseFilter(scopes=two, area="vard")) == "/r/h1/"  # the other area's unit is not in the answer
    assert top_path(CaseFilter(scopes=two, area="vard", unit_path="/r/")) == "/r/h1/"  # it reads only below /r/
    assert top_path(CaseFilter(scopes=two, unit_path="/r/h2/w/")) == "/r/h2/w/"
    assert top_path(CaseFilter(scopes=[scope("/r/", "vard"), scope("/g/", "vard")])) == "/"
    assert top_path(CaseFilter(scopes=[])) == "/"


def test_filters_narrow_the_counts_and_bad_ones_are_refused(client: Any, auth: Any, report: dict[str, Any]) -> None:
    world(client, auth, report)
    cecilia = auth("cecilia")
    assert stats(client, cecilia, "?unit=ks")["total"]["cases"] == 2
    assert stats(client, cecilia, "?unit=ks-akut&category=lakemedel")["total"]["cases"] == 1
    assert stats(client, cecilia, "?from=2000-01-01&to=2000-12-31")["total"]["cases"] == 0
    only = stats(client, cecilia, "?dimensions=area&bucket=year")
    assert set(only["counts"]) == {"area"} and "trend" not in only and "risk_matrix" not in only
    year = stats(client, cecilia, "?dimensions=trend&bucket=year")["trend"]
    assert sum(p["count"] for p in year["periods"]) == 3 and year["bucket"] == "year"
    assert_error(client.get(f"{API}/stats?unit=nowhere", headers=cecilia), 422, "validation_failed")
    assert_error(client.get(f"{API}/stats?from=2026-02-01&to=2026-01-01", headers=cecilia), 422, "validation_failed")
    assert_error(client.get(f"{API}/stats?bucket=day", headers=cecilia), 422, "validation_failed")
    assert_error(client.get(f"{API}/stats?format=pdf", headers=cecilia), 422, "validation_failed")
    assert_error(client.get(f"{API}/stats?dimensions=area,colour", headers=cecilia), 422, "validation_failed")
    assert stats(client, cecilia, "?from=0001-01-01&to=9999-12-31")["total"]["cases"] == 3
    assert_error(client.get(f"{API}/stats"), 401, "unauthenticated")


def test_open_and_overdue_actions_and_lead_times(client: Any, auth: Any, report: dict[str, Any]) -> None:
    numbers = world(client, auth, report)
    anna = auth("anna")
    late = add_action(client, anna, numbers["serious"], {"titel": "Ny rutin för dubbelkontroll",
                                                         "typ": "korrigerande", "klart_datum": "2020-01-31"})
    add_action(client, anna, numbers["serious"], {"titel": "Utbildning", "typ": "forebyggande",
                                                  "klart_datum": "2099-01-31"})
    body = stats(client, auth("cecilia"))
    assert body["actions"]["open"] == 2 and body["actions"]["overdue"] == 1
    [overdue] = body["actions"]["overdue_list"]
    assert overdue["id"] == late["id"] and overdue["events"][0]["number"] == numbers["serious"]
    assert stats(client, auth("karin"))["actions"]["open"] == 0  # not an arbetsmiljö action
    assert body["tasks"]["open"] >= 3 and body["lead_times"]["report_to_triage"]["cases"] == 2
    assert body["lead_times"]["report_to_closed"] == {"cases": 0, "median_hours": None, "p90_hours": None}


def test_percentiles_and_period_labels() -> None:
    assert percentile([], 0.5) is None
    assert percentile([1.0, 2.0, 3.0, 4.0], 0.5) == 2.5  # as percentile_cont interpolates
    assert percentile([10.0] * 9 + [100.0], 0.9) == pytest.approx(19.0)
    from datetime import date
    assert [period_label(date(2026, 11, 29), b) for b in ("week", "month", "quarter", "year")] == [
        "2026-V48", "2026-11", "2026-K4", "2026"]
    assert period_label(date(2027, 1, 1), "week") == "2026-V53"


def test_csv_and_xlsx_downloads(client: Any, auth: Any, report: dict[str, Any], demo: Engine) -> None:
    numbers = world(client, auth, report)
    cecilia = auth("cecilia")
    response = client.get(f"{API}/stats?format=csv&unit=ks", headers=cecilia)
    assert response.status_code == 200 and response.mimetype == "text/csv"
    assert response.headers["Content-Disposition"].startswith('attachment; filename="statistik-')
    text = response.data.decode("utf-8")
    assert text.startswith("\ufeff") and "Per område\r\nOmråde;Kod;Antal\r\nVård;vard;2\r\n" in text
    response = client.get(f"{API}/stats?format=xlsx&unit=ks", headers=cecilia)
    assert response.headers["Content-Disposition"].endswith('.xlsx"')
    book = openpyxl.load_workbook(io.BytesIO(response.data))
    assert list(book["Per kategori"].iter_rows(values_only=True)) == [
        ("Kategori", "Kod", "Antal"), ("fall", "fall", 1), ("lakemedel", "lakemedel", 1)]

    def event_rows(who: str) -> list[tuple[Any, ...]]:
        response = client.get(f"{API}/events?format=xlsx", headers=auth(who))
        assert response.status_code == 200
        assert response.headers["Content-Disposition"].startswith('attachment; filename="avvikelser-')
        return list(openpyxl.load_workbook(io.BytesIO(response.data))["Händelser"].iter_rows(values_only=True))

    anna_rows = event_rows("anna")
    assert anna_rows[0][0] == "Nummer" and {r[0] for r in anna_rows[1:]} == {numbers["serious"], numbers["shared"]}
    assert any(PATIENT in (r[-1] or "") for r in anna_rows[1:])
    revisor_rows = event_rows("revisor")  # reads every area, masked
    assert not any(PATIENT in repr(r) for r in revisor_rows) and any(r[-1] == "[skyddat]" for r in revisor_rows)
    sven_rows = event_rows("sven")  # skyddsombud: only the arbetsmiljö row of the shared event
    assert [(r[0], r[7]) for r in sven_rows[1:]] == [(numbers["shared"], "Arbetsmiljö")]
    assert not any(PATIENT in repr(r) for r in sven_rows)
    with demo.db.transaction() as session:
        logged = session.scalars(select(ReadLogEntry).where(ReadLogEntry.purpose == "export av händelselista")).all()
        assert {(e.actor_id, e.event_number) for e in logged} >= {("anna", numbers["serious"])}
        assert not {e.actor_id for e in logged} & {"revisor", "sven"}
    csv_text = client.get(f"{API}/events?format=csv", headers=auth("eva")).data.decode("utf-8")
    assert csv_text.startswith("\ufeffSkapad;") and numbers["sarah"] in csv_text  # her own reports, no case data
    assert PATIENT not in csv_text


def test_a_title_that_looks_like_a_formula_stays_text(client: Any, auth: Any, report: dict[str, Any]) -> None:
    number = submit(client, auth("eva"), {**report, "rubrik": "=HYPERLINK(\"http://x\";\"klicka\")"})["number"]
    done(client, auth("anna"), number, "triage", ACCEPT)
    text = client.get(f"{API}/events?format=csv", headers=auth("anna")).data.decode("utf-8")
    assert "'=HYPERLINK" in text
    book = openpyxl.load_workbook(io.BytesIO(client.get(f"{API}/events?format=xlsx", headers=auth("anna")).data))
    cell = book["Händelser"]["B2"]
    assert cell.data_type == "s" and cell.value.startswith("=HYPERLINK")
