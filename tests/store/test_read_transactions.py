"""Read-only use cases on SQLite: they read their snapshot beside a writer instead of queueing for the write lock
(WAL), and a read-only transaction cannot write."""

from __future__ import annotations

import sqlite3
from typing import Any
from collections.abc import Iterator

import pytest
from sqlalchemy import text
from sqlalchemy.exc import OperationalError

from engine import Engine

pytestmark = pytest.mark.shared_database  # a second connection holds the write lock beside the engine's


@pytest.fixture
def write_lock(demo: Engine) -> Iterator[sqlite3.Connection]:
    """Another connection holding SQLite's write lock, with an uncommitted change, for the whole test."""
    if demo.db.dialect != "sqlite":
        pytest.skip("the write lock and deferred readers are SQLite's")
    holder = sqlite3.connect(demo.db.engine.url.database, isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")
    holder.execute("UPDATE users SET name = 'Ändrad' WHERE id = 'anna'")
    yield holder
    holder.execute("ROLLBACK")
    holder.close()


def test_reads_run_while_another_connection_holds_the_write_lock(
    demo: Engine, report: dict[str, Any], write_lock: sqlite3.Connection
) -> None:
    # Before: every transaction began with BEGIN IMMEDIATE, so each read waited out busy_timeout (10 s) and failed.
    assert demo.worklist("anna") == []
    assert demo.list_events("anna")["items"] == []
    assert demo.me("anna")["name"] != "Ändrad"  # the committed snapshot, not the writer's pending change
    assert [u["id"] for u in demo.list_units()]


def test_a_token_check_runs_beside_the_writer(demo: Engine) -> None:
    token = demo.create_token("anna")
    if demo.db.dialect != "sqlite":
        pytest.skip("the write lock and deferred readers are SQLite's")
    holder = sqlite3.connect(demo.db.engine.url.database, isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")
    try:
        assert demo.authenticate(token) == "anna"
    finally:
        holder.execute("ROLLBACK")
        holder.close()


def test_a_read_only_transaction_cannot_write(demo: Engine) -> None:
    if demo.db.dialect != "sqlite":
        pytest.skip("enforced by SQLite's query_only")
    with pytest.raises(OperationalError, match="readonly"):
        with demo.db.transaction(read_only=True) as session:
            session.execute(text("UPDATE users SET name = 'x' WHERE id = 'anna'"))
    with demo.db.transaction() as session:  # the connection goes back to the pool writable
        session.execute(text("UPDATE users SET name = 'x' WHERE id = 'anna'"))
    assert demo.me("anna")["name"] == "x"
