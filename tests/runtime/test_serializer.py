"""Stored workflow state carries a version; one this avvik cannot read is refused plainly, naming the case."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import select

from engine import Engine
from engine.errors import StateUnreadable
from engine.store.models import AreaCase

ACCEPT = {"triage": {"beslut": "accepterad"}}


@pytest.mark.parametrize("version", [2, None, "1"])
def test_a_state_in_an_unknown_format_is_refused_and_names_the_case(
    demo: Engine, casework: Any, report: dict[str, Any], version: Any
) -> None:
    number = demo.report_event("eva", "ks-akut", report)["number"]
    with demo.db.transaction() as session:  # as a newer avvik (or a damaged row) would have left it
        case = session.scalars(select(AreaCase)).one()
        case.state = {**case.state, "v": version}
        case_id = case.id
    with pytest.raises(StateUnreadable) as refused:
        casework.complete(number, "triage", ACCEPT)
    assert refused.value.code == "state_unreadable"  # a Conflict: 409 over HTTP, never a 500
    assert refused.value.details == {"area_case_id": case_id, "version": version, "supported": 1}
    assert refused.value.message.startswith(f"Ärende {case_id}: det sparade läget har formatversion")
    assert [t["spec_name"] for t in demo.get_event(number, "anna")["open_tasks"]] == ["triage"]
