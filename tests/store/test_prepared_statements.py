"""PostgreSQL plans every statement for its own values (engine/store/db.py), except those marked PREPARED: the
notifications' and the statistics facts' INSERT … SELECT, the grants and the task a step works, which run on every
step or request and whose planning costs more than running them."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import text

from engine import Engine


def test_only_the_statements_marked_prepared_are_prepared(demo: Engine, report: dict[str, Any]) -> None:
    if demo.db.dialect != "postgresql":
        pytest.skip("server-side prepared statements are PostgreSQL's")
    for _ in range(3):
        demo.report_event("eva", "ks-akut", report)  # the triage task's people told, the case's facts written
    task = next(t for t in demo.worklist("anna") if t["spec_name"] == "triage")
    demo.claim_task(task["id"], "anna")
    for _ in range(6):  # more runs than psycopg's own threshold for preparing a statement (5)
        demo.worklist("anna")
    with demo.db.transaction() as session:
        prepared = session.scalars(text("SELECT statement FROM pg_prepared_statements")).all()
        threshold = session.connection().connection.driver_connection.prepare_threshold  # type: ignore[union-attr]
    assert sorted(" ".join(statement.split()[:3]) for statement in prepared) == [
        "INSERT INTO notifications", "INSERT INTO stats_facts", "SELECT role_grants.role, units.id,",  # the grants
        "SELECT tasks.id, tasks.area_case_id,",  # the task a step works (claiming reads it as a step does)
    ]
    # that one is the step's read (its state comes on the task's own row), not a worklist page, which must stay
    # planned for its values
    assert not any("LIMIT" in statement for statement in prepared)
    assert any(statement.startswith("SELECT tasks.id") and "CASE WHEN" in statement for statement in prepared)
    assert threshold is None  # set for the marked statement's run only
    assert len([r for r in demo.outbox_list(limit=100) if r["kind"] == "task_created"]) >= 3
