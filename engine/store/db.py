"""Connecting: one Database per process, built by whoever wires the app (server, CLI, tests), never at import."""

from __future__ import annotations

import os
from contextlib import contextmanager
from pathlib import Path
from typing import Any
from collections.abc import Iterator

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.exc import IntegrityError, OperationalError
from sqlalchemy.orm import Session, sessionmaker
from sqlalchemy.orm.exc import StaleDataError

from engine.errors import Conflict, StaleWrite

__all__ = ["DEFAULT_SQLITE_PATH", "READ_ONLY", "PREPARED", "default_url", "Database", "lost_races"]

DEFAULT_SQLITE_PATH = Path("var") / "avvik.sqlite3"


def default_url() -> str:
    """AVVIK_DATABASE_URL, else an SQLite file under var/ (the embedded default)."""
    url = os.environ.get("AVVIK_DATABASE_URL")
    if url:
        return url
    DEFAULT_SQLITE_PATH.parent.mkdir(parents=True, exist_ok=True)
    return f"sqlite:///{DEFAULT_SQLITE_PATH}"


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")  # readers do not block the writer
    cursor.execute("PRAGMA busy_timeout=10000")  # wait for the writer instead of failing at once
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


READ_ONLY = "avvik_read_only"  # execution option of a read-only use case's connection


def _sqlite_begin(connection: Any) -> None:
    if connection.get_execution_options().get(READ_ONLY):
        # A reader takes no lock: in WAL mode it reads its snapshot beside the writer. query_only makes a write
        # that slipped into a read-only use case fail loudly instead of upgrading the lock mid-transaction.
        connection.exec_driver_sql("PRAGMA query_only=ON")
        connection.exec_driver_sql("BEGIN")
        return
    # A writer takes the write lock at BEGIN: otherwise two deferred transactions that both read and then write
    # deadlock in SQLite ("database is locked") instead of queueing.
    connection.exec_driver_sql("PRAGMA query_only=OFF")
    connection.exec_driver_sql("BEGIN IMMEDIATE")


# Execution option of a statement PostgreSQL should plan once per connection: one whose best plan does not depend
# on its values, run on every step or request, where planning costs more than running (the notifications' and the
# statistics facts' INSERT … SELECT, 0.7 and 1.1 ms of planning; the grants, 0.5 ms; the task a step works).
# Every other statement is planned for its own values (Database below). psycopg forgets a connection's prepared
# statements when a transaction rolls back (an error response), so they are prepared again on its next use. Behind
# PgBouncer this needs session pooling, or transaction pooling with prepared statements on (1.21 or later).
PREPARED = "avvik_prepared"


def _execute_prepared(cursor: Any, statement: str, parameters: Any, context: Any) -> bool:
    """Run a statement marked PREPARED as a prepared statement of the connection (planned for its values the
    first five times, then once for all if the generic plan costs no more): psycopg prepares on request only
    while prepare_threshold is set, so it is set for this one execution."""
    if not context.execution_options.get(PREPARED):
        return False
    connection = cursor.connection
    connection.prepare_threshold = 0
    try:
        cursor.execute(statement, parameters, prepare=True)
    finally:
        connection.prepare_threshold = None
    return True


class Database:
    def __init__(self, url: str | None = None, **engine_options: Any) -> None:
        self.url = url or default_url()
        if self.url.startswith("postgresql+psycopg"):
            # psycopg prepares a statement server-side after five runs, and PostgreSQL then settles on a generic
            # plan: for the worklist that plan sorts every open task under a grant (105 ms at 2.5 M events)
            # instead of reading one page from the index (5 ms). Plan each statement for its own values.
            # A statement marked PREPARED is the exception (_execute_prepared).
            connect_args = {"prepare_threshold": None, **engine_options.pop("connect_args", {})}
            engine_options["connect_args"] = connect_args
        # An error's text never quotes the statement's values: they can be protected fields, and errors are logged.
        engine_options.setdefault("hide_parameters", True)
        self.engine: Engine = create_engine(self.url, **engine_options)
        if self.engine.dialect.name == "postgresql":
            event.listen(self.engine, "do_execute", _execute_prepared)
        if self.engine.dialect.name == "sqlite":
            event.listen(self.engine, "connect", _sqlite_pragmas)
            # pysqlite's own transaction handling is turned off so BEGIN IMMEDIATE can be issued.
            event.listen(self.engine, "connect", lambda conn, _rec: setattr(conn, "isolation_level", None))
            event.listen(self.engine, "begin", _sqlite_begin)
        self._sessions = sessionmaker(self.engine, expire_on_commit=False)

    @property
    def dialect(self) -> str:
        return self.engine.dialect.name

    @contextmanager
    def transaction(self, read_only: bool = False) -> Iterator[Session]:
        """A session in one transaction: committed on success, rolled back on any error. A read-only one does not
        queue behind writers on SQLite (and may not write)."""
        with self._sessions() as session, session.begin():
            if read_only:
                session.connection(execution_options={READ_ONLY: True})
            yield session

    def dispose(self) -> None:
        self.engine.dispose()


@contextmanager
def lost_races() -> Iterator[None]:
    """The driver's word for a lost race or a busy database, as the engine's own errors: StaleWrite when another
    writer changed the same rows first, Conflict when the write lock was not free or the same key was inserted
    at once. Anything else passes unchanged."""
    try:
        yield
    except StaleDataError:
        raise StaleWrite() from None
    except OperationalError as exc:
        # PostgreSQL reports a serialization or deadlock failure between two writers of one case this way.
        if getattr(exc.orig, "sqlstate", None) in ("40001", "40P01"):
            raise StaleWrite() from None
        # SQLite: the write lock was not free within busy_timeout; nothing was written, so try again.
        if "database is locked" in str(exc.orig):
            raise Conflict("Databasen är upptagen av andra ändringar. Försök igen om en stund.") from None
        raise
    except IntegrityError as exc:
        # Two writers inserted the same key at once (PostgreSQL 23505, SQLite 'UNIQUE constraint failed').
        if getattr(exc.orig, "sqlstate", None) == "23505" or "UNIQUE constraint failed" in str(exc.orig):
            raise Conflict("Någon annan skapade samma sak samtidigt. Ladda om och försök igen.") from None
        raise
