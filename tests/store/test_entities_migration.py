"""Migration 0007_entities on a database with data: one legal entity per root unit, the old numbers keep
resolving and the old series keeps counting, complaints keep reaching the unit the server setting named."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import text

from engine import Database, Engine
from engine.context import Context
from engine.entities import next_number
from engine.store.models import Unit
from engine.store.schema import upgrade


def test_existing_roots_become_entities_and_old_numbers_stay_valid(tmp_path: Path,
                                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    db = Database(f"sqlite:///{tmp_path / 'old.sqlite3'}")
    upgrade(db, "0004_notify")
    with db.engine.begin() as connection:
        for unit_id, parent, path in [("rs", None, "/rs/"), ("rs-klagomal", "rs", "/rs/rs-klagomal/"),
                                      ("rg", None, "/rg/"), ("rg-pn", "rg", "/rg/rg-pn/")]:
            connection.execute(text("INSERT INTO units (id, name, parent_id, kind, path) VALUES (:i, :i, :p, 'x', :t)"),
                               {"i": unit_id, "p": parent, "t": path})
        connection.execute(text("INSERT INTO event_counters (year, value) VALUES (2026, 41)"))
        connection.execute(text(
            "INSERT INTO events (number, title, kind, status, unit_id, unit_path, anonymous, channel, data, "
            "has_patient_data, created_at) VALUES ('AVV-2026-000041', 'Gammal', 'x', 'submitted', 'rs', '/rs/', "
            "0, 'personal', '{}', 0, '2026-01-01 00:00:00')"))
    monkeypatch.setenv("AVVIK_PUBLIC_FEEDBACK_UNIT", "rg-pn")
    upgrade(db)
    engine = Engine(db)
    assert engine.list_entities() == [
        {"id": "rg", "name": "rg", "prefix": "RG", "complaints_unit": "rg-pn"},
        {"id": "rs", "name": "rs", "prefix": "RS", "complaints_unit": None}]
    with db.engine.connect() as connection:
        assert connection.execute(text("SELECT series, year, value FROM event_counters")).all() == [("AVV", 2026, 41)]
        assert connection.execute(text("SELECT number FROM events")).scalar() == "AVV-2026-000041"
    # an entity set to the old prefix continues the old series: numbers stay unique
    engine.configure_entity("rs", prefix="AVV")
    with db.transaction() as session:
        unit = session.get(Unit, "rs")
        assert unit is not None
        assert next_number(Context(session, engine.releases, engine.clock), unit, 2026) == "AVV-2026-000042"
    db.dispose()
