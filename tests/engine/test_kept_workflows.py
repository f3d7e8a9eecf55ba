"""Workflows kept between steps per process (engine/runtime/workflow_cache.py): a step on a kept workflow ends
exactly where one rebuilt from the stored state ends, and a process whose kept workflow is older than the case
(another worker stepped it since) rebuilds it instead of stepping the stale one."""

from __future__ import annotations

from typing import Any

from engine import Engine
from engine.runtime.workflow_cache import WorkflowCache

from ..conftest import Casework
from .test_vard_case import (ACCEPT, CLASSIFY_SERIOUS, FEEDBACK, INVESTIGATION, LEX_MARIA_YES, PATIENT_INFORMED,
                             SIGN)

STEPS = [("triage", ACCEPT, "anna"), ("klassificering", CLASSIFY_SERIOUS, "anna"),
         ("lex_maria_bedomning", LEX_MARIA_YES, "cecilia"), ("utredning", INVESTIGATION, "anna"),
         ("informera_patient", PATIENT_INFORMED, "anna"), ("aterkoppling", FEEDBACK, "anna"),
         ("signera_avslut", SIGN, "bertil")]


def _outcome(engine: Engine, number: str) -> tuple[Any, ...]:
    view = engine.get_event(number, "bertil")
    data = {key: value for key, value in view["case_data"]["vard"].items() if key not in ("event_number", "mottagen")}
    return (data, view["status"], [t["spec_name"] for t in view["task_history"]],
            [d["kind"] for d in view["decisions"]])


def test_a_kept_workflow_steps_like_a_rebuilt_one(demo: Engine, report: dict[str, Any]) -> None:
    work = Casework(demo)
    kept = demo.report_event("eva", "ks-akut", report)["number"]
    rebuilt = demo.report_event("eva", "ks-akut", report)["number"]
    for spec, data, user in STEPS:
        work.complete(kept, spec, data, user)
        demo.workflows = WorkflowCache()  # forgets everything: the next step of `rebuilt` reads the stored state
        work.complete(rebuilt, spec, data, user)
    assert _outcome(demo, kept) == _outcome(demo, rebuilt)
    assert _outcome(demo, kept)[1] == "closed"


def test_a_kept_workflow_older_than_the_case_is_not_used(demo: Engine, report: dict[str, Any]) -> None:
    other = Engine(demo.db, records=demo.records)  # a second worker on the same database, its own cache
    number = demo.report_event("eva", "ks-akut", report)["number"]
    Casework(demo).complete(number, "triage", ACCEPT)  # `demo` keeps the workflow after triage
    Casework(other).complete(number, "klassificering", CLASSIFY_SERIOUS)  # the case moves on elsewhere
    # `demo` must step the case as stored (klassificering done), not its kept workflow (klassificering ready)
    result = Casework(demo).complete(number, "lex_maria_bedomning", LEX_MARIA_YES, user="cecilia")
    assert [t["spec_name"] for t in result["next_tasks"]] == ["utredning"]
    data = demo.get_event(number, "anna")["case_data"]["vard"]
    assert data["kategori"] == "lakemedel" and data["lex_maria"]["varde"] == "ja"

