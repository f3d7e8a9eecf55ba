"""The statistics' facts (one narrow row per live area case) stay what the cases say after every kind of change
made through the Engine: steps, a move at triage, reopening, removing an area, a Händelsevis import and culling.
After a scripted mixed history the maintained facts must equal facts rebuilt from scratch from the cases, events
and tasks, so a code path that changes a case without updating its facts fails here."""

from __future__ import annotations

import json
from collections import Counter
from datetime import date, datetime, UTC
from typing import Any

import pytest
from alembic import command
from alembic.script import ScriptDirectory
from sqlalchemy import func, select, text

from engine import Engine
from engine.context import Context
from engine.facts import restricting_kinds
from engine.stats import BUCKETS, period_label
from engine.store import rollup
from engine.store import stats as stats_store
from engine.store.schema import alembic_config, upgrade
from engine.store.models import Event, StatsFact, StatsRollup, StatsRollupDelta

from ..conftest import Casework
from ..engine.test_vard_case import SIGN, handle_until_signing
from ..records.test_imports import COLUMNS, GOOD, MAPPING
from ..records.test_retention import _later, _with_schedule
from ..scenarios.test_moves import MOVE
from ..scenarios.test_omsorg import ACCEPT as OMSORG_ACCEPT
from ..scenarios.test_omsorg import CLASSIFY_LEX_SARAH, LEX_SARAH_YES, LS_INVESTIGATION_ONGOING, REMEDY
from ..scenarios.test_omsorg import UNIT as OMSORG_UNIT

Facts = dict[int, dict[str, Any]]


def _rows(session: Any) -> Facts:
    return {fact.case_id: {column: getattr(fact, column) for column in stats_store.FACT_COLUMNS}
            for fact in session.scalars(select(StatsFact))}


def maintained(engine: Engine) -> Facts:
    with engine.db.transaction() as session:
        return _rows(session)


def rebuilt(engine: Engine) -> Facts:
    """The facts as migration 0009 would write them from today's rows; nothing is kept."""
    with engine.db.transaction() as session:
        kinds = restricting_kinds(Context(session, engine.releases, engine.clock))
        stats_store.refresh_facts(session, kinds, everything=True)
        rows = _rows(session)
        session.rollback()
    return rows


def case_facts(engine: Engine, number: str) -> dict[str, dict[str, Any]]:
    """area -> fact of the event's live cases."""
    with engine.db.transaction() as session:
        event_id = session.scalar(select(Event.id).where(Event.number == number))
    return {fact["area"]: fact for fact in maintained(engine).values() if fact["event_id"] == event_id}


def rollup_counts(engine: Engine) -> dict[tuple[str, ...], int]:
    """The rollup's counts with its deltas added, as a read sums them."""
    totals: Counter[tuple[str, ...]] = Counter()
    with engine.db.transaction() as session:
        for model in (StatsRollup, StatsRollupDelta):
            for row in session.scalars(select(model)):
                totals[tuple(getattr(row, column) for column in rollup.KEY)] += row.n
    return {key: n for key, n in totals.items() if n}


def counted_from(facts: Facts) -> dict[tuple[str, ...], int]:
    return dict(Counter(key for fact in facts.values() for key in rollup.contributions(fact)))


def assert_in_step(engine: Engine) -> None:
    """Facts as if rebuilt from the cases; the rollup counts exactly those facts, before and after the worker
    folds its deltas."""
    facts = maintained(engine)
    assert facts == rebuilt(engine)
    assert rollup_counts(engine) == counted_from(facts)
    engine.compact_statistics()
    assert rollup_counts(engine) == counted_from(facts)
    with engine.db.transaction() as session:
        assert session.scalar(select(func.count()).select_from(StatsRollupDelta)) == 0


def test_facts_follow_a_move_a_reopening_an_area_removal_and_a_restricting_decision(
    casework: Casework, report: dict[str, Any]
) -> None:
    demo = casework.engine
    moved = demo.report_event("eva", "ks-akut", report)["number"]
    casework.complete(moved, "triage", MOVE)
    fact = case_facts(demo, moved)["vard"]
    assert fact["case_unit_path"].endswith("/sos-akut/") and fact["event_unit_path"].endswith("/ks-akut/")
    assert fact["first_step_at"] is None  # the moved triage is not the case's first step
    assert_in_step(demo)

    closed = demo.report_event("eva", "ks-akut", report)["number"]
    handle_until_signing(casework, closed)
    casework.complete(closed, "signera_avslut", SIGN, user="bertil")
    fact = case_facts(demo, closed)["vard"]
    assert (fact["status"], fact["category"], fact["consequence_potential"]) == ("closed", "lakemedel", 3)
    assert fact["first_step_at"] is not None and fact["closed_at"] is not None
    demo.reopen_case(closed, "vard", "Ny information", "bertil")
    fact = case_facts(demo, closed)["vard"]
    assert (fact["status"], fact["closed_at"]) == ("in_progress", None)
    assert_in_step(demo)

    both = demo.report_event("eva", "ks-akut", report)["number"]
    demo.add_area(both, "synpunkter", "Patientens dotter har också klagat.", "bertil")
    assert set(case_facts(demo, both)) == {"vard", "synpunkter"}
    demo.remove_area(both, "vard", "Gäller bara bemötande, ingen vårdskada.", "anna")
    assert set(case_facts(demo, both)) == {"synpunkter"}
    assert_in_step(demo)

    late = demo.create_action(closed, "bertil", {"titel": "Ny rutin", "typ": "korrigerande",
                                                 "klart_datum": "2020-01-31"})
    assert case_facts(demo, closed)["vard"]["open_actions"] == "2020-01-31"
    demo.link_action(late["id"], moved, "anna")  # on two cases now: counted once, by id
    assert case_facts(demo, closed)["vard"]["shared_open_actions"] == f"{late['id']}:2020-01-31"
    assert case_facts(demo, closed)["vard"]["open_actions"] is None
    assert_in_step(demo)
    for target in ("beslutad", "pagar", "genomford"):
        demo.transition_action(late["id"], "bertil", target)
    assert case_facts(demo, moved)["vard"]["shared_open_actions"] is None  # done: no longer open
    assert_in_step(demo)

    sarah = demo.report_event("eva", OMSORG_UNIT, report)["number"]
    casework.complete(sarah, "triage", OMSORG_ACCEPT, user="david")
    casework.complete(sarah, "klassificering", CLASSIFY_LEX_SARAH, user="david")
    assert case_facts(demo, sarah)["omsorg"]["restricted_by"] is None
    casework.complete(sarah, "omedelbar_atgard", REMEDY, user="david")
    casework.complete(sarah, "lex_sarah_utredning", LS_INVESTIGATION_ONGOING, user="sara")
    casework.complete(sarah, "lex_sarah_bedomning", LEX_SARAH_YES, user="sara")
    assert case_facts(demo, sarah)["omsorg"]["restricted_by"] == ",lex_sarah,"
    assert_in_step(demo)


def test_facts_of_imported_history_and_of_culled_events(casework: Casework, report: dict[str, Any]) -> None:
    demo = casework.engine
    data = json.dumps([dict(zip(COLUMNS, row)) for row in GOOD]).encode()
    demo.import_history(data, MAPPING, "operator", dry_run=False)
    imported = [f for f in maintained(demo).values() if f["reported_at"].year == 2019]
    assert sorted((f["status"], f["category"]) for f in imported) == [("closed", "fall"), ("closed", "lakemedel")]
    assert_in_step(demo)

    culled = demo.report_event("eva", "ks-akut", report)["number"]
    handle_until_signing(casework, culled)
    casework.complete(culled, "signera_avslut", SIGN, user="bertil")
    _with_schedule(demo)
    _later(demo, 11).retention_run("arkivarie", execute=True)
    fact = case_facts(demo, culled)["vard"]
    assert (fact["status"], fact["category"], fact["event_type"]) == ("culled", None, None)
    assert_in_step(demo)



def test_the_trend_puts_each_case_in_its_week_month_quarter_and_year(demo: Engine, report: dict[str, Any]) -> None:
    demo.import_history(json.dumps([dict(zip(COLUMNS, row)) for row in GOOD]).encode(), MAPPING, "operator",
                        dry_run=False)
    demo.report_event("eva", "ks-akut", report)
    days = [date(2019, 3, 4), date(2019, 6, 11), datetime.now(UTC).date()]  # a Monday, a Tuesday, today
    for bucket in BUCKETS:
        trend = demo.statistics("anna", bucket=bucket, dimensions=["trend"])["trend"]
        assert {p["period"]: p["count"] for p in trend["periods"]} == Counter(period_label(d, bucket) for d in days)


@pytest.mark.shared_database  # alembic migrates over its own connection
def test_migrations_0009_and_0010_fill_the_facts_and_the_rollup_of_existing_cases(
    casework: Casework, report: dict[str, Any]
) -> None:
    demo = casework.engine
    demo.import_history(json.dumps([dict(zip(COLUMNS, row)) for row in GOOD]).encode(), MAPPING, "operator",
                        dry_run=False)
    closed = demo.report_event("eva", "ks-akut", report)["number"]
    handle_until_signing(casework, closed)
    sarah = demo.report_event("eva", OMSORG_UNIT, report)["number"]
    casework.complete(sarah, "triage", OMSORG_ACCEPT, user="david")
    casework.complete(sarah, "klassificering", CLASSIFY_LEX_SARAH, user="david")
    casework.complete(sarah, "omedelbar_atgard", REMEDY, user="david")
    casework.complete(sarah, "lex_sarah_utredning", LS_INVESTIGATION_ONGOING, user="sara")
    casework.complete(sarah, "lex_sarah_bedomning", LEX_SARAH_YES, user="sara")
    demo.add_area(closed, "synpunkter", "Patientens dotter har också klagat.", "bertil")  # a shared event
    before, counted = maintained(demo), rollup_counts(demo)
    assert len(before) == 5 and any(f["restricted_by"] == ",lex_sarah," for f in before.values())
    assert sum(f["shared"] for f in before.values()) == 2 and counted == counted_from(before)

    config = alembic_config()
    below = ScriptDirectory.from_config(config).get_revision("0009_stats_facts").down_revision
    with demo.db.engine.begin() as connection:
        config.attributes["connection"] = connection
        command.downgrade(config, below)  # drops the facts
    upgrade(demo.db)  # creates and fills them from the cases, events and tasks; 0010 the rollup from the facts
    assert maintained(demo) == before
    assert rollup_counts(demo) == counted

    with demo.db.engine.begin() as connection:  # facts 0009 wrote before empty texts counted as not filled in
        config.attributes["connection"] = connection
        command.downgrade(config, "0009_stats_facts")
        assert connection.execute(text("UPDATE stats_facts SET category = '' WHERE category IS NULL")).rowcount
    upgrade(demo.db)
    assert maintained(demo) == before
    assert rollup_counts(demo) == counted
