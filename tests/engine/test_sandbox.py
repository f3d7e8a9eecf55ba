"""Tests for engine.sandbox: escapes are refused, ordinary expressions work, SpiffWorkflow goes through it."""

from __future__ import annotations

import ast
import gc
import time
from pathlib import Path
from typing import Any

import pytest
from SpiffWorkflow.bpmn.workflow import BpmnWorkflow
from SpiffWorkflow.spiff.parser.process import SpiffBpmnParser
from SpiffWorkflow.util.task import TaskState

from engine import sandbox
from engine.errors import SandboxError
from engine.runtime import script
from engine.runtime.script import SandboxScriptEngine
from engine.sandbox import check_expression, evaluate, execute, interpreter, names_used

DATA: dict[str, Any] = {"x": 1, "items": [1, 2, 3], "risk": {"score": 9}, "days": 3}


def sandbox_error_in_chain(exc: BaseException | None) -> SandboxError | None:
    """The first SandboxError among exc, its causes and contexts."""
    seen: set[int] = set()
    while exc is not None and id(exc) not in seen:
        if isinstance(exc, SandboxError):
            return exc
        seen.add(id(exc))
        exc = exc.__cause__ or exc.__context__
    return None


# --- (1) escape attempts ---------------------------------------------------------------------------------

BIG = "10**1000 * 10**1000 * 10**900"  # 2 900 digits: the largest kind of number the sandbox builds

ESCAPES = [
    "__import__('os')",
    "().__class__.__base__.__subclasses__()",
    "getattr(x, '__class__')",
    "x.__dict__",
    "open('/etc/passwd')",
    "eval('1')",
    "exec('1')",
    "globals()",
    "(lambda: 1)()",
    "[c for c in ().__class__.__mro__]",
    "type(x)",
    "vars()",
    "10**10**10",
    "2**100000",
    "'a'*10**9",
    "[0]*10**9",
    "(" * 500 + "1" + ")" * 500,
    "sum(range(10**12))",
    "[1 for a in range(10000) for b in range(10000)]",
    'f"{x.__class__}"',
    '"{0.__class__}".format(1)',
    "'abc'.format_map({})",
    "x.format_map",
    "dict.mro",
    "dict.mro()",
    "__builtins__",
    "(x := 1)",
    "items.append(4)",
    "str.__dict__",
    "'%0999999999d' % 1",
    "f'{x:>999999999}'",
    "'a' * 60000 + 'b' * 60000",
    "('a' * 100000).replace('', 'xx')",
    "','.join(['a' * 50000, 'b' * 50000, 'c'])",
    "sum([[1] * 10000] * 10000, [])",
    "max(items, key=len)",
    "dict(**risk)",
    "-" * 150 + "1",
    "x" * 10_001,
    "1j",
    "b'bytes'",
    "items[0]()",
    "'abc'.__len__()",
    "[*range(10000), *range(10000)] * 10",
    "[[0] * 100000] * 100000 == [[0] * 100000] * 100000",  # cheap to build, minutes to compare
    "str([[0] * 100000] * 20)",  # cheap to build, gigabytes to print
    "len([items * 30000 for i in range(20)])",
    # one builtin call that would run for minutes: each is refused on its arguments before it runs
    "round(1, -10**9)",
    "round(10**100, -10**7)",
    "round(1, ndigits=-10**9)",
    "int('f' * 99999, 16)",
    "int('9' * 4000) + 1",  # 13 000 bits: within Python's digit limit, beyond ours
    f"str([{BIG}] * 100000)",  # a small list, 290 million digits
    f"f'{{[{BIG}] * 100000}}'",
    f"f'{{[{BIG}] * 100000!r}}'",
    f"items.index([{BIG}] * 100000)",  # the error message would show the missing value
    f"{{}}[({BIG},) * 100000]",  # and so would the missing key's
    "(-1) ** 0.5",
    "'ß' * 60000 == ('ß' * 60000).upper()",  # upper() of ß is SS: the result outgrows its argument
]


@pytest.mark.parametrize("source", ESCAPES, ids=[s[:40] for s in ESCAPES])
def test_escape_attempts_are_refused(source: str) -> None:
    started = time.monotonic()
    with pytest.raises(SandboxError) as info:
        evaluate(source, dict(DATA))
    assert time.monotonic() - started < 5
    assert info.value.details["expression"] == source
    assert info.value.details["reason"]
    assert info.value.message  # Swedish, for a process owner


SCRIPT_ESCAPES = [
    "import os",
    "from os import system",
    "while True:\n    pass",
    "for i in range(10):\n    x = i",
    "def f():\n    return 1",
    "class A:\n    pass",
    "try:\n    x = 1\nexcept Exception:\n    pass",
    "with open('f') as f:\n    x = 1",
    "global x",
    "x.y = 1",
    "risk['score'] = 0",
    "del risk['score']",
    "x = 1\nprint(x)",
    "x = __import__('os')",
    "x = lambda: 1",
    "if True:\n    import os",
    "x = 2\nx **= 100000",
    "s = 'a' * 100000\ns = s + s",
    "a = [0] * 100000\nb = [a] * 10",
    "a = [0] * 100000\nb = [a]\nb *= 100000",
    "x = 10 ** 1000\nx = x * x\nx = x * x",
]


@pytest.mark.parametrize("source", SCRIPT_ESCAPES)
def test_script_escapes_are_refused(source: str) -> None:
    names = dict(DATA)
    with pytest.raises(SandboxError):
        execute(source, names)
    assert names == DATA  # nothing half-done is written back


UNSTORABLE = [
    "(-1) ** 0.5", "{1, 2}", "{(1, 2): 3}", "{1: 'a'}", "float('nan')", "float('1e308') * 10", "-float('inf')",
    "2 ** 53", "-(2 ** 53)", "[{'a': [set()]}]", "'a\\x00b'", "'\\ud800'", "int('f' * 99999, 16)",
]


@pytest.mark.parametrize("source", UNSTORABLE)
def test_results_a_case_cannot_store_are_refused(source: str) -> None:
    with pytest.raises(SandboxError) as info:
        evaluate(source, {})
    assert info.value.code == "expression_refused"
    names: dict[str, Any] = {"x": 1}
    with pytest.raises(SandboxError) as assigned:
        execute(f"y = 1\nx = {source}", names)
    assert names == {"x": 1}
    assert assigned.value.details.get("name", "x") == "x"  # which variable, when the value was built


def test_storable_results_pass_and_unchanged_data_is_not_rechecked() -> None:
    assert evaluate("[2 ** 53 - 1, -(2 ** 53 - 1), 1e308, (1, 'a'), {'k': None}]", {}) == [
        2**53 - 1, -(2**53 - 1), 1e308, (1, "a"), {"k": None}]
    names = {"legacy": {1: "a"}, "x": 1}  # what is already in the data is the store's business
    execute("x = 2", names)
    assert names == {"legacy": {1: "a"}, "x": 2}


@pytest.mark.parametrize(
    ("source", "script", "reason", "part"),
    [
        ("10**10**10", False, "too_complex", None),
        ('f"P{10**10**10}D"', False, "too_complex", None),
        ("x > 1 and round(1, -10**9) == 0", False, "too_complex", "round(1, -10 ** 9) == 0"),
        ("[i for i in items if 1 / 0]", False, "zero_division", "1 / 0"),
        ("[i for i in range(10**9)]", False, "too_complex", None),
        ("float('nan')", False, "not_storable", None),
        ("y = x\nz = {1, 2}", True, "not_storable", "{1, 2}"),
        ("y = x * int('f' * 99999, 16)", True, "too_complex", "int('f' * 99999, 16)"),
    ],
)
def test_check_constants_evaluates_what_reads_no_data(source: str, script: bool, reason: str, part: str | None) -> None:
    started = time.monotonic()
    with pytest.raises(SandboxError) as info:
        sandbox.check_constants(source, script=script)
    assert time.monotonic() - started < 5
    assert info.value.details["reason"] == reason
    assert info.value.details.get("part") == part


@pytest.mark.parametrize("source", ['"P3D"', "x > float('nan')", "today()", "{1, 2} if x else [1]",
                                    "[i for i in items]", "items[1:2]", "x = 2 ** 60 if y else 1"])
def test_check_constants_accepts_what_may_work(source: str) -> None:
    sandbox.check_constants(source, script="=" in source and "==" not in source)


def test_forbidden_name_message_is_plain_swedish() -> None:
    with pytest.raises(SandboxError) as info:
        check_expression("().__class__")
    assert info.value.message == "Uttrycket använder '.__class__', som inte är tillåtet."
    assert info.value.to_dict() == {
        "code": "expression_refused",
        "message": info.value.message,
        "reason": "forbidden_name",
        "expression": "().__class__",
    }


@pytest.mark.parametrize(
    ("source", "reason"),
    [
        ("x ==", "syntax_error"),
        ("(" * 500 + "1" + ")" * 500, "syntax_error"),
        ("-" * 150 + "1", "too_complex"),
        ("x" * 10_001, "too_complex"),
        ("__import__('os')", "forbidden_name"),
        ("x.__dict__", "forbidden_name"),
        ("open('/etc/passwd')", "forbidden_syntax"),
        ("(lambda: 1)()", "forbidden_syntax"),
    ],
)
def test_check_expression_reasons(source: str, reason: str) -> None:
    with pytest.raises(SandboxError) as info:
        check_expression(source)
    assert info.value.details["reason"] == reason
    assert info.value.code == "expression_refused"
    assert not isinstance(info.value, SyntaxError)


def test_syntax_error_message() -> None:
    with pytest.raises(SandboxError) as info:
        check_expression("x ==")
    assert info.value.message.startswith("Uttrycket kan inte tolkas")
    assert info.value.__cause__ is None and info.value.__suppress_context__


def test_step_budget_stops_a_huge_comprehension_quickly() -> None:
    started = time.monotonic()
    with pytest.raises(SandboxError) as info:
        evaluate("[1 for a in range(10000) for b in range(10000)]", {})
    assert time.monotonic() - started < 5
    assert info.value.details["reason"] == "too_complex"


def test_time_bound(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(interpreter, "MAX_SECONDS", 0.0)
    with pytest.raises(SandboxError) as info:
        evaluate("1 + 1", {})
    assert info.value.details["reason"] == "too_complex"


def test_time_the_garbage_collector_takes_during_an_expression_is_not_the_expressions(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A collection that an allocation inside the expression triggers walks every object of the process (a worker's,
    a long test run's): seconds on a big heap. It refused a plain condition in a full test run."""
    clock = [0.0]
    monkeypatch.setattr(time, "thread_time", lambda: clock[0])

    class Collected(dict[str, int]):
        def __getitem__(self, key: str) -> int:
            def slow(phase: str, _info: dict[str, int]) -> None:
                if phase == "stop":
                    clock[0] += 1.0  # this thread's CPU second, spent walking the heap

            gc.callbacks.insert(0, slow)
            try:
                gc.collect()
            finally:
                gc.callbacks.remove(slow)
            return super().__getitem__(key)

    assert evaluate("d['k'] == 1", {"d": Collected(k=1)}) is True  # the expression's own time: test_time_bound


@pytest.mark.parametrize(
    ("source", "names", "reason", "message"),
    [
        ("y + 1", {}, "unknown_name", "Namnet 'y' finns inte i ärendets data."),
        ("1 / 0", {}, "zero_division", "Uttrycket delar med noll."),
        ("risk['saknas']", DATA, "missing_key", "Nyckeln 'saknas' finns inte i datat."),
        ("items[10]", DATA, "missing_index", "Det finns inget element på den platsen."),
        ("'a' + 1", {}, "wrong_type", "Värdena har fel typ för den här beräkningen."),
        ("int('tre')", {}, "bad_value", "Ett värde har fel form."),
        ("x.lower()", DATA, "wrong_type", "Metoden '.lower()' finns inte för värdet (int)."),
        ("{**items}", DATA, "wrong_type", "Värdena har fel typ för den här beräkningen."),
        ("x[0]", DATA, "wrong_type", "Värdena har fel typ för den här beräkningen."),
        ('days_between("igår", "idag")', {}, "bad_value", "Ett värde har fel form."),
    ],
)
def test_runtime_failures(source: str, names: dict[str, Any], reason: str, message: str) -> None:
    with pytest.raises(SandboxError) as info:
        evaluate(source, names)
    assert info.value.code == "expression_failed"
    assert info.value.details["reason"] == reason
    assert info.value.details["expression"] == source
    assert info.value.message == message


# --- (2) ordinary expressions ----------------------------------------------------------------------------

RISK = {"score": 9, "konsekvens": "allvarlig"}


@pytest.mark.parametrize(
    ("source", "names", "expected"),
    [
        ("potential_consequence >= 3", {"potential_consequence": 3}, True),
        ("potential_consequence >= 3", {"potential_consequence": 2}, False),
        ("1 < x <= 3", {"x": 3}, True),
        ("1 < x <= 3", {"x": 4}, False),
        ('x in ("död", "allvarlig")', {"x": "död"}, True),
        ('x in ("död", "allvarlig")', {"x": "lindrig"}, False),
        ('x not in ["a"]', {"x": "b"}, True),
        ("a and not b or c", {"a": True, "b": False, "c": False}, True),
        ("a or b", {"a": 0, "b": "fallback"}, "fallback"),
        ("a and missing", {"a": False}, False),  # short-circuit: `missing` is never read
        ("(a + b) * 2 - 10 / 4 // 1 % 3 ** 2", {"a": 1, "b": 2}, 4.0),
        ("-x + +x", {"x": 5}, 0),
        ("2 ** 10", {}, 1024),
        ('f"P{days}D"', {"days": 3}, "P3D"),
        ('f"P{sla_triage_days}D"', {"sla_triage_days": 5}, "P5D"),
        ('"P3D"', {}, "P3D"),
        ('f"{score:.1f} / {name!r:>8}"', {"score": 2.25, "name": "ab"}, "2.2 /     'ab'"),
        ('risk["konsekvens"]', {"risk": RISK}, "allvarlig"),
        ("items[-1]", {"items": [1, 2, 3]}, 3),
        ("items[1:]", {"items": [1, 2, 3]}, [2, 3]),
        ("text[::-1]", {"text": "abc"}, "cba"),
        ('risk.get("score", 0) >= 8', {"risk": RISK}, True),
        ('risk.get("saknas", 0) >= 8', {"risk": RISK}, False),
        ("len(items) > 0", {"items": []}, False),
        ("max(a, b)", {"a": 2, "b": 7}, 7),
        ("min(items, default=0)", {"items": []}, 0),
        ('"hög" if score > 5 else "låg"', {"score": 6}, "hög"),
        ("not flag", {"flag": False}, True),
        ("x is None", {"x": None}, True),
        ("x is not None", {"x": None}, False),
        ("sum(items) / len(items)", {"items": [1, 2, 3]}, 2.0),
        ("sorted(items, reverse=True)", {"items": [2, 3, 1]}, [3, 2, 1]),
        ("any(i > 2 for i in items)", {"items": [1, 3]}, True),
        ("all(i > 2 for i in items)", {"items": [1, 3]}, False),
        ("[i * 2 for i in items if i != 2]", {"items": [1, 2, 3]}, [2, 6]),
        ("{k: v for k, v in d.items()}", {"d": {"a": 1}}, {"a": 1}),
        ("sorted({i % 2 for i in range(5)})", {}, [0, 1]),  # a set may be used, not returned
        ("{**d, 'b': 2}", {"d": {"a": 1}}, {"a": 1, "b": 2}),
        ("[*items, 4]", {"items": [1]}, [1, 4]),
        ("max(*items)", {"items": [4, 9]}, 9),
        ('text.strip().lower().startswith("fall")', {"text": " Fallolycka "}, True),
        ('", ".join(sorted(d.keys()))', {"d": {"b": 1, "a": 2}}, "a, b"),
        ('"a-b".split("-")', {}, ["a", "b"]),
        ("items.count(1) + items.index(2)", {"items": [1, 2]}, 2),
        ("round(2.567, 2)", {}, 2.57),
        ("abs(-3) + int('4') + float('0.5')", {}, 7.5),
        ("str(5) + 'x'", {}, "5x"),
        ("bool('') or list('ab') == ['a', 'b']", {}, True),
        ("tuple(items) + (4,)", {"items": [3]}, (3, 4)),
        ('days_between("2024-01-30", "2024-03-01")', {}, 31),
        ('days_between("2024-01-30T10:00:00", "2024-02-01")', {}, 2),
        ("len(today()) == 10", {}, True),
        ("len(range(10000))", {}, 10000),
        ("'ab' * 3", {}, "ababab"),
        ("int('ff', 16) + int(' 12 ') + round(1234, -2) + round(1.5)", {}, 1469),
        ('f"{items!r} {str(items)}"', {"items": [1, "a"]}, "[1, 'a'] [1, 'a']"),
        ("items.index(2)", {"items": [1, 2]}, 1),
    ],
)
def test_ordinary_expressions(source: str, names: dict[str, Any], expected: Any) -> None:
    assert evaluate(source, names) == expected


def test_function_names_are_not_data() -> None:
    # A data field called `max` is data; calling max() still calls the builtin.
    assert evaluate("max + max(1, 2)", {"max": 10}) == 12


def test_evaluate_does_not_change_names() -> None:
    names = {"items": [1, 2]}
    evaluate("[x for x in items]", names)
    assert names == {"items": [1, 2]}  # the comprehension variable does not leak


class Defaulting(dict[str, Any]):
    def __missing__(self, key: str) -> None:
        return None


def test_a_mapping_may_read_missing_names_as_none() -> None:
    # engine.rules.closure passes such a mapping so unfilled fields read as None
    assert evaluate("kategori is None and not [k for k in range(2) if saknas]", Defaulting()) is True


def test_surrounding_whitespace_is_ignored() -> None:
    assert evaluate("\n    x > 1\n  ", {"x": 2}) is True


# --- (3) names_used --------------------------------------------------------------------------------------

@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ("potential_consequence >= 3", {"potential_consequence"}),
        ('risk.get("score", 0) >= 8 and len(items) > 0', {"risk", "items"}),
        ('f"P{sla_triage_days}D"', {"sla_triage_days"}),
        ('"P3D"', set()),
        ("max(a, b) if c else today()", {"a", "b", "c"}),
        ("[i for i in items if i > limit]", {"items", "limit"}),
        ("{k: v for k, v in d.items() if k in keep}", {"d", "keep"}),
        ("[(a, b) for a in xs for b in a]", {"xs"}),
        ("dmninputexpr in ('död', 'allvarlig')", {"dmninputexpr"}),
    ],
)
def test_names_used(source: str, expected: set[str]) -> None:
    assert names_used(source) == expected


def test_names_used_for_scripts() -> None:
    script = "total = a + b\nif total > limit:\n    level = 'hög'\nelse:\n    level = 'låg'\nout = level + suffix"
    assert names_used(script, script=True) == {"a", "b", "limit", "suffix"}
    assert names_used("if c:\n    y = 1\nz = y", script=True) == {"c", "y"}  # y may be unassigned


def test_names_used_refuses_like_check_expression() -> None:
    with pytest.raises(SandboxError):
        names_used("x.__class__")


# --- (4) execute -----------------------------------------------------------------------------------------

def test_execute_assignments_and_if_else() -> None:
    names: dict[str, Any] = {"score": 7, "items": [1]}
    execute(
        """
        level = "hög" if score > 5 else "låg"
        a, b = score, score * 2
        count = 0
        count += 1
        items += [2]
        if score > 8:
            route = "chef"
        elif score > 5:
            route = "handläggare"
            count += 10
        else:
            route = "ingen"
        tmp = 1
        del tmp
        pass
        """,
        names,
    )
    assert names == {
        "score": 7, "items": [1, 2], "level": "hög", "a": 7, "b": 14, "count": 11, "route": "handläggare",
    }


def test_execute_augmented_assign_does_not_mutate_shared_lists() -> None:
    shared = [1]
    names = {"items": shared}
    execute("items += [2]", names)
    assert shared == [1] and names["items"] == [1, 2]


def test_execute_failure_leaves_names_unchanged_and_names_the_line() -> None:
    names = {"x": 1}
    with pytest.raises(SandboxError) as info:
        execute("y = 2\nx = y / 0", names)
    assert names == {"x": 1}
    assert info.value.details["line"] == 2
    assert info.value.code == "expression_failed"


def test_check_expression_for_scripts() -> None:
    check_expression("x = 1\nif x:\n    y = 2", script=True)
    with pytest.raises(SandboxError):
        check_expression("x = 1", script=False)


# --- (5) SpiffWorkflow integration -----------------------------------------------------------------------

BPMN = """<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL"
    xmlns:spiffworkflow="http://spiffworkflow.org/bpmn/schema/1.0/core"
    id="defs" targetNamespace="http://bpmn.io/schema/bpmn">
  <bpmn:process id="gateway_test" isExecutable="true">
    <bpmn:startEvent id="start"><bpmn:outgoing>f_start</bpmn:outgoing></bpmn:startEvent>
    <bpmn:sequenceFlow id="f_start" sourceRef="start" targetRef="prepare"/>
    <bpmn:scriptTask id="prepare">
      <bpmn:incoming>f_start</bpmn:incoming><bpmn:outgoing>f_prepare</bpmn:outgoing>
      <bpmn:script>
        allvarlig = konsekvens in ("död", "allvarlig")
        if risk.get("score", 0) &gt;= 8:
            niva = "hög"
        else:
            niva = "låg"
      </bpmn:script>
    </bpmn:scriptTask>
    <bpmn:sequenceFlow id="f_prepare" sourceRef="prepare" targetRef="rules"/>
    <bpmn:businessRuleTask id="rules">
      <bpmn:extensionElements>
        <spiffworkflow:calledDecisionId>routing</spiffworkflow:calledDecisionId>
      </bpmn:extensionElements>
      <bpmn:incoming>f_prepare</bpmn:incoming><bpmn:outgoing>f_rules</bpmn:outgoing>
    </bpmn:businessRuleTask>
    <bpmn:sequenceFlow id="f_rules" sourceRef="rules" targetRef="gw"/>
    <bpmn:exclusiveGateway id="gw" default="f_low">
      <bpmn:incoming>f_rules</bpmn:incoming><bpmn:outgoing>f_high</bpmn:outgoing><bpmn:outgoing>f_low</bpmn:outgoing>
    </bpmn:exclusiveGateway>
    <bpmn:sequenceFlow id="f_high" sourceRef="gw" targetRef="high">
      <bpmn:conditionExpression>CONDITION</bpmn:conditionExpression>
    </bpmn:sequenceFlow>
    <bpmn:sequenceFlow id="f_low" sourceRef="gw" targetRef="low"/>
    <bpmn:scriptTask id="high">
      <bpmn:incoming>f_high</bpmn:incoming><bpmn:outgoing>f_high_end</bpmn:outgoing>
      <bpmn:script>route = "high"</bpmn:script>
    </bpmn:scriptTask>
    <bpmn:scriptTask id="low">
      <bpmn:incoming>f_low</bpmn:incoming><bpmn:outgoing>f_low_end</bpmn:outgoing>
      <bpmn:script>route = "low"</bpmn:script>
    </bpmn:scriptTask>
    <bpmn:sequenceFlow id="f_high_end" sourceRef="high" targetRef="end_high"/>
    <bpmn:sequenceFlow id="f_low_end" sourceRef="low" targetRef="end_low"/>
    <bpmn:endEvent id="end_high"><bpmn:incoming>f_high_end</bpmn:incoming></bpmn:endEvent>
    <bpmn:endEvent id="end_low"><bpmn:incoming>f_low_end</bpmn:incoming></bpmn:endEvent>
  </bpmn:process>
</bpmn:definitions>
"""

DMN = """<?xml version="1.0" encoding="UTF-8"?>
<definitions xmlns="https://www.omg.org/spec/DMN/20191111/MODEL/" id="dmn_defs" name="routing"
    namespace="http://camunda.org/schema/1.0/dmn">
  <decision id="routing" name="Routing">
    <decisionTable id="routing_table" hitPolicy="COLLECT">
      <input id="in_konsekvens" label="Konsekvens">
        <inputExpression id="ie_konsekvens" typeRef="string"><text>konsekvens</text></inputExpression>
      </input>
      <input id="in_score" label="Poäng">
        <inputExpression id="ie_score" typeRef="integer"><text>risk["score"]</text></inputExpression>
      </input>
      <output id="out_omrade" label="Område" name="omraden" typeRef="string"/>
      <rule id="r_maria">
        <inputEntry id="r_maria_k"><text>? in ("död", "allvarlig")</text></inputEntry>
        <inputEntry id="r_maria_s"><text></text></inputEntry>
        <outputEntry id="r_maria_o"><text>"lex_maria"</text></outputEntry>
      </rule>
      <rule id="r_vard">
        <inputEntry id="r_vard_k"><text>"lindrig"</text></inputEntry>
        <inputEntry id="r_vard_s"><text>&gt;= 5</text></inputEntry>
        <outputEntry id="r_vard_o"><text>"vard"</text></outputEntry>
      </rule>
      <rule id="r_alla">
        <inputEntry id="r_alla_k"><text></text></inputEntry>
        <inputEntry id="r_alla_s"><text>1 &lt;= ? &lt; 100</text></inputEntry>
        <outputEntry id="r_alla_o"><text>f"omrade_{konsekvens}"</text></outputEntry>
      </rule>
    </decisionTable>
  </decision>
</definitions>
"""


def run_workflow(condition: str, data: dict[str, Any], dmn: str = DMN) -> BpmnWorkflow:
    parser = SpiffBpmnParser()
    parser.add_bpmn_str(BPMN.replace("CONDITION", condition).encode(), filename="gateway_test.bpmn")
    parser.add_dmn_str(dmn.encode(), filename="routing.dmn")
    spec = parser.get_spec("gateway_test")
    subprocess_specs = parser.get_subprocess_specs("gateway_test")
    workflow = BpmnWorkflow(spec, subprocess_specs, script_engine=SandboxScriptEngine())
    start = workflow.get_next_task(state=TaskState.READY)
    start.data.update(data)
    workflow.do_engine_steps()
    return workflow


@pytest.mark.parametrize(
    ("data", "route", "omraden"),
    [
        ({"konsekvens": "död", "risk": {"score": 9}}, "high", ["lex_maria", "omrade_död"]),
        ({"konsekvens": "lindrig", "risk": {"score": 5}}, "low", ["vard", "omrade_lindrig"]),
        ({"konsekvens": "lindrig", "risk": {"score": 4}}, "low", ["omrade_lindrig"]),
    ],
)
def test_workflow_gateway_and_dmn_run_in_the_sandbox(data: dict[str, Any], route: str, omraden: list[str]) -> None:
    workflow = run_workflow('niva == "hög" and "lex_maria" in omraden', data)
    assert workflow.is_completed()
    assert workflow.data["route"] == route
    assert workflow.data["omraden"] == omraden
    assert workflow.data["allvarlig"] is (data["konsekvens"] == "död")


@pytest.mark.parametrize(
    "condition",
    [
        "().__class__.__base__.__subclasses__()",
        "__import__('os').system('true')",
        "eval('1')",
        "x ==",
        "10**10**10",
        "[1 for a in range(10000) for b in range(10000)]",
    ],
)
def test_workflow_escape_in_gateway_condition_raises_sandbox_error(condition: str) -> None:
    with pytest.raises(Exception) as info:
        run_workflow(condition, {"konsekvens": "död", "risk": {"score": 9}})
    error = sandbox_error_in_chain(info.value)
    assert error is not None, f"no SandboxError in the chain of {info.value!r}"
    assert error.details["expression"] == condition
    assert info.value.__cause__ is error  # set explicitly: WorkflowTaskException keeps only the class name
    str(info.value)  # formatting the error must not crash


def test_workflow_escape_in_dmn_cell_raises_sandbox_error() -> None:
    dmn = DMN.replace('? in ("död", "allvarlig")', "?.__class__")
    with pytest.raises(Exception) as info:
        run_workflow("True", {"konsekvens": "död", "risk": {"score": 9}}, dmn)
    assert sandbox_error_in_chain(info.value) is not None


@pytest.mark.parametrize("cell", ["&lt;= &gt;= 5", "&gt;&gt; 5", "?.__class__"])
def test_workflow_bad_dmn_cell_raises_sandbox_error(cell: str) -> None:
    dmn = DMN.replace("<text>&gt;= 5</text>", f"<text>{cell}</text>")
    with pytest.raises(Exception) as info:
        run_workflow("True", {"konsekvens": "lindrig", "risk": {"score": 9}}, dmn)
    assert sandbox_error_in_chain(info.value) is not None
    str(info.value)


def test_workflow_unknown_name_in_condition() -> None:
    with pytest.raises(Exception) as info:
        run_workflow("saknas > 1", {"konsekvens": "död", "risk": {"score": 9}})
    error = sandbox_error_in_chain(info.value)
    assert error is not None and error.code == "expression_failed"
    assert error.message == "Namnet 'saknas' finns inte i ärendets data."


def test_engine_validate_turns_syntax_errors_into_syntax_errors_for_dmn() -> None:
    engine = SandboxScriptEngine()
    engine.validate('"vard"')
    with pytest.raises(SyntaxError) as info:
        engine.validate(">= 5")
    assert isinstance(info.value, SandboxError) and isinstance(info.value.lineno, int)
    with pytest.raises(SandboxError) as refused:
        engine.validate("x.__class__")
    assert not isinstance(refused.value, SyntaxError)


def test_environment_execute_keeps_external_context_out_of_task_data() -> None:
    env = script.SandboxEnvironment()
    context: dict[str, Any] = {"a": 1, "gone": 0}
    env.execute("b = a + ext\ndel gone", context, {"ext": 10})
    assert context == {"a": 1, "b": 11}
    assert env.evaluate("a + ext", {"a": 1}, {"ext": 2, "a": 100}) == 3  # task data wins


def test_module_never_calls_eval_exec_or_compile() -> None:
    files = [*Path(sandbox.__file__).parent.glob("*.py"), Path(script.__file__)]
    trees = [ast.parse(path.read_text(encoding="utf-8")) for path in files]
    called = {node.func.id for tree in trees for node in ast.walk(tree)
              if isinstance(node, ast.Call) and isinstance(node.func, ast.Name)}
    assert not called & {"eval", "exec", "compile", "__import__", "getattr", "globals", "vars"}
