"""The restore drill (docs/operations.md), on the suite's database (SQLite, and PostgreSQL in CI): back up with
`avvik db backup`, restore into a fresh, empty database with `avvik db restore`, and every event reads back
through the API as it did from the original."""

from __future__ import annotations

import uuid
from pathlib import Path
from typing import Any
from collections.abc import Iterator

import pytest
from click.testing import CliRunner
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from engine import Database, Engine
from server.cli import main
from server.app import create_app
from server.config import Settings

from ..engine.test_vard_case import ACCEPT, CLASSIFY_SERIOUS
from ..http import API

pytestmark = pytest.mark.shared_database  # backups read the database from outside


def avvik(url: str, *args: str) -> Any:
    return CliRunner().invoke(main, list(args), env={"AVVIK_DATABASE_URL": url}, catch_exceptions=False)


@pytest.fixture
def fresh_url(db: Database, tmp_path: Path) -> Iterator[str]:
    """A new, empty database on the same server (PostgreSQL) or a new file (SQLite)."""
    if db.dialect != "postgresql":
        yield f"sqlite:///{tmp_path / 'restored.sqlite3'}"
        return
    name = f"avvik_restore_{uuid.uuid4().hex[:10]}"
    admin = create_engine(db.url, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield make_url(db.url).set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def test_restore_drill(demo: Engine, casework: Any, report: dict[str, Any], fresh_url: str, tmp_path: Path) -> None:
    numbers = [demo.report_event("eva", unit, {**report, "rubrik": f"Händelse {i}"})["number"]
               for i, unit in enumerate(["ks-akut", "ks-akut", "ks-avd12"])]
    casework.complete(numbers[0], "triage", ACCEPT)
    casework.complete(numbers[0], "klassificering", CLASSIFY_SERIOUS)  # with the patient's personnummer
    revisor = demo.create_token("revisor")  # reads every area; the token itself is restored with the database

    backup = tmp_path / "avvik.dump"
    result = avvik(demo.db.url, "db", "backup", str(backup))
    assert result.exit_code == 0 and backup.stat().st_size > 0, result.output
    assert avvik(demo.db.url, "db", "backup", str(backup)).exit_code == 2  # never overwrites a backup

    result = avvik(fresh_url, "db", "restore", str(backup))
    assert result.exit_code == 0, result.output
    assert avvik(fresh_url, "db", "upgrade").exit_code == 0  # already current: nothing to do
    again = avvik(fresh_url, "db", "restore", str(backup))
    assert again.exit_code == 2 and "inte tom" in again.output  # never restores over data

    restored = Database(fresh_url)
    try:
        original = create_app(Settings(database_url=demo.db.url), engine=demo).test_client()
        copy = create_app(Settings(database_url=fresh_url), engine=Engine(restored)).test_client()
        headers = {"Authorization": f"Bearer {revisor}"}
        listed = copy.get(f"{API}/events?limit=100", headers=headers).get_json()
        assert sorted(item["number"] for item in listed["items"]) == sorted(numbers)
        for number in numbers:
            before = original.get(f"{API}/events/{number}", headers=headers)
            after = copy.get(f"{API}/events/{number}", headers=headers)
            assert after.status_code == 200 and after.get_json() == before.get_json()
        assert copy.get(f"{API}/ready").status_code == 200
    finally:
        restored.dispose()
