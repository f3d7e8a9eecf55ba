"""Fixtures, as a vocabulary: `db` (migrated; each test runs in a transaction rolled back at its end), `clock`
(the engine's clock, which a test advances instead of sleeping), `engine`, `published` (the repo's own
definitions as a release), `demo` (the demo organisation), `report` (a valid intake report).

The suite runs against AVVIK_TEST_DATABASE_URL when set (PostgreSQL in CI), else a fresh SQLite file.

Isolation: every use case of a test runs in a savepoint of one outer transaction on one connection, and the outer
transaction is rolled back when the test ends. A test that reaches the database over another connection (threads
racing, a CLI or server in a subprocess, `avvik …` with AVVIK_DATABASE_URL, a backup) cannot see that
transaction: it is marked `shared_database` (or asks for `database_url` itself) and gets committed writes and a
wipe of every table afterwards instead.
"""

from __future__ import annotations

import inspect
import os
from contextlib import contextmanager
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any
from collections.abc import Iterator

import pytest
from sqlalchemy import Connection, text
from sqlalchemy.orm import Session

from engine import Database, Engine
from server.demo import seed_demo
from engine.records.settings import RecordsSettings
from engine.records.storage import FileStore
from engine.store.models import Base
from engine.store.schema import upgrade
from engine.store.types import utcnow

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
            # A test that writes over a second connection without `shared_database` waits on the test's own
            # open transaction: let it fail after a minute instead of hanging the suite.
            connection.execute(text(f'ALTER DATABASE "{db.engine.url.database}" SET lock_timeout = \'60s\''))
        db.engine.dispose()
    upgrade(db)
    yield db
    db.dispose()


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "shared_database: the test uses several connections (threads, subprocesses, "
                                       "the CLI on AVVIK_DATABASE_URL): commit for real and wipe the tables after it")


class SavepointDatabase(Database):
    """The migrated database seen through one connection inside an outer transaction: each `transaction()` is a
    savepoint on it (committing releases the savepoint, an error rolls back to it), so the engine's own commit
    and rollback behave as in production while nothing outlives the test."""

    def __init__(self, base: Database, connection: Connection) -> None:
        self.url, self.engine, self._connection = base.url, base.engine, connection

    @contextmanager
    def transaction(self, read_only: bool = False) -> Iterator[Session]:
        # On SQLite a read-only use case still may not write (query_only, as engine/store/db.py sets it per
        # transaction); its lock-free BEGIN is tested on a second connection (tests/store/test_read_transactions.py).
        guard = read_only and self.dialect == "sqlite"
        if guard:
            self._connection.exec_driver_sql("PRAGMA query_only=ON")
        try:
            with Session(self._connection, join_transaction_mode="create_savepoint",
                         expire_on_commit=False) as session, session.begin():
                yield session
        finally:
            if guard:
                self._connection.exec_driver_sql("PRAGMA query_only=OFF")

    def dispose(self) -> None:
        pass  # the connection belongs to the fixture


def _shares_database(request: pytest.FixtureRequest) -> bool:
    return request.node.get_closest_marker("shared_database") is not None or (
        "database_url" in inspect.signature(request.function).parameters)


def _wipe(db: Database) -> None:
    tables = [t.name for t in reversed(Base.metadata.sorted_tables)]
    with db.engine.begin() as connection:
        if db.dialect == "postgresql":
            connection.execute(text(f"TRUNCATE {', '.join(tables)} RESTART IDENTITY CASCADE"))
        else:
            for table in tables:
                connection.execute(text(f"DELETE FROM {table}"))


@pytest.fixture
def db(migrated: Database, request: pytest.FixtureRequest) -> Iterator[Database]:
    if _shares_database(request):
        yield migrated
        _wipe(migrated)
        return
    with migrated.engine.connect() as connection:
        outer = connection.begin()
        try:
            yield SavepointDatabase(migrated, connection)
        finally:
            outer.rollback()


@pytest.fixture
def attachment_dir(tmp_path: Path) -> Path:
    return tmp_path / "attachments"


class Clock:
    """The real time plus an offset the test moves forward: time still passes between steps, and a timer due in
    four hours fires after `advance(hours=4)`, in the engine and in SpiffWorkflow alike."""

    def __init__(self) -> None:
        self.offset = timedelta()

    def __call__(self) -> datetime:
        return utcnow() + self.offset

    def advance(self, **delta: float) -> None:
        self.offset += timedelta(**delta)


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def engine(db: Database, attachment_dir: Path, clock: Clock) -> Engine:
    return Engine(db, clock=clock, records=RecordsSettings(store=FileStore(attachment_dir), max_bytes=200_000))


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
