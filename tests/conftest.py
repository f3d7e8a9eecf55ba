"""Fixtures, as a vocabulary: `db` (migrated, emptied after each test), `engine`, `published` (the repo's own
definitions as a release), `demo` (the demo organisation), `report` (a valid intake report).

The suite runs against AVVIK_TEST_DATABASE_URL when set (PostgreSQL in CI), else a fresh SQLite file.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any
from collections.abc import Iterator

import pytest
from sqlalchemy import text

from engine import Database, Engine
from server.demo import seed_demo
from engine.records.settings import RecordsSettings
from engine.records.storage import FileStore
from engine.store.models import Base
from engine.store.schema import upgrade

REPO = Path(__file__).resolve().parents[1]
# The definition tree the suite publishes; AVVIK_TEST_DEFINITIONS runs the suite against another tree.
DEFINITIONS = Path(os.environ.get("AVVIK_TEST_DEFINITIONS") or REPO)


@pytest.fixture(scope="session")
def database_url(tmp_path_factory: pytest.TempPathFactory) -> str:
    return os.environ.get("AVVIK_TEST_DATABASE_URL") or f"sqlite:///{tmp_path_factory.mktemp('db') / 'test.sqlite3'}"


@pytest.fixture(scope="session")
def migrated(database_url: str) -> Iterator[Database]:
    db = Database(database_url)
    if db.dialect == "postgresql":
        with db.engine.begin() as connection:
            connection.execute(text("DROP SCHEMA public CASCADE"))
            connection.execute(text("CREATE SCHEMA public"))
    upgrade(db)
    yield db
    db.dispose()


@pytest.fixture
def db(migrated: Database) -> Iterator[Database]:
    yield migrated
    tables = [t.name for t in reversed(Base.metadata.sorted_tables)]
    with migrated.engine.begin() as connection:
        if migrated.dialect == "postgresql":
            connection.execute(text(f"TRUNCATE {', '.join(tables)} RESTART IDENTITY CASCADE"))
        else:
            for table in tables:
                connection.execute(text(f"DELETE FROM {table}"))


@pytest.fixture
def attachment_dir(tmp_path: Path) -> Path:
    return tmp_path / "attachments"


@pytest.fixture
def engine(db: Database, attachment_dir: Path) -> Engine:
    return Engine(db, records=RecordsSettings(store=FileStore(attachment_dir), max_bytes=200_000))


@pytest.fixture
def published(engine: Engine) -> dict[str, Any]:
    return engine.publish_tree(DEFINITIONS, label="repo")


@pytest.fixture
def demo(engine: Engine, published: dict[str, Any]) -> Engine:
    seed_demo(engine, published["hash"])
    return engine


@pytest.fixture
def report() -> dict[str, Any]:
    return {
        "rubrik": "Fel läkemedel gavs på akuten",
        "beskrivning": "Patienten fick fel dos av ett blodförtunnande läkemedel.",
        "hande_tid": "2026-11-20T14:30:00+01:00",
        "handelsetyp": "negativ_handelse",
        "drabbade": ["patient"],
        "personskada": "lindrig",
        "vill_ha_aterkoppling": True,
    }


class Casework:
    """Completes tasks of an event by their BPMN id, as a given user, through the engine's public API."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    def task(self, number: str, spec_name: str, user: str = "anna") -> dict[str, Any]:
        view = self.engine.get_event(number, user)
        matches = [t for t in view["open_tasks"] if t["spec_name"] == spec_name]
        assert matches, f"{spec_name} is not open on {number}: {[t['spec_name'] for t in view['open_tasks']]}"
        return matches[0]

    def complete(self, number: str, spec_name: str, data: dict[str, Any], user: str = "anna") -> dict[str, Any]:
        return self.engine.complete_task(self.task(number, spec_name, user)["id"], user, data)


@pytest.fixture
def casework(demo: Engine) -> Casework:
    return Casework(demo)


@pytest.fixture
def app(demo: Engine) -> Any:
    from server.app import create_app
    from server.config import Settings

    return create_app(Settings(database_url=demo.db.url, public_rate_limit=3), engine=demo)


@pytest.fixture
def client(app: Any) -> Any:
    return app.test_client()


@pytest.fixture
def auth(demo: Engine) -> Any:
    """auth("anna") -> headers with a fresh API token for that demo user."""
    def headers(user: str) -> dict[str, str]:
        return {"Authorization": f"Bearer {demo.create_token(user)}"}

    return headers
