"""What a script or expression hands back must be storable; otherwise the step is refused and nothing changes.

Through the engine API with the repo's vård process: its script task `riskpoang` gets one more line whose
value depends on the classification, so the same task refuses one submission and accepts the next.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from engine import Engine
from engine.errors import SandboxError

from ..definitions import activate_everywhere, copy_definitions, edit
from ..http import assert_error, complete, done, submit

ACCEPT = {"triage": {"beslut": "accepterad"}}
SCRIPT_END = 'riskbedomning["konsekvens_potentiell"] &gt;= 3</bpmn:script>'
# kategori -> a value that cannot be stored when sannolikhet (s) is 3 or more, and can when it is 1
UNSTORABLE = {
    "lakemedel": "(2 - s) ** 0.5",  # complex
    "fall": "{1, 2} if s > 2 else [1, 2]",  # a set
    "diagnostik": "{(1, 2): 3} if s > 2 else {'a': 3}",  # a tuple as key
    "behandling_omvardnad": "{1: 'a'} if s > 2 else {'1': 'a'}",  # an int key JSON would turn into "1"
    "kommunikation": "float('nan') if s > 2 else 1.5",
    "dokumentation": "float('1e308') * 10 ** (s - 2)",  # infinity
    "identifiering": "int('f' * (9999 if s > 2 else 1), 16)",  # 40 000 bits
    "medicinteknik": "2 ** 60 if s > 2 else 1",  # beyond what JavaScript reads exactly
    "it": "'a\\x00b' if s > 2 else 'ab'",  # NUL, which PostgreSQL refuses
}


def classification(kategori: str, sannolikhet: int) -> dict[str, Any]:
    return {"kategori": kategori, "vardskada": "nej",
            "riskbedomning": {"konsekvens_faktisk": 1, "konsekvens_potentiell": 1, "sannolikhet": sannolikhet}}


@pytest.fixture
def scripted(demo: Engine, tmp_path: Path) -> Engine:
    tree = copy_definitions(tmp_path)
    branches = "".join(f'\nif kategori == "{k}":\n    varde = {v}' for k, v in UNSTORABLE.items())
    script = f'\ns = riskbedomning["sannolikhet"]{branches}</bpmn:script>'
    edit(tree / "processes" / "vard" / "vard.bpmn", {SCRIPT_END: SCRIPT_END.replace("</bpmn:script>", script)})
    activate_everywhere(demo, demo.publish_tree(tree, label="unstorable results"))
    return demo


def test_unstorable_script_results_refuse_the_step_and_leave_the_case_unchanged(
    scripted: Engine, casework: Any, report: dict[str, Any]
) -> None:
    number = scripted.report_event("eva", "ks-akut", report)["number"]
    casework.complete(number, "triage", ACCEPT)
    before = scripted.get_event(number, "anna")
    for kategori in UNSTORABLE:
        with pytest.raises(SandboxError) as refused:
            casework.complete(number, "klassificering", classification(kategori, 3))
        assert refused.value.code == "expression_refused", kategori
        assert refused.value.details["reason"] == "not_storable" or kategori == "identifiering"
        assert refused.value.details["element_id"] == "riskpoang"  # the BPMN element, for the process owner
        assert scripted.get_event(number, "anna") == before, kategori  # rolled back: no state, task or audit
    result = casework.complete(number, "klassificering", classification("fall", 1))
    assert [t["spec_name"] for t in result["next_tasks"]] == ["utredning"]
    assert scripted.get_event(number, "anna")["case_data"]["vard"]["varde"] == [1, 2]


def test_over_http_the_refusal_is_422_expression_refused_with_the_element(
    scripted: Engine, client: Any, auth: Any, report: dict[str, Any]
) -> None:
    anna = auth("anna")
    number = submit(client, anna, report)["number"]
    done(client, anna, number, "triage", ACCEPT)
    body = assert_error(complete(client, anna, number, "klassificering", classification("kommunikation", 3)),
                        422, "expression_refused")
    assert (body["element_id"], body["element_name"], body["reason"]) == ("riskpoang", "Beräkna riskpoäng",
                                                                          "not_storable")
