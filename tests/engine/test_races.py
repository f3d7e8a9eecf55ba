"""Races through the engine's public API: 20 threads, each its own use case and transaction, change one row at
once. Exactly one wins; every other gets a Conflict (HTTP 409), never a database error and never a second
winner told it owns the task."""

from __future__ import annotations

import threading
from typing import Any
from collections.abc import Callable

import pytest

from sqlalchemy import select

from engine import Engine
from engine.errors import Conflict
from engine.store.models import AuditEntry

from .test_vard_case import ACCEPT

pytestmark = pytest.mark.shared_database  # threads race over their own connections

THREADS = 20
HANDLERS = [f"handlare{i:02d}" for i in range(THREADS)]


def race(work: Callable[[int], Any]) -> tuple[list[int], list[int]]:
    """Run work(0..THREADS-1) in THREADS threads released at once; return (winners, losers) by index. Anything
    but success or a Conflict fails the test."""
    barrier = threading.Barrier(THREADS)
    outcome: list[Any] = [None] * THREADS

    def run(index: int) -> None:
        barrier.wait()
        try:
            work(index)
            outcome[index] = "won"
        except Conflict:
            outcome[index] = "lost"
        except Exception as error:  # noqa: BLE001 - reported below, with what it was
            outcome[index] = error

    threads = [threading.Thread(target=run, args=(i,)) for i in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    unexpected = [o for o in outcome if o not in ("won", "lost")]
    assert not unexpected, unexpected
    return [i for i, o in enumerate(outcome) if o == "won"], [i for i, o in enumerate(outcome) if o == "lost"]


@pytest.fixture
def handlers(demo: Engine) -> list[str]:
    """THREADS colleagues who all hold handläggare at Karolinska, as anna does."""
    for user in HANDLERS:
        demo.add_user(user)
        demo.grant_role(user, "handlaggare", "ks")
    return HANDLERS


@pytest.fixture
def triage(demo: Engine, handlers: list[str], report: dict[str, Any]) -> str:
    """The id of a fresh, unclaimed triage task."""
    number = demo.report_event("eva", "ks-akut", report)["number"]
    return str(demo.get_event(number, "anna")["open_tasks"][0]["id"])


def test_twenty_claims_of_one_task_have_one_owner_in_every_run(
    demo: Engine, handlers: list[str], triage: str
) -> None:
    runs = 20 if demo.db.dialect == "postgresql" else 3  # SQLite serialises writers; three runs show the mapping
    for _ in range(runs):
        winners, losers = race(lambda i: demo.claim_task(triage, handlers[i]))
        assert len(winners) == 1 and len(losers) == THREADS - 1
        owner = handlers[winners[0]]
        assert demo.get_task(triage, "anna")["assignee"] == owner
        demo.release_task(triage, owner)


def test_twenty_assignments_of_one_task_lose_no_update(demo: Engine, handlers: list[str], triage: str) -> None:
    """Reassigning is allowed, so on SQLite (one writer at a time) every thread may win in turn; what must hold on
    every database is that each winner replaced the assignee the one before it set: no two replaced the same."""
    winners, _ = race(lambda i: demo.assign_task(triage, handlers[i], handlers[i]))
    number = demo.get_task(triage, "anna")["event_number"]
    chain = [c["after"] for c in demo.audit_log(number, "revisor")["changes"] if c["operation"] == "assign"]
    assert len(chain) == len(winners) >= 1
    assert [link["previous"] for link in chain] == [None] + [link["assignee"] for link in chain[:-1]]
    assert demo.get_task(triage, "anna")["assignee"] == chain[-1]["assignee"]


def test_twenty_releases_of_one_claim_have_one_winner(demo: Engine, handlers: list[str], triage: str) -> None:
    demo.claim_task(triage, "anna")
    winners, _ = race(lambda i: demo.release_task(triage, "anna"))
    assert len(winners) == 1 and demo.get_task(triage, "anna")["assignee"] is None


def test_twenty_completions_of_one_task_step_the_case_once(
    demo: Engine, handlers: list[str], triage: str
) -> None:
    winners, _ = race(lambda i: demo.complete_task(triage, handlers[i], ACCEPT))
    assert len(winners) == 1
    task = demo.get_task(triage, "anna")
    assert task["outcome"] == "completed" and task["ended_by"] == handlers[winners[0]]
    number = task["event_number"]
    assert [t["spec_name"] for t in demo.get_event(number, "anna")["open_tasks"]] == ["klassificering"]


def test_claims_racing_completions_never_leave_a_claimer_whose_task_someone_else_completed(
    demo: Engine, handlers: list[str], triage: str
) -> None:
    def work(i: int) -> Any:
        return demo.claim_task(triage, handlers[i]) if i % 2 else demo.complete_task(triage, handlers[i], ACCEPT)

    winners, _ = race(work)
    claimers = {handlers[i] for i in winners if i % 2}
    completers = {handlers[i] for i in winners if not i % 2}
    assert len(completers) <= 1 and len(claimers) <= 1
    assert not (completers and claimers - completers)


def test_twenty_transitions_of_one_action_have_one_winner(
    demo: Engine, handlers: list[str], report: dict[str, Any]
) -> None:
    number = demo.report_event("eva", "ks-akut", report)["number"]
    action = demo.create_action(number, "anna", {"titel": "Inför dubbelkontroll", "typ": "korrigerande"})
    winners, _ = race(lambda i: demo.transition_action(action["id"], handlers[i], "beslutad"))
    assert len(winners) == 1
    after = demo.get_action(action["id"], "anna")
    assert after["status"] == "beslutad" and after["version"] == action["version"] + 1
    changes = [c for c in demo.audit_log(number, "revisor")["changes"] if c["operation"] == "transition"]
    assert len(changes) == 1


@pytest.mark.parametrize("existing", [False, True], ids=["new-binding", "changed-binding"])
def test_twenty_binding_changes_lose_no_update(demo: Engine, published: dict[str, Any], existing: bool) -> None:
    """As with assignment, a later writer may legitimately win after an earlier one; each winner's audited
    'before' must be what the winner before it set, and a new binding is inserted once (no 500 on the key)."""
    if existing:
        demo.set_binding("ks-avd12", "vard", published["hash"], "standard", "petra")
    variants = ["patientmedverkan", "standard"]
    winners, _ = race(lambda i: demo.set_binding("ks-avd12", "vard", published["hash"], variants[i % 2], "petra"))
    with demo.db.transaction() as session:
        chain = [(e.before, e.after) for e in session.scalars(
            select(AuditEntry).where(AuditEntry.entity == "binding", AuditEntry.entity_id == "ks-avd12/vard")
            .order_by(AuditEntry.id))]
    assert len(chain) == len(winners) + existing
    assert [before for before, _ in chain] == [None] + [after for _, after in chain[:-1]]
    vard = next(a for a in demo.effective_config("ks-avd12", "petra")["areas"] if a["area"] == "vard")
    assert vard["variant"] == chain[-1][1]["variant"]
