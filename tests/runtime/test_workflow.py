"""The runtime's small surface over SpiffWorkflow, without a database: timers on the injected clock, tasks that
are not ready refused, the step budget, and the case data people see."""

from __future__ import annotations

from datetime import datetime, timedelta, UTC
from typing import Any

import pytest
from SpiffWorkflow.spiff.parser.process import SpiffBpmnParser

from engine.errors import ProcessFault, TaskNotReady
from engine.runtime import clock as spiff_clock
from engine.runtime import workflow as runtime

NOW = datetime(2026, 11, 20, 9, 0, tzinfo=UTC)

_HEAD = ('<?xml version="1.0" encoding="UTF-8"?><bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL"'
         ' id="d" targetNamespace="t"><bpmn:process id="p" isExecutable="true">')
_TAIL = "</bpmn:process></bpmn:definitions>"

ESCALATION = _HEAD + """
  <bpmn:startEvent id="start"/>
  <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="gora"/>
  <bpmn:userTask id="gora"/>
  <bpmn:boundaryEvent id="frist" attachedToRef="gora">
    <bpmn:timerEventDefinition><bpmn:timeDuration>frist</bpmn:timeDuration></bpmn:timerEventDefinition>
  </bpmn:boundaryEvent>
  <bpmn:sequenceFlow id="f2" sourceRef="frist" targetRef="eskalerad"/>
  <bpmn:userTask id="eskalerad"/>
  <bpmn:sequenceFlow id="f3" sourceRef="gora" targetRef="slut"/>
  <bpmn:sequenceFlow id="f4" sourceRef="eskalerad" targetRef="slut"/>
  <bpmn:endEvent id="slut"/>
""" + _TAIL

LOOP = _HEAD + """
  <bpmn:startEvent id="start"/>
  <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="a"/>
  <bpmn:scriptTask id="a"><bpmn:script>n = n + 1</bpmn:script></bpmn:scriptTask>
  <bpmn:sequenceFlow id="f2" sourceRef="a" targetRef="igen"/>
  <bpmn:exclusiveGateway id="igen" default="f4"/>
  <bpmn:sequenceFlow id="f3" sourceRef="igen" targetRef="a">
    <bpmn:conditionExpression>n &lt; 100000</bpmn:conditionExpression>
  </bpmn:sequenceFlow>
  <bpmn:sequenceFlow id="f4" sourceRef="igen" targetRef="slut"/>
  <bpmn:endEvent id="slut"/>
""" + _TAIL


def _spec(xml: str) -> tuple[Any, Any]:
    parser = SpiffBpmnParser()
    parser.add_bpmn_str(xml.encode())
    return parser.get_spec("p"), parser.get_subprocess_specs("p")


class _Clock:
    def __init__(self) -> None:
        self.now = NOW

    def __call__(self) -> datetime:
        return self.now


def _ready(workflow: Any) -> list[str]:
    return [t.task_spec.name for t in runtime.ready_user_tasks(workflow)]


def test_a_timer_due_in_one_hour_fires_when_the_clock_moves_one_hour_on() -> None:
    clock = _Clock()
    with spiff_clock.using(clock):
        workflow = runtime.start_workflow(*_spec(ESCALATION), {"frist": "PT1H"})
        [due] = runtime.timer_due_times(workflow).values()
        assert due == NOW + timedelta(hours=1)  # started by the injected clock, not the machine's
        clock.now = NOW + timedelta(minutes=59)
        runtime.fire_timers(workflow)
        assert _ready(workflow) == ["gora"]
        clock.now = NOW + timedelta(hours=1, seconds=1)
        runtime.fire_timers(workflow)
        assert _ready(workflow) == ["eskalerad"]
        assert runtime.timer_due_times(workflow) == {}


def test_outside_a_use_case_timers_read_the_real_time() -> None:
    workflow = runtime.start_workflow(*_spec(ESCALATION), {"frist": "PT1H"})
    [due] = runtime.timer_due_times(workflow).values()
    assert abs(due - (datetime.now(UTC) + timedelta(hours=1))) < timedelta(minutes=1)


def test_a_nested_clock_is_undone_when_its_block_ends() -> None:
    outer, inner = _Clock(), _Clock()
    inner.now = NOW + timedelta(days=30)
    with spiff_clock.using(outer):
        with spiff_clock.using(inner):
            pass
        workflow = runtime.start_workflow(*_spec(ESCALATION), {"frist": "PT1H"})
    assert list(runtime.timer_due_times(workflow).values()) == [NOW + timedelta(hours=1)]


def test_completing_moves_on_and_a_task_that_is_not_ready_is_refused() -> None:
    with spiff_clock.using(_Clock()):
        workflow = runtime.start_workflow(*_spec(ESCALATION), {"frist": "PT1H"})
        task = runtime.ready_task(workflow, str(runtime.ready_user_tasks(workflow)[0].id))
        runtime.complete_task(workflow, task, {"svar": "klart"})
    assert workflow.completed and runtime.current_data(workflow)["svar"] == "klart"
    with pytest.raises(TaskNotReady):
        runtime.ready_task(workflow, str(task.id))  # completed: SpiffWorkflow itself would run it again
    with pytest.raises(TaskNotReady):
        runtime.ready_task(workflow, "inte-ett-id")


def test_a_loop_of_automatic_steps_stops_at_the_step_budget() -> None:
    with pytest.raises(ProcessFault) as fault:
        runtime.start_workflow(*_spec(LOOP), {"n": 0})
    assert fault.value.details.get("reason") == "step_limit"
