"""The statistics rollup answers exactly what counting the facts answers, for every demo caller and the filters it
serves (a region, a hospital, an area, whole months, a trend by quarter or year); the filters it cannot serve
exactly (a deeper unit, a category, part of a month, a trend by week) are counted from the facts. Lead times of
many cases come from its 2 % buckets, within 1 % of percentile_cont."""

from __future__ import annotations

import random
import re
from collections import Counter
from datetime import datetime, timedelta, UTC
from typing import Any

import pytest
from sqlalchemy import select

import engine.stats_figures
from engine import Engine
from engine.stats_figures import histogram_percentile, percentile
from engine.store import rollup
from engine.rules.lifecycle import TERMINAL_STATUSES
from engine.store.models import Action, TaskRow

from ..http import add_action, done
from ..scenarios.test_moves import MOVE
from .test_stats import stats, world

CALLERS = ("cecilia", "anna", "karin", "bertil", "sara", "david", "revisor", "sven", "tina")
THIS_MONTH = datetime.now(UTC).date().replace(day=1)
SERVED = ("", "?unit=ks", "?unit=rs", "?unit=sos", "?area=vard", "?area=omsorg", f"?from={THIS_MONTH}",
          f"?from={THIS_MONTH.year}-01-01&to={THIS_MONTH.year}-12-31", "?bucket=quarter", "?bucket=year",
          "?dimensions=area,trend&bucket=year", "?from=0300-01-01")
# region and hospital grants, one per area, asking for a unit at or below them
REGION_OR_HOSPITAL = {(who, query) for who in ("cecilia", "anna", "karin", "sara", "revisor")
                      for query in ("", "?area=vard")} | {(who, "?unit=ks") for who in ("cecilia", "anna", "revisor")}
NOT_SERVED = ("?unit=ks-akut", "?category=lakemedel", "?status=in_progress", "?bucket=week",
              f"?from={THIS_MONTH.replace(day=2)}", "?from=2000-01-01&to=2000-01-30")


def _without_time(body: dict[str, Any]) -> dict[str, Any]:
    return {key: value for key, value in body.items() if key != "generated_at"}


@pytest.fixture
def tallies(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """How often a statistic was read from the rollup."""
    calls: list[int] = []
    real = rollup.tally

    def counting(*args: Any, **kwargs: Any) -> rollup.Tally:
        calls.append(1)
        return real(*args, **kwargs)

    monkeypatch.setattr(rollup, "tally", counting)
    return calls


def test_the_rollup_answers_exactly_what_the_facts_answer(client: Any, auth: Any, report: dict[str, Any],
                                                          tallies: list[int],
                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    numbers = world(client, auth, report)
    anna = auth("anna")
    moved = client.post("/api/v1/events", json={"unit_id": "ks-akut", "data": report}, headers=auth("eva"))
    done(client, anna, moved.get_json()["number"], "triage", MOVE)  # happened at Karolinska, handled at Söder
    late = add_action(client, anna, numbers["serious"], {"titel": "Ny rutin", "typ": "korrigerande",
                                                         "klart_datum": "2020-01-31"})
    add_action(client, anna, numbers["shared"], {"titel": "Utbildning", "typ": "forebyggande",
                                                 "klart_datum": "2099-01-31"})
    linked = client.post(f"/api/v1/actions/{late['id']}/events", json={"event": numbers["shared"]}, headers=anna)
    assert linked.status_code in (200, 201), linked.get_json()  # on two events' cases: counted once
    for who in CALLERS:
        for query in SERVED + NOT_SERVED:
            before = len(tallies)
            from_rollup = stats(client, auth(who), query)
            served = len(tallies) > before
            with monkeypatch.context() as facts_only:
                facts_only.setattr(engine.stats_figures, "rollup_scopes", lambda *args: None)
                from_facts = stats(client, auth(who), query)
            assert _without_time(from_rollup) == _without_time(from_facts), (who, query)
            if query in NOT_SERVED:
                assert not served, (who, query)
            elif (who, query) in REGION_OR_HOSPITAL:
                assert served, (who, query)
    body = stats(client, auth("cecilia"))
    assert body["total"] == {"cases": 4, "events": 4}
    assert (body["actions"]["open"], body["actions"]["overdue"]) == (2, 1)


def test_lead_times_from_the_buckets_are_within_one_percent() -> None:
    draw = random.Random(7)
    for sample in ([draw.expovariate(1 / 86_400) for _ in range(5_000)],
                   [draw.uniform(60, 3_600 * 24 * 30) for _ in range(3_001)], [3_600.0] * 10 + [7_200.0]):
        buckets: dict[int, int] = {}
        for seconds in sample:
            buckets[rollup.lead_bucket(seconds)] = buckets.get(rollup.lead_bucket(seconds), 0) + 1
        ordered = sorted(sample)
        for fraction in (0.5, 0.9):
            exact = percentile(ordered, fraction)
            assert histogram_percentile(buckets, fraction) == pytest.approx(exact, rel=0.01)
    assert histogram_percentile({}, 0.5) is None
    assert [rollup.lead_bucket(s) for s in (0.2, 1.0, 1.01, 1.03)] == [0, 1, 1, 2]


def test_a_unit_counts_under_its_region_and_hospital_only() -> None:
    assert rollup.ancestors("/rs/ks/ks-akut/") == ["/rs/", "/rs/ks/"]
    assert rollup.ancestors("/rs/") == ["/rs/"]
    fact = {"case_id": 1, "event_id": 1, "area": "vard", "status": "closed", "event_unit_id": "ks-akut",
            "event_unit_path": "/rs/ks/ks-akut/", "case_unit_path": "/rs/sos/sos-akut/",
            "reported_at": datetime(2026, 11, 30, 23, 30, tzinfo=UTC), "category": None, "event_type": "x",
            "consequence_actual": 2, "consequence_potential": None, "probability": 3, "restricted_by": None,
            "first_step_at": datetime(2026, 12, 1, 0, 30, tzinfo=UTC), "closed_at": None, "shared": True,
            "open_due": "493012,-,493012", "decisions": "lex_maria:1@2026-12", "open_actions": "2026-12-24,-",
            "shared_open_actions": "7:2026-01-01"}
    counted = Counter(rollup.contributions(fact))
    assert counted[("/rs/", "vard", "", "", "open_due", "493012")] == 2  # two open tasks due that hour; no month
    assert counted[("/rs/ks/", "vard", "", "2026-12", "decision", "lex_maria:1")] == 1  # the month decided
    assert counted[("/rs/sos/", "vard", "", "", "open_action", "-")] == 1  # shared actions: counted by id instead
    assert sum(n for key, n in counted.items() if key[4] == "open_action") == 2 * 3
    keys = {key for key in counted if key[4] not in ("open_due", "decision", "open_action")}
    assert {path for path, *_ in keys} == {"/rs/", "/rs/ks/", "/rs/sos/"}  # counted once under the region
    assert ("/rs/", "vard", "", "2026-11", "risk", ":3") in keys
    assert ("/rs/", "vard", "", "2026-11", "report_to_triage", str(rollup.lead_bucket(3600))) in keys
    assert not [key for key in keys if key[4] in ("solo", "report_to_closed")]


def test_overdue_tasks_from_the_due_hours_match_the_tasks(client: Any, auth: Any, report: dict[str, Any],
                                                          demo: Engine, tallies: list[int],
                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    world(client, auth, report)
    with demo.db.transaction() as session:
        dues = sorted(session.scalars(select(TaskRow.due_at).where(TaskRow.ended_at.is_(None),
                                                                   TaskRow.due_at.is_not(None))))
    assert len(dues) >= 3
    moments = [dues[0] - timedelta(minutes=1), dues[0] + timedelta(seconds=1), dues[1],
               dues[-1] + timedelta(minutes=59), dues[-1] + timedelta(days=30)]
    seen = set()
    for moment in moments:  # just before, at and after a due time, in the same hour and a month later
        later = Engine(demo.db, clock=lambda moment=moment: moment, records=demo.records)
        from_rollup = later.statistics("cecilia")["tasks"]
        with monkeypatch.context() as facts_only:
            facts_only.setattr(engine.stats_figures, "rollup_scopes", lambda *args: None)
            assert later.statistics("cecilia")["tasks"] == from_rollup, moment
        seen.add(from_rollup["overdue"])
    assert 0 in seen and max(seen) > 0 and tallies  # none and some overdue, read from the rollup


def test_the_open_actions_index_knows_every_terminal_status() -> None:
    index = next(i for i in Action.__table__.indexes if i.name == "ix_actions_open_due")
    assert set(re.findall(r"'(\w+)'", str(index.dialect_options["postgresql"]["where"]))) == TERMINAL_STATUSES
