"""Two use cases at once on one event's cases keep its statistics right and both succeed: steps on its two
areas (each rewrites its own case's fact), and an action moving while a step runs on the action's case (the
action locks the case first, so one waits for the other instead of both rewriting one fact row)."""

from __future__ import annotations

import threading
from functools import partial
from typing import Any
from collections.abc import Callable

import pytest

from ..conftest import Casework
from ..engine.test_vard_case import ACCEPT, CLASSIFY_SERIOUS
from ..scenarios.test_arbetsmiljo import classification
from ..server.test_access import BOTH
from .test_facts import assert_in_step

pytestmark = pytest.mark.shared_database  # threads, each its own connection and transaction

ROUNDS = 4


def together(*works: Callable[[], Any]) -> None:
    """Run the works in threads released at once; every one must succeed."""
    barrier = threading.Barrier(len(works))
    failures: list[BaseException] = []

    def run(work: Callable[[], Any]) -> None:
        barrier.wait()
        try:
            work()
        except BaseException as error:  # noqa: BLE001 - the test reports it
            failures.append(error)

    threads = [threading.Thread(target=run, args=(work,)) for work in works]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not failures, failures


def test_steps_on_two_areas_of_one_event_at_once(casework: Casework) -> None:
    demo = casework.engine
    for _ in range(ROUNDS):
        number = demo.report_event("eva", "ks-akut", BOTH)["number"]
        vard, arbetsmiljo = casework.task(number, "triage"), casework.task(number, "klassificering", user="karin")
        together(partial(demo.complete_task, vard["id"], "anna", ACCEPT),
                 partial(demo.complete_task, arbetsmiljo["id"], "karin", classification("medarbetare", "lindrig")))
    assert_in_step(demo)


def test_an_action_moving_while_its_case_takes_a_step(casework: Casework, report: dict[str, Any]) -> None:
    demo = casework.engine
    for _ in range(ROUNDS):
        number = demo.report_event("eva", "ks-akut", report)["number"]
        casework.complete(number, "triage", ACCEPT)
        action = demo.create_action(number, "anna", {"titel": "Ny rutin", "typ": "korrigerande"})
        task = casework.task(number, "klassificering")
        together(partial(demo.transition_action, action["id"], "anna", "beslutad"),
                 partial(demo.complete_task, task["id"], "anna", CLASSIFY_SERIOUS))
    assert_in_step(demo)
