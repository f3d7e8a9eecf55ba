"""Every scenario in processes/<area>/scenarios/*.yaml, run through the HTTP API as the people it names.

A scenario is data beside its process: who reports, who does which task with which data, and what must follow
(tasks offered to whom, refusals, closure rules, decisions, status), with the clock moved on for timers. The
format is described in docs/definitions.md; this module is its one interpreter. A step that does not hold fails
the test naming the scenario file and the step's number.
"""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path
from typing import Any
from collections.abc import Callable

import pytest
import yaml

from engine import Engine
from engine.definitions.variables import parse_duration

from ..conftest import DEFINITIONS, Clock
from ..definitions import fire_due_timers
from ..http import API, add_action, assert_error, complete, event, open_task, unmet

SCENARIOS = sorted((DEFINITIONS / "processes").glob("*/scenarios/*.yaml"))
STATUS = {"forbidden": 403, "not_found": 404, "closure_blocked": 409, "validation_failed": 422}


class Run:
    """One scenario's state: the event it follows and the actions it named."""

    def __init__(self, demo: Engine, client: Any, auth: Callable[[str], dict[str, str]], clock: Clock) -> None:
        self.demo, self.client, self.auth, self.clock = demo, client, auth, clock
        self.number = ""
        self.handler = ""
        self.named: dict[str, str] = {}  # action name in the scenario -> action id

    def report(self, step: dict[str, Any]) -> None:
        response = self.client.post(f"{API}/events", json={"unit_id": step["unit"], "data": step["report"]},
                                    headers=self.auth(step["by"]))
        assert response.status_code == 201, response.get_json()
        created = response.get_json()
        self.number = created["number"]
        if "areas" in step:
            assert sorted(a["area"] for a in created["areas"]) == sorted(step["areas"])

    def feedback(self, step: dict[str, Any]) -> None:
        """A complaint through the public e-service (no token); the event is the one offered to `to`."""
        sent = self.client.post(f"{API}/public/{step['entity']}/feedback", json={"data": step["feedback"]})
        assert sent.status_code == 201, sent.get_json()
        offered = self.client.get(f"{API}/tasks?scope=available", headers=self.auth(step["to"])).get_json()
        self.number = offered[0]["event_number"]

    def do(self, step: dict[str, Any]) -> None:
        """Complete the open task. A user who may not see the event at all gets not_found: the task is looked up
        as the handler who last completed one, then posted as `by`."""
        if step.get("refused") == "not_found":
            task = open_task(self.client, self.auth(self.handler), self.number, step["do"])
            response = self.client.post(f"{API}/tasks/{task['id']}/complete", json={"data": step.get("data", {})},
                                        headers=self.auth(step["by"]))
        else:
            response = complete(self.client, self.auth(step["by"]), self.number, step["do"], step.get("data", {}))
        if "refused" in step:
            body = assert_error(response, STATUS[step["refused"]], step["refused"])
            if step["refused"] == "validation_failed":
                assert body["errors"], body
            if "errors" in step:
                assert sorted(e["path"] for e in body["errors"]) == sorted(step["errors"])
            if "unmet" in step:
                assert [u["id"] for u in body["unmet"]] == step["unmet"]
            return
        assert response.status_code == 200, response.get_json()
        self.handler = step["by"]
        body = response.get_json()
        if "next" in step:
            assert sorted(t["spec_name"] for t in body["next_tasks"]) == sorted(step["next"])
        if "status" in step:
            assert body["event_status"] == step["status"]

    def offered(self, step: dict[str, Any]) -> None:
        """Each user's available worklist for this event: task ids, or {task id: role} to check the role too."""
        for user, expected in step["offered"].items():
            tasks = self.client.get(f"{API}/tasks?scope=available", headers=self.auth(user)).get_json()
            mine = [t for t in tasks if t["event_number"] == self.number]
            wants_roles = any(isinstance(e, dict) for e in expected)
            got = sorted((t["spec_name"], t["role"]) if wants_roles else t["spec_name"] for t in mine)
            want = sorted(next(iter(e.items())) if isinstance(e, dict) else e for e in expected)
            assert got == want, f"{user}: {got}"

    def open(self, step: dict[str, Any]) -> None:
        tasks = event(self.client, self.auth(step["by"]), self.number)["open_tasks"]
        assert sorted(t["spec_name"] for t in tasks) == sorted(step["open"])
        for task in tasks:
            if task["spec_name"] in step.get("due", []):
                assert task["due_at"] is not None, task

    def closure(self, step: dict[str, Any]) -> None:
        """The ids of the area's closure rules not met yet, in the order the API gives them."""
        assert unmet(self.client, self.auth(step["by"]), self.number, step["area"]) == step["closure"]

    def decisions(self, step: dict[str, Any]) -> None:
        """Each decision as [kind, value, decided by] and, when given, its reference and motivation."""
        found = event(self.client, self.auth(step["by"]), self.number)["decisions"]
        fields = ("kind", "value", "decided_by", "reference", "motivation")
        assert [[d[f] for f in fields[:len(want)]] for d, want in zip(found, step["decisions"])] == step["decisions"]
        assert len(found) == len(step["decisions"]), found

    def actions(self, step: dict[str, Any]) -> None:
        """The event's actions by title, in order, each given a name for later steps (e.g. ones the process made
        from a handlingsplan)."""
        found = event(self.client, self.auth(step["by"]), self.number)["actions"]
        assert [a["title"] for a in found] == list(step["actions"].values())
        self.named.update(zip(step["actions"], (a["id"] for a in found)))

    def data(self, step: dict[str, Any]) -> None:
        """Values in the area's case data, by dotted path (a number picks a list item)."""
        case_data = event(self.client, self.auth(step["by"]), self.number)["case_data"][step["area"]]
        for path, expected in step["data"].items():
            value: Any = case_data
            for part in str(path).split("."):
                value = value[int(part)] if isinstance(value, list) else value[part]
            assert value == expected, f"{path}: {value!r}"

    def history(self, step: dict[str, Any]) -> None:
        """The operations in the event's history, oldest first (report, complete, timer, …)."""
        found = event(self.client, self.auth(step["by"]), self.number)["history"]
        assert [h["operation"] for h in found] == step["history"]

    def feedback_shown(self, step: dict[str, Any]) -> None:
        """The feedback texts the reporter (by) reads on the event."""
        shown = event(self.client, self.auth(step["by"]), self.number)["feedback"]
        assert [f["text"] for f in shown] == step["feedback_shown"]

    def status(self, step: dict[str, Any]) -> None:
        assert event(self.client, self.auth(step["by"]), self.number)["status"] == step["status"]

    def action(self, step: dict[str, Any]) -> None:
        self.named[step["action"]] = add_action(self.client, self.auth(step["by"]), self.number, step["data"])["id"]

    def move(self, step: dict[str, Any]) -> None:
        """Move a named action through the given states in turn (e.g. [beslutad, pagar, genomford])."""
        for target in step["to"]:
            body = {"to": target, **({"note": step["note"]} if "note" in step else {})}
            moved = self.client.post(f"{API}/actions/{self.named[step['move']]}/transition", json=body,
                                     headers=self.auth(step["by"]))
            assert moved.status_code == 200, moved.get_json()

    def wait(self, step: dict[str, Any]) -> None:
        duration = parse_duration(step["wait"])
        assert duration is not None, f"wait: {step['wait']!r} is not an ISO 8601 duration such as PT4H1M"
        self.clock.advance(seconds=duration / timedelta(seconds=1))

    def worker(self, step: dict[str, Any]) -> None:
        assert f"{step['worker']} ärenden gick vidare" in fire_due_timers(self.demo).output


# The verb of a step (its first key) and the other keys it may carry.
VERBS: dict[str, tuple[Callable[[Run, dict[str, Any]], None], set[str]]] = {
    "report": (Run.report, {"by", "unit", "areas"}),
    "feedback": (Run.feedback, {"entity", "to"}),
    "do": (Run.do, {"by", "data", "next", "status", "refused", "errors", "unmet"}),
    "offered": (Run.offered, set()),
    "open": (Run.open, {"by", "due"}),
    "closure": (Run.closure, {"by", "area"}),
    "decisions": (Run.decisions, {"by"}),
    "feedback_shown": (Run.feedback_shown, {"by"}),
    "history": (Run.history, {"by"}),
    "actions": (Run.actions, {"by"}),
    "data": (Run.data, {"by", "area"}),
    "status": (Run.status, {"by"}),
    "action": (Run.action, {"by", "data"}),
    "move": (Run.move, {"by", "to", "note"}),
    "wait": (Run.wait, set()),
    "worker": (Run.worker, set()),
}


def _check_shape(path: Path, scenario: Any) -> list[dict[str, Any]]:
    """The scenario's steps, once each starts with a known verb and carries only that verb's keys."""
    assert isinstance(scenario, dict) and set(scenario) <= {"name", "steps"} and scenario.get("steps"), (
        f"{path}: a scenario has name: and steps:")
    for index, step in enumerate(scenario["steps"], 1):
        verb = next(iter(step), None) if isinstance(step, dict) else None
        assert verb in VERBS, f"{path} step {index}: starts with {verb!r}, not one of {sorted(VERBS)}"
        extra = set(step) - {verb} - VERBS[verb][1]
        assert not extra, f"{path} step {index}: {verb} does not take {sorted(extra)}"
    steps: list[dict[str, Any]] = scenario["steps"]
    return steps


@pytest.mark.parametrize("path", SCENARIOS, ids=[f"{p.parent.parent.name}/{p.stem}" for p in SCENARIOS])
def test_scenario(path: Path, demo: Engine, client: Any, auth: Any, clock: Clock) -> None:
    steps = _check_shape(path, yaml.safe_load(path.read_text(encoding="utf-8")))
    run = Run(demo, client, auth, clock)
    for index, step in enumerate(steps, 1):
        verb = next(iter(step))
        try:
            VERBS[verb][0](run, step)
        except AssertionError as failure:
            raise AssertionError(f"{path.relative_to(DEFINITIONS)} step {index} ({verb}): {failure}") from None


def test_every_area_has_a_scenario_to_closure() -> None:
    areas = {p.name for p in (DEFINITIONS / "processes").iterdir() if (p / "area.yaml").is_file()}
    closing = {p.parent.parent.name for p in SCENARIOS if "status: closed" in p.read_text(encoding="utf-8")}
    assert areas <= closing, f"no scenario closes a case in {sorted(areas - closing)}"
