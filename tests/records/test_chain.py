"""The change and read logs are hash-chained per legal entity: an edit or a deletion made in SQL is found and named,
two writers never fork a chain, and rows from before the chain are chained by the migration."""

from __future__ import annotations

import pytest

import threading
from pathlib import Path
from typing import Any

from click.testing import CliRunner
from sqlalchemy import delete, select, text, update

from engine import Database, Engine
from server.cli import main
from engine.store.models import AuditEntry, ReadLogEntry
from engine.store.schema import upgrade

from ..conftest import Casework
from ..engine.test_vard_case import ACCEPT, CLASSIFY_SERIOUS as CLASSIFY


def _event(casework: Casework, report: dict[str, Any]) -> str:
    number = casework.engine.report_event("eva", "ks-akut", report)["number"]
    casework.complete(number, "triage", ACCEPT)
    casework.complete(number, "klassificering", CLASSIFY)
    casework.engine.get_event(number, "anna")  # a logged read of patient data
    return number


def test_a_worked_case_leaves_unbroken_chains_per_legal_entity(casework: Casework, report: dict[str, Any]) -> None:
    _event(casework, report)
    result = casework.engine.verify_logs()
    assert result["ok"], result["breaks"]
    entities = {h["entity"] for h in result["heads"]}
    assert "rs" in entities and all(h["audit_hash"] for h in result["heads"] if h["entity"] == "rs")
    assert next(h for h in result["heads"] if h["entity"] == "rs")["read_hash"]


def test_an_edited_change_log_row_is_named(casework: Casework, report: dict[str, Any]) -> None:
    _event(casework, report)
    db = casework.engine.db
    with db.transaction() as session:
        victim = session.scalars(select(AuditEntry.id).where(AuditEntry.chain == "rs").order_by(AuditEntry.id)
                                 .offset(1)).first()
        session.execute(text("UPDATE audit_log SET actor_id = 'mallory' WHERE id = :id"), {"id": victim})
    result = casework.engine.verify_logs("rs")
    assert not result["ok"]
    assert result["breaks"][0]["row_id"] == victim and "har ändrats" in result["breaks"][0]["message"]


def test_a_deleted_row_breaks_the_next_link_and_a_deleted_last_row_the_head(
    casework: Casework, report: dict[str, Any]
) -> None:
    _event(casework, report)
    db = casework.engine.db
    with db.transaction() as session:
        ids = list(session.scalars(select(AuditEntry.id).where(AuditEntry.chain == "rs").order_by(AuditEntry.id)))
        session.execute(delete(AuditEntry).where(AuditEntry.id == ids[1]))
    found = casework.engine.verify_logs("rs")["breaks"][0]
    assert found["row_id"] == ids[2] and "Kedjan är bruten" in found["message"]
    with db.transaction() as session:
        reads = list(session.scalars(select(ReadLogEntry.id).where(ReadLogEntry.chain == "rs")))
        session.execute(delete(ReadLogEntry).where(ReadLogEntry.id == reads[-1]))
    breaks = casework.engine.verify_logs("rs")["breaks"]
    assert [b["log"] for b in breaks] == ["audit", "read"] and "Sista raden" in breaks[1]["message"]


@pytest.mark.shared_database
def test_the_cli_reports_the_first_broken_link_in_swedish(
    casework: Casework, report: dict[str, Any], monkeypatch: Any
) -> None:
    _event(casework, report)
    monkeypatch.setenv("AVVIK_DATABASE_URL", casework.engine.db.url)
    runner = CliRunner()
    ok = runner.invoke(main, ["audit", "verify"])
    assert ok.exit_code == 0 and "obrutna" in ok.output
    with casework.engine.db.transaction() as session:
        session.execute(update(ReadLogEntry).values(purpose="inget att se här"))
    broken = runner.invoke(main, ["audit", "verify", "--entity", "rs"])
    assert broken.exit_code == 1 and "i läsloggen för rs har ändrats" in broken.output


@pytest.mark.shared_database
def test_concurrent_writers_of_one_entity_queue_instead_of_forking_the_chain(
    casework: Casework, report: dict[str, Any]
) -> None:
    numbers = [_event(casework, report) for _ in range(2)]
    engine = casework.engine
    errors: list[BaseException] = []

    # Each its own engine, as another worker process would have, already past its first request: parsing the
    # release (about a second, under SQLite's write lock) is not what this test races.
    others = [Engine(engine.db) for _ in range(6)]
    for other in others:
        other.get_event(numbers[0], "anna")

    def reader(other: Engine, number: str) -> None:
        try:
            for _ in range(5):
                other.get_event(number, "anna")
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)

    threads = [threading.Thread(target=reader, args=(other, numbers[i % 2])) for i, other in enumerate(others)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    result = engine.verify_logs("rs")
    assert result["ok"], result["breaks"]
    with engine.db.transaction() as session:
        hashes = list(session.scalars(select(ReadLogEntry.hash).where(ReadLogEntry.chain == "rs")))
    assert len(hashes) >= 30 and len(set(hashes)) == len(hashes)


def test_the_migration_chains_rows_written_before_it(tmp_path: Path) -> None:
    db = Database(f"sqlite:///{tmp_path / 'old.sqlite3'}")
    upgrade(db, "0004_notify")
    with db.engine.begin() as connection:
        connection.execute(text("INSERT INTO units (id, name, kind, path) VALUES ('rs', 'Region', 'region', '/rs/')"))
        connection.execute(text(
            "INSERT INTO audit_log (at, actor_id, entity, entity_id, operation, after) VALUES "
            "('2025-01-02 03:04:05.123456', 'petra', 'binding', 'rs/vard', 'set', '{\"variant\": \"standard\"}'),"
            "('2025-01-02 03:04:06.000000', NULL, 'release', 'abc', 'publish', NULL)"))
    upgrade(db)
    result = Engine(db).verify_logs()
    assert result["ok"], result["breaks"]
    assert {h["entity"]: h["audit_id"] for h in result["heads"]} == {"rs": 1, "*": 2}
    db.dispose()
