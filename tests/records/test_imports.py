"""Händelsevis import: a dry run names every unmapped value by row and writes nothing; the import makes closed,
read-only, searchable events with their legacy id; a second run imports nothing new."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from engine import Engine
from server.cli import main
from engine.errors import Conflict

MAPPING = (Path(__file__).parent / "data" / "handelsevis-mapping.yaml").read_bytes()
COLUMNS = ["LopNr", "Registrerad", "Handelsedatum", "Avslutad", "Enhet", "Kategori", "Status", "Rubrik", "Beskrivning"]


def legacy_csv(rows: list[list[str]]) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";")
    writer.writerow(COLUMNS)
    writer.writerows(rows)
    return out.getvalue().encode("utf-8")


GOOD = [
    ["1001", "2019-03-04 10:15", "2019-03-03", "2019-05-01", "KS Akutmottagning", "Läkemedel", "Avslutad",
     "Fel styrka på insulin", "Patienten fick fel styrka."],
    ["1002", "2019-06-11", "", "2019-07-01", "KS Avdelning 12", "Fall", "Avslutad", "Fall från säng", ""],
    ["1003", "2020-01-02", "", "", "KS Akutmottagning", "Fall", "Makulerad", "Dubblett", ""],
]


def test_a_dry_run_names_each_unmapped_value_by_row_and_writes_nothing(demo: Engine) -> None:
    rows = GOOD + [["1004", "2020-02-30", "", "", "KS Röntgen", "Trycksår", "Pågår", "Trycksår på häl", ""]]
    result = demo.import_history(legacy_csv(rows), MAPPING, "operator", dry_run=True)
    problems = {(p["row"], p["field"]): p["message"] for p in result["problems"]}
    assert set(problems) == {(4, "Enhet"), (4, "Kategori"), (4, "Status"), (4, "Registrerad")}
    assert "KS Röntgen" in problems[(4, "Enhet")] and "Trycksår" in problems[(4, "Kategori")]
    assert (result["to_import"], result["skipped"], result["imported"]) == (2, 1, 0)
    executed = demo.import_history(legacy_csv(rows), MAPPING, "operator", dry_run=False)
    assert executed["imported"] == 0  # a file with problems writes nothing
    assert demo.list_events("anna", text="insulin")["items"] == []


def test_imported_events_are_closed_searchable_read_only_and_a_rerun_adds_nothing(demo: Engine) -> None:
    data = json.dumps([dict(zip(COLUMNS, row)) for row in GOOD]).encode()
    first = demo.import_history(data, MAPPING, "operator", dry_run=False)
    assert (first["imported"], first["skipped"]) == (2, 1)
    again = demo.import_history(data, MAPPING, "operator", dry_run=False)
    assert (again["imported"], again["already_imported"]) == (0, 2)
    found = demo.list_events("anna", text="insulin")["items"]
    # Stockholm's own series
    assert [e["status"] for e in found] == ["closed"] and found[0]["number"].startswith("RS-2019-")
    view = demo.get_event(found[0]["number"], "anna")
    assert view["report"]["importerad"]["kalla"] == "handelsevis:1001" and view["areas"][0]["status"] == "closed"
    with pytest.raises(Conflict, match="importerad historik"):
        demo.reopen_case(found[0]["number"], "vard", "Fel i importen", "anna")
    with pytest.raises(Conflict):
        demo.rename_event(found[0]["number"], found[0]["title"], "Ny rubrik", "test", "anna")
    assert demo.verify_logs()["ok"]


@pytest.mark.shared_database
def test_the_cli_reports_rows_and_exits_1_on_problems(demo: Engine, tmp_path: Path, monkeypatch: Any) -> None:
    monkeypatch.setenv("AVVIK_DATABASE_URL", demo.db.url)
    (tmp_path / "map.yaml").write_bytes(MAPPING)
    (tmp_path / "ok.csv").write_bytes(legacy_csv(GOOD))
    (tmp_path / "bad.csv").write_bytes(legacy_csv([GOOD[0][:4] + ["Okänd enhet"] + GOOD[0][5:]]))
    runner = CliRunner()
    mapping = ["--mapping", str(tmp_path / "map.yaml")]
    bad = runner.invoke(main, ["import", "handelsevis", str(tmp_path / "bad.csv"), *mapping])
    assert bad.exit_code == 1 and "rad 1 (id 1001): Enhet: Enheten 'Okänd enhet' saknas" in bad.output
    dry = runner.invoke(main, ["import", "handelsevis", str(tmp_path / "ok.csv"), *mapping, "--dry-run"])
    assert dry.exit_code == 0 and "Provkörning" in dry.output
    done = runner.invoke(main, ["import", "handelsevis", str(tmp_path / "ok.csv"), "--mapping",
                                str(tmp_path / "map.yaml"), "--execute"])
    assert done.exit_code == 0 and "2 händelser importerades" in done.output
