"""PostgreSQL plans every statement for its own values (engine/store/db.py), except one marked PREPARED: the
notifications' INSERT … SELECT, which a step runs every time and whose planning cost more than running it."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import text

from engine import Engine


def test_only_the_statement_marked_prepared_is_prepared(demo: Engine, report: dict[str, Any]) -> None:
    if demo.db.dialect != "postgresql":
        pytest.skip("server-side prepared statements are PostgreSQL's")
    for _ in range(3):
        demo.report_event("eva", "ks-akut", report)  # the triage task's people told: the marked statement
    for _ in range(6):  # more runs than psycopg's own threshold for preparing a statement (5)
        demo.worklist("anna")
    with demo.db.transaction() as session:
        prepared = session.scalars(text("SELECT statement FROM pg_prepared_statements")).all()
        threshold = session.connection().connection.driver_connection.prepare_threshold  # type: ignore[union-attr]
    assert [statement.split(" (")[0] for statement in prepared] == ["INSERT INTO notifications"]
    assert threshold is None  # set for the marked statement's run only
    assert len([r for r in demo.outbox_list(limit=100) if r["kind"] == "task_created"]) >= 3
