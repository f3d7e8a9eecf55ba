"""Retention: the schedule is validated (logs at least five years), `retention run --dry-run` shows what is due
and why, a legal hold keeps an event out, and culling writes a protocol into the chain, which still verifies."""

from __future__ import annotations

import pytest

from datetime import timedelta
from pathlib import Path
from typing import Any

from click.testing import CliRunner

from engine import Engine
from server.cli import main
from engine.definitions.files import read_tree
from engine.records.attachments import Upload
from engine.store.types import utcnow

from ..conftest import DEFINITIONS, Casework
from ..engine.test_vard_case import SIGN, handle_until_signing

SCHEDULE = b"""classes:
  vard_avvikelse: {years: 10, decision: "Gallringsbeslut RS 2026:1 \\u00a7 4"}
  bilagor: {years: 10, decision: "Gallringsbeslut RS 2026:1 \\u00a7 5"}
  andringslogg: {years: 10, decision: "Gallringsbeslut RS 2026:1 \\u00a7 6"}
  lasloggar: {years: 5, decision: "HSLF-FS 2016:40 4 kap. 9 \\u00a7"}
"""
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 40


def _closed_event(casework: Casework, report: dict[str, Any], photo: bool = False) -> str:
    number = casework.engine.report_event("eva", "ks-akut", report)["number"]
    handle_until_signing(casework, number)
    if photo:
        casework.engine.add_attachment("event", number, "anna", Upload("bild.png", PNG, "allman"))
    casework.complete(number, "signera_avslut", SIGN, user="bertil")
    return number


def _later(engine: Engine, years: int) -> Engine:
    """The same database seen `years` later."""
    return Engine(engine.db, clock=lambda: utcnow() + timedelta(days=365 * years + 3), records=engine.records)


def _with_schedule(demo: Engine) -> None:
    files = read_tree(DEFINITIONS)
    files["processes/retention.yaml"] = SCHEDULE
    demo.publish_release(files, label="med gallringsbeslut")


def test_the_validator_enforces_the_five_year_floor_for_logs(tmp_path: Path) -> None:
    path = tmp_path / "retention.yaml"
    path.write_text("classes:\n  lasloggar: {years: 3, decision: x}\n  andringslogg: {years: 5, decision: y}\n")
    result = CliRunner().invoke(main, ["validate", str(path)])
    assert result.exit_code == 1 and "minst 5 år" in result.output and ":2" in result.output


def test_dry_run_shows_what_is_due_and_why_a_hold_stops_it_and_culling_keeps_a_protocol(
    casework: Casework, report: dict[str, Any]
) -> None:
    demo = casework.engine
    culled, held = _closed_event(casework, report, photo=True), _closed_event(casework, report)
    _with_schedule(demo)
    assert demo.retention_plan()["classes"] == []  # nothing is ten years old yet
    demo.place_hold(held, "Tvist om ersättning", "anna")

    later = _later(demo, 11)
    plan = {c["record_class"]: c for c in later.retention_run("operator")["classes"]}
    vard = plan["vard_avvikelse"]
    assert (vard["entity"], vard["due"], vard["held"]) == ("rs", 1, 1)
    assert vard["items"][0]["id"] == culled and "Gallringsbeslut RS 2026:1" in vard["reason"]
    assert plan["bilagor"]["due"] == 1 and plan["lasloggar"]["due"] > 0
    assert demo.get_event(culled, "anna")["title"] != "Gallrad händelse"  # a dry run changes nothing

    result = later.retention_run("arkivarie", execute=True)
    protocols = {p["record_class"]: p for p in result["protocols"]}
    assert protocols["vard_avvikelse"]["items"] == vard["items"]
    assert protocols["vard_avvikelse"]["actor_id"] == "arkivarie"
    view = demo.get_event(culled, "anna")
    assert view["title"] == "Gallrad händelse" and view["report"] == {} and view["attachments"] == []
    assert demo.get_event(held, "anna")["title"] == report["rubrik"]
    verified = demo.verify_logs()
    assert verified["ok"], verified["breaks"]
    log = demo.audit_log(held, "revisor")
    assert any(c["operation"] == "place" for c in log["changes"])  # the held event's log is kept
    again = {c["record_class"]: c for c in later.retention_plan()["classes"]}["vard_avvikelse"]
    assert (again["due"], again["held"]) == (0, 1)  # the culled event is gone from the plan, the held one waits


@pytest.mark.shared_database
def test_the_cli_dry_run_says_nothing_was_culled(casework: Casework, report: dict[str, Any], monkeypatch: Any) -> None:
    monkeypatch.setenv("AVVIK_DATABASE_URL", casework.engine.db.url)
    result = CliRunner().invoke(main, ["retention", "run", "--dry-run"])
    assert result.exit_code == 0, result.output
    assert "Inget är moget för gallring." in result.output and "Provkörning" in result.output
