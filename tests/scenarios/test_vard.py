"""Vård through the HTTP API: the lex Maria decision has a clock (PSL 3 kap. 5 § "snarast"; the time is local
routine) that escalates to the verksamhetschef."""

from __future__ import annotations

from typing import Any

from engine import Engine

from ..conftest import Clock
from ..definitions import fire_due_timers
from ..http import done, event, open_specs, submit, worklist

ACCEPT = {"triage": {"beslut": "accepterad"}}
SERIOUS = {"kategori": "lakemedel", "vardskada": "ja",
           "riskbedomning": {"konsekvens_faktisk": 2, "konsekvens_potentiell": 3, "sannolikhet": 2}}
LEX_MARIA_YES = {"lex_maria": {"varde": "ja", "referens": "IVO 3.1.1-12345/2026", "datum": "2026-11-21"}}


def test_the_lex_maria_decision_has_a_clock_that_escalates_to_the_verksamhetschef(
    demo: Engine, client: Any, auth: Any, report: dict[str, Any], clock: Clock
) -> None:
    anna, cecilia, bertil = auth("anna"), auth("cecilia"), auth("bertil")
    number = submit(client, auth("eva"), report)["number"]
    done(client, anna, number, "triage", ACCEPT)
    decide = done(client, anna, number, "klassificering", SERIOUS)["next_tasks"]
    assert [(t["spec_name"], t["due_at"] is not None) for t in decide] == [("lex_maria_bedomning", True)]
    clock.advance(days=7, minutes=1)  # sla_lex_maria: P7D
    assert "1 ärenden" in fire_due_timers(demo).output
    assert worklist(client, cecilia, number) == [] and worklist(client, bertil, number) == [
        "lex_maria_bedomning_eskalerad"]
    assert done(client, bertil, number, "lex_maria_bedomning_eskalerad", LEX_MARIA_YES)["next_tasks"][0][
        "spec_name"] == "utredning"
    assert [(d["kind"], d["decided_by"]) for d in event(client, bertil, number)["decisions"]] == [
        ("lex_maria", "bertil")]
    assert open_specs(client, anna, number) == ["utredning"]
