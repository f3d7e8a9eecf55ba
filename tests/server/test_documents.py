"""Documents through the HTTP API: IVO's lex Maria notification from a vård case (JSON and PDF), the case
summary for the file, IVO's reference recorded on the decision after filing, and the annual figures for the
patient safety report. PDFs are read back with pypdf: the event number and title on every page, and no
protected value for a role that may not see it."""

from __future__ import annotations

import io
import sys
from typing import Any

import pytest
from pypdf import PdfReader

from engine import Engine
from engine.store.models import Decision, Event

from ..engine.test_vard_case import ACCEPT, CLASSIFY_SERIOUS
from ..http import API, assert_error, done, event, submit

PATIENT = CLASSIFY_SERIOUS["patient"]["personnummer"]
LEX_MARIA_YES = {"lex_maria": {"varde": "ja", "referens": "Kvitto 8812", "datum": "2026-11-21"}}


def pages(response: Any) -> list[str]:
    assert response.status_code == 200, response.get_data()[:300]
    assert response.mimetype == "application/pdf" and response.headers["Cache-Control"] == "no-store"
    return [p.extract_text() for p in PdfReader(io.BytesIO(response.get_data())).pages]


def assert_framed(texts: list[str], number: str, title: str) -> None:
    """Each page carries the event number and title, and its page number."""
    for i, text in enumerate(texts, start=1):
        assert number in text and title in text, f"page {i}: {text[:200]}"
        assert f"Sida {i} av {len(texts)}" in text


@pytest.fixture
def lex_maria_case(client: Any, auth: Any, report: dict[str, Any]) -> str:
    """A serious vård event at ks-akut: triaged, classified with the patient's personnummer, lex Maria "ja"."""
    long_report = {**report, "beskrivning": "Patienten fick fel dos av ett blodförtunnande läkemedel. " * 120}
    number = submit(client, auth("eva"), long_report)["number"]
    done(client, auth("anna"), number, "triage", ACCEPT)
    done(client, auth("anna"), number, "klassificering", CLASSIFY_SERIOUS)
    done(client, auth("cecilia"), number, "lex_maria_bedomning", LEX_MARIA_YES)
    return number


def test_the_lex_maria_notification_is_prepared_from_the_case_with_what_is_missing(
    client: Any, auth: Any, lex_maria_case: str
) -> None:
    number, cecilia = lex_maria_case, auth("cecilia")
    listed = client.get(f"{API}/events/{number}/exports", headers=cecilia).get_json()
    assert [(x["area"], x["export"]) for x in listed] == [("vard", "ivo_lex_maria")]
    missing = {m["field"] for m in listed[0]["missing"]}
    assert "utredning.sammanfattning" in missing and "patienten.personnummer" not in missing

    doc = client.get(f"{API}/events/{number}/areas/vard/exports/ivo_lex_maria", headers=cecilia).get_json()
    assert doc["authority"].startswith("Inspektionen för vård och omsorg")
    assert doc["document"]["patienten"]["personnummer"] == PATIENT
    assert doc["document"]["vardgivare"]["namn"] == "Region Stockholm"
    assert doc["document"]["vardgivare"]["anmalningsansvarig"] == "Cecilia Patientsäkerhet"
    by_target = {f["target"]: f for f in doc["fields"]}
    assert by_target["vardgivare.namn"]["verified"] and not by_target["patienten.personnummer"]["verified"]
    assert by_target["utredning.sammanfattning"]["missing"] and doc["missing"] == [
        t for t, f in by_target.items() if f["missing"]]
    # the reporter and a role of another area get no document
    assert_error(client.get(f"{API}/events/{number}/areas/vard/exports/ivo_lex_maria", headers=auth("eva")),
                 403, "forbidden")
    assert_error(client.get(f"{API}/events/{number}/areas/vard/exports/ivo_lex_maria", headers=auth("karin")),
                 404, "not_found")


def test_a_lex_maria_notification_pdf_is_printed_for_a_case_in_the_demo_org_and_the_print_is_read_logged(
    client: Any, auth: Any, lex_maria_case: str
) -> None:
    number = lex_maria_case
    title = event(client, auth("anna"), number)["title"]
    texts = pages(client.get(f"{API}/events/{number}/areas/vard/exports/ivo_lex_maria?format=pdf",
                             headers=auth("cecilia")))
    assert_framed(texts, number, title)
    whole = "\n".join(texts)
    assert "Anmälan enligt lex Maria" in whole and PATIENT in whole and "Region Stockholm" in whole
    assert "ej verifierat mot blanketten" in whole and "Saknas – fyll i för hand" in whole
    reads = client.get(f"{API}/audit?event={number}", headers=auth("revisor")).get_json()["reads"]
    assert any(r["actor"] == "cecilia" and r["purpose"] == "PDF ivo_lex_maria" for r in reads)


def test_the_case_summary_shows_each_role_what_it_may_see_on_every_page(
    client: Any, auth: Any, lex_maria_case: str
) -> None:
    number = lex_maria_case
    title = event(client, auth("anna"), number)["title"]
    for_anna = pages(client.get(f"{API}/events/{number}/summary?format=pdf", headers=auth("anna")))
    for_revisor = pages(client.get(f"{API}/events/{number}/summary?format=pdf", headers=auth("revisor")))
    assert len(for_anna) >= 2 and len(for_revisor) >= 2  # the long description: the frame is checked across pages
    assert_framed(for_anna, number, title)
    assert_framed(for_revisor, number, title)
    assert PATIENT in "".join(for_anna) and "Ärendesammanfattning" in for_anna[0]
    assert not any(PATIENT in page or PATIENT.replace("-", "") in page for page in for_revisor)
    reads = client.get(f"{API}/audit?event={number}", headers=auth("revisor")).get_json()["reads"]
    assert {r["actor"] for r in reads if r["purpose"] == "sammanfattning (PDF)"} == {"anna"}
    assert client.get(f"{API}/events/{number}/summary", headers=auth("anna")).get_json()["number"] == number
    assert_error(client.get(f"{API}/events/{number}/summary?format=pdf", headers=auth("eva")), 403, "forbidden")
    assert_error(client.get(f"{API}/events/{number}/summary?format=doc", headers=auth("anna")), 422,
                 "validation_failed")


def test_ivo_case_number_is_recorded_on_the_decision_after_filing(
    client: Any, auth: Any, lex_maria_case: str
) -> None:
    number = lex_maria_case
    decision = event(client, auth("cecilia"), number)["decisions"][0]
    assert (decision["kind"], decision["reference"]) == ("lex_maria", "Kvitto 8812")
    url = f"{API}/events/{number}/decisions/{decision['id']}/reference"
    assert_error(client.post(url, json={"reference": "IVO 3.1.1-1/2026"}, headers=auth("revisor")), 403, "forbidden")
    assert_error(client.post(url, json={"reference": ""}, headers=auth("cecilia")), 422, "validation_failed")
    assert_error(client.post(f"{API}/events/{number}/decisions/999999/reference", json={"reference": "x"},
                             headers=auth("cecilia")), 404, "not_found")
    updated = client.post(url, json={"reference": "IVO 3.1.1-12345/2026"}, headers=auth("cecilia"))
    assert updated.status_code == 200 and updated.get_json()["reference"] == "IVO 3.1.1-12345/2026"
    shown = event(client, auth("anna"), number)
    assert shown["decisions"][0]["reference"] == "IVO 3.1.1-12345/2026"
    change = [h for h in shown["history"] if h["entity"] == "decision"]
    assert change and change[0]["before"] == {"reference": "Kvitto 8812"}
    assert "IVO 3.1.1-12345/2026" in "".join(
        pages(client.get(f"{API}/events/{number}/summary?format=pdf", headers=auth("anna"))))


def test_annual_figures_count_what_the_database_holds_for_the_legal_entity(
    client: Any, auth: Any, demo: Engine, lex_maria_case: str, report: dict[str, Any]
) -> None:
    other = submit(client, auth("eva"), report)["number"]  # unclassified: counted, with no category
    done(client, auth("anna"), other, "triage", ACCEPT)
    submit(client, auth("eva"), report, unit="rg-akut")  # Region Gotland: another legal entity
    year = int(lex_maria_case.split("-")[1])
    answer = client.get(f"{API}/annual-figures?entity=rs&year={year}", headers=auth("cecilia"))
    assert answer.status_code == 200, answer.get_json()
    figures = answer.get_json()
    with demo.db.transaction() as session:  # the count taken directly in the database
        rs_vard = session.query(Event).filter(Event.unit_path.startswith("/rs/")).count()
        ivo = session.query(Decision).filter(Decision.kind == "lex_maria", Decision.value == "ja").count()
    assert figures["deviations"]["total"] == rs_vard == 2
    assert figures["notifications"]["lex_maria"]["count"] == ivo == 1
    assert figures["notifications"]["lex_maria"]["items"][0]["event_number"] == lex_maria_case
    assert {r["class"]: r["count"] for r in figures["deviations"]["by_class"]} == {"medication": 1, "ej_mappad": 1}
    consequence = {r["level"]: (r["actual"], r["potential"]) for r in figures["deviations"]["by_consequence"]}
    assert consequence[2] == (1, 0) and consequence[3] == (0, 1) and consequence[None] == (1, 1)
    assert figures["classification"]["verified"] is False
    assert PATIENT not in repr(figures)
    texts = pages(client.get(f"{API}/annual-figures?entity=rs&year={year}&format=pdf", headers=auth("cecilia")))
    assert all(f"Underlag till patientsäkerhetsberättelse {year} · Region Stockholm" in t for t in texts)
    assert client.get(f"{API}/annual-figures/entities", headers=auth("cecilia")).get_json() == [
        {"id": "rs", "name": "Region Stockholm"}]
    # a handler on a hospital is no reader at the root; a unit below the root is no legal entity
    assert_error(client.get(f"{API}/annual-figures?entity=rs&year={year}", headers=auth("anna")), 403, "forbidden")
    assert_error(client.get(f"{API}/annual-figures?entity=ks&year={year}", headers=auth("cecilia")), 404, "not_found")
    assert_error(client.get(f"{API}/annual-figures?entity=rg&year={year}", headers=auth("cecilia")), 403, "forbidden")
    assert client.get(f"{API}/annual-figures?entity=rg&year={year}", headers=auth("gustav")).get_json()[
        "deviations"]["total"] == 1


def test_without_the_pdf_library_a_pdf_is_a_clear_503_and_json_still_works(
    client: Any, auth: Any, lex_maria_case: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(sys.modules, "weasyprint", None)  # as when pango cannot load: the import fails
    url = f"{API}/events/{lex_maria_case}/areas/vard/exports/ivo_lex_maria"
    body = assert_error(client.get(f"{url}?format=pdf", headers=auth("cecilia")), 503, "unavailable")
    assert "PDF kan inte skapas" in body["message"]
    assert client.get(url, headers=auth("cecilia")).status_code == 200


def test_the_lex_sarah_notification_carries_the_investigation_and_counts_in_the_year(
    client: Any, auth: Any, report: dict[str, Any]
) -> None:
    from ..scenarios.test_omsorg import (CLASSIFY_LEX_SARAH, LEX_SARAH_YES, LS_INVESTIGATION_ONGOING, REMEDY,
                                         UNIT)

    david, sara = auth("david"), auth("sara")
    number = submit(client, auth("eva"), {**report, "rubrik": "Brukare fick ingen tillsyn under natten"},
                    unit=UNIT)["number"]
    done(client, david, number, "triage", ACCEPT)
    done(client, david, number, "klassificering", CLASSIFY_LEX_SARAH)
    done(client, david, number, "omedelbar_atgard", REMEDY)
    done(client, sara, number, "lex_sarah_utredning", LS_INVESTIGATION_ONGOING)
    done(client, sara, number, "lex_sarah_bedomning", LEX_SARAH_YES)

    listed = {x["export"] for x in client.get(f"{API}/events/{number}/exports", headers=sara).get_json()}
    assert "ivo_lex_sarah" in listed
    doc = client.get(f"{API}/events/{number}/areas/omsorg/exports/ivo_lex_sarah", headers=sara).get_json()
    assert doc["document"]["den_enskilde"]["personnummer"] == CLASSIFY_LEX_SARAH["brukare"]["personnummer"]
    assert doc["document"]["utredning"]["status"] == "pagaende"
    assert doc["document"]["missforhallandet"]["allvarlighet"] == "allvarligt_missforhallande"
    by_target = {f["target"]: f for f in doc["fields"]}
    assert by_target["utredning.sammanfattning"]["verified"] and not by_target["missforhallandet.typ"]["verified"]
    texts = pages(client.get(f"{API}/events/{number}/areas/omsorg/exports/ivo_lex_sarah?format=pdf", headers=sara))
    assert_framed(texts, number, "Brukare fick ingen tillsyn under natten")
    assert "Anmälan enligt lex Sarah" in texts[0]

    year = int(number.split("-")[1])
    # Gotland's auditor
    figures = client.get(f"{API}/annual-figures?entity=rg&year={year}", headers=auth("gustav")).get_json()
    assert figures["notifications"]["lex_sarah"]["count"] == 1
    assert figures["notifications"]["lex_sarah"]["items"][0]["reference"] == LEX_SARAH_YES["lex_sarah"]["referens"]
    assert {r["class"]: r["count"] for r in figures["deviations"]["by_class"]} == {"other": 1}
