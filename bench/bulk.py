"""A large, realistic data set loaded straight into PostgreSQL with COPY: an org tree of two regions with dozens of
hospitals and hundreds of units, and events with their area cases (real SpiffWorkflow state for their stage),
task history (mostly ended, a share open, some of those claimed) and actions.

The rows are what the engine itself writes for such cases; the workflow state and case data are taken from a vård
case run through the engine's runtime, stage by stage. Audit and read logs, decisions and timers are not loaded:
neither the worklist nor the event list reads them.
"""

from __future__ import annotations

import json
import random
import time
from array import array
from dataclasses import dataclass
from typing import Any
from collections.abc import Callable, Iterable, Iterator

import psycopg

from bench import vard
from engine import Engine
from engine.context import Context
from engine.definitions.release import AreaDefinition, Release
from engine.facts import restricting_kinds
from engine.runtime import serializer
from engine.runtime import workflow as runtime
from engine.store import stats as stats_store

__all__ = ["UnitRow", "org_tree", "LoadResult", "bulk_load", "REGION_HANDLER", "HOSPITAL_HANDLER"]

REGION_HANDLER = "region-handlaggare"  # handläggare on region r1: half the organisation
HOSPITAL_HANDLER = "sjukhus-handlaggare"  # handläggare on one hospital
HANDLERS = 50  # who ended tasks and who holds the claimed ones
REPORTERS = 500
AREA_SHARES = (("vard", 0.80), ("arbetsmiljo", 0.08), ("lab", 0.04), ("miljo", 0.04), ("omsorg", 0.04))
RECENT_SHARE = 0.08  # the newest events: most of them still open
OPEN_RECENT, OPEN_OLD = 0.6, 0.005
CLAIMED_SHARE = 0.15  # open tasks someone has taken
ACTION_SHARE = 0.3
NULL = "\\N"  # COPY's text format for NULL
SPAN_SECONDS = 3 * 365 * 24 * 3600  # the events cover three years up to the load
UNIT_KINDS = ("akut",) + ("avdelning",) * 8 + ("lab", "vardcentral", "vardcentral")
TITLES = (
    "Fel läkemedel gavs på akuten", "Patient föll vid förflyttning", "Fördröjd diagnos av sepsis",
    "Provsvar kom inte fram till läkaren", "Fel patient fick provtagning", "Trycksår upptäcktes sent",
    "Brist i överrapportering mellan avdelningar", "Läkemedelslistan var inte uppdaterad",
    "Medicinteknisk utrustning fungerade inte", "Remiss skickades inte", "Patient skrevs ut utan uppföljning",
    "Dubbel dos insulin", "Allergi missades vid ordination", "Stickskada hos medarbetare",
    "Hot mot personal i väntrummet", "Spill av kemikalie i laboratoriet", "Kylskåp för läkemedel för varmt",
    "Journalanteckning på fel patient", "Förväxling av blodprov", "Fallolycka i korridor",
    "Försenad operation på grund av saknade instrument", "Brist på sängplatser ledde till överbeläggning",
    "Felaktig identitetskontroll", "Larm som inte hördes", "Infektion efter ingrepp",
    "Missad provtagning inför behandling", "Felaktig märkning av prov", "Patienten fick inte sin kost",
    "Oklar ansvarsfördelning vid larm", "Tolk saknades vid samtal",
)


@dataclass(frozen=True)
class UnitRow:
    id: str
    name: str
    kind: str
    parent: str | None
    path: str


def org_tree(regions: int = 2, hospitals: int = 20, units: int = len(UNIT_KINDS)) -> list[UnitRow]:
    """Regions, `hospitals` hospitals in each, `units` care units in each hospital (parents before children)."""
    rows = []
    for r in range(1, regions + 1):
        region = UnitRow(f"r{r}", f"Region {r}", "region", None, f"/r{r}/")
        rows.append(region)
        for h in range(1, hospitals + 1):
            hospital_id = f"{region.id}-s{h:02d}"
            hospital = UnitRow(hospital_id, f"Sjukhus {r}.{h}", "sjukhus", region.id, f"{region.path}{hospital_id}/")
            rows.append(hospital)
            for u in range(1, units + 1):
                unit_id = f"{hospital_id}-u{u:02d}"
                kind = UNIT_KINDS[(u - 1) % len(UNIT_KINDS)]
                rows.append(UnitRow(unit_id, f"Enhet {r}.{h}.{u} ({kind})", kind, hospital_id,
                                    f"{hospital.path}{unit_id}/"))
    return rows


@dataclass(frozen=True)
class _TaskPlan:
    spec_name: str
    name: str
    role: str


@dataclass(frozen=True)
class _Stage:
    state: str  # COPY-escaped JSON of the workflow state after this many completed tasks
    data: str  # COPY-escaped JSON of the case data


@dataclass(frozen=True)
class LoadResult:
    events: int
    units: int
    tasks: int
    open_tasks: int
    actions: int
    seconds_by_table: dict[str, float]
    load_seconds: float  # every COPY, index maintenance included
    analyze_seconds: float
    database_mib: float

    def as_dict(self) -> dict[str, Any]:
        return {**vars(self), "seconds_by_table": {k: round(v, 1) for k, v in self.seconds_by_table.items()},
                "load_seconds": round(self.load_seconds, 1), "analyze_seconds": round(self.analyze_seconds, 1)}


def _esc(text: str) -> str:
    """A value for COPY's text format."""
    return text.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n").replace("\r", "\\r")


def _json(value: Any) -> str:
    return _esc(json.dumps(value, ensure_ascii=False))


def _ts(seconds: float) -> str:
    return time.strftime("%Y-%m-%d %H:%M:%S+00", time.gmtime(seconds))


def _vard_stages(definition: AreaDefinition) -> list[_Stage]:
    """The vård case's stored state and data after 0, 1, … 7 completed tasks, as the engine stores them."""
    workflow = runtime.start_workflow(definition.spec, definition.subprocess_specs,
                                      vard.start_data(definition.area.variables))
    stages = [_Stage(_json(serializer.dump_state(workflow)), _json(runtime.current_data(workflow)))]
    for step in vard.STEPS:
        runtime.complete_task(workflow, runtime.ready_user_tasks(workflow)[0], step.data)
        stages.append(_Stage(_json(serializer.dump_state(workflow)), _json(runtime.current_data(workflow))))
    return stages


def _task_plans(release: Release) -> list[list[_TaskPlan]]:
    """Per area of AREA_SHARES, the tasks a case goes through: vård's real order, for the other areas their first
    user tasks (escalations left out)."""
    plans = []
    for area, _share in AREA_SHARES:
        infos = release.areas[area].user_tasks
        if area == vard.AREA:
            names = [step.spec_name for step in vard.STEPS]
        else:
            names = [n for n in infos if "eskalerad" not in n][:6]
        plans.append([_TaskPlan(n, _esc(infos[n].name), infos[n].role) for n in names])
    return plans


class _Events:
    """Per event (index i is event id i + 1): its unit, area, completed tasks, whether closed, time and number."""

    def __init__(self, count: int, units: int, plans: list[list[_TaskPlan]], rng: random.Random, now: float) -> None:
        self.count = count
        self.unit = array("I")
        self.area = array("B")
        self.stage = array("B")
        self.closed = array("B")
        self.created = array("d")
        self.number: list[str] = []
        cumulative, total = [], 0.0
        for _area, share in AREA_SHARES:
            total += share
            cumulative.append(total)
        per_year: dict[int, int] = {}
        start = now - SPAN_SECONDS
        for i in range(count):
            draw = rng.random()
            area = next((k for k, c in enumerate(cumulative) if draw < c), len(cumulative) - 1)
            steps = len(plans[area])
            recent = i >= count * (1 - RECENT_SHARE)
            is_open = rng.random() < (OPEN_RECENT if recent else OPEN_OLD)
            created = start + SPAN_SECONDS * i / count
            year = time.gmtime(created).tm_year
            per_year[year] = per_year.get(year, 0) + 1
            self.unit.append(rng.randrange(units))
            self.area.append(area)
            self.stage.append(rng.randrange(steps) if is_open else steps)
            self.closed.append(0 if is_open else 1)
            self.created.append(created)
            self.number.append(f"AVV-{year}-{per_year[year]:06d}")
        self.counters = per_year


def _copy(connection: psycopg.Connection[Any], statement: str, lines: Iterable[str]) -> float:
    start = time.perf_counter()
    with connection.cursor() as cursor, cursor.copy(statement) as copy:
        batch: list[str] = []
        size = 0
        for line in lines:
            batch.append(line)
            size += len(line)
            if size > 4_000_000:
                copy.write("".join(batch))
                batch, size = [], 0
        if batch:
            copy.write("".join(batch))
    connection.commit()
    return time.perf_counter() - start


def _add_organisation(engine: Engine, units: list[UnitRow], release_hash: str) -> None:
    """Units, users and grants through the engine's own use cases (their rows are few); the release runs on
    every region."""
    for unit in units:
        engine.add_unit(unit.id, unit.name, unit.kind, unit.parent)
        if unit.parent is None:
            engine.activate_release(release_hash, unit.id)
    for user_id in (REGION_HANDLER, HOSPITAL_HANDLER):
        engine.add_user(user_id, user_id)
    engine.grant_role(REGION_HANDLER, "handlaggare", "r1")
    engine.grant_role(HOSPITAL_HANDLER, "handlaggare", "r1-s01")
    for h in range(HANDLERS):
        engine.add_user(f"bench-handler-{h:02d}", f"Handläggare {h}")
    for r in range(REPORTERS):
        engine.add_user(f"rep-{r:05d}", f"Rapportör {r}")


def _event_status(ev: _Events, i: int) -> str:
    return "closed" if ev.closed[i] else ("submitted" if ev.stage[i] == 0 else "in_progress")


def _event_lines(ev: _Events, units: list[UnitRow]) -> Iterator[str]:
    reports = [_json({**vard.REPORT, "rubrik": title}) for title in TITLES]
    titles = [_esc(t) for t in TITLES]
    for i in range(ev.count):
        unit = units[ev.unit[i]]
        t = i % len(TITLES)
        patient = "t" if ev.area[i] == 0 and ev.stage[i] >= 2 else "f"
        yield (f"{i + 1}\t{ev.number[i]}\t{titles[t]}\tnegativ_handelse\t{_event_status(ev, i)}\t{unit.id}\t"
               f"{unit.path}\trep-{(i * 7919) % REPORTERS:05d}\tf\tpersonal\t{reports[t]}\t{patient}\t"
               f"{_ts(ev.created[i])}\n")


def _case_lines(ev: _Events, units: list[UnitRow], stages: list[_Stage], release_id: int) -> Iterator[str]:
    """One case per event, handled at the event's own unit."""
    areas = [area for area, _share in AREA_SHARES]
    for i in range(ev.count):
        unit = units[ev.unit[i]]
        stage = stages[min(ev.stage[i], len(stages) - 1)]
        closed_at = _ts(ev.created[i] + 30 * 86400) if ev.closed[i] else NULL
        yield (f"{i + 1}\t{i + 1}\t{areas[ev.area[i]]}\t{release_id}\tstandard\t{unit.id}\t{unit.path}\t"
               f"{_event_status(ev, i)}\t{stage.state}\t{stage.data}\t{ev.stage[i] + 1}\t{_ts(ev.created[i])}\t"
               f"{closed_at}\n")


class _TaskCounter:
    def __init__(self) -> None:
        self.rows = 0
        self.open = 0


def _task_lines(
    ev: _Events, units: list[UnitRow], plans: list[list[_TaskPlan]], counter: _TaskCounter
) -> Iterator[str]:
    areas = [area for area, _share in AREA_SHARES]
    titles = [_esc(t) for t in TITLES]
    for i in range(ev.count):
        unit = units[ev.unit[i]]
        plan = plans[ev.area[i]]
        head = f"{i + 1}\t{i + 1}\t{ev.number[i]}\t{titles[i % len(TITLES)]}\t{areas[ev.area[i]]}\t"
        done = ev.stage[i]
        for k in range(done + (0 if ev.closed[i] else 1)):
            task = plan[k]
            counter.rows += 1
            created = ev.created[i] + k * 86400
            due = _ts(ev.created[i] + 5 * 86400) if k == 0 else "\\N"
            handler = f"bench-handler-{(i * 31 + k) % HANDLERS:02d}"
            if k < done:
                tail = f"\\N\t{_ts(created)}\t{_ts(created + 72000)}\tcompleted\t{handler}\n"
            else:
                counter.open += 1
                claimed = (i * 2654435761) % 1000 < CLAIMED_SHARE * 1000
                tail = f"{handler if claimed else NULL}\t{_ts(created)}\t\\N\t\\N\t\\N\n"
            yield (f"00000000-0000-4000-8000-{counter.rows:012x}\t{head}{task.role}\t{unit.id}\t{unit.path}\t"
                   f"{task.spec_name}\t{task.name}\t{due}\t{tail}")


def _action_lines(ev: _Events, links: list[int]) -> Iterator[str]:
    titles = ("Inför dubbelkontroll", "Uppdatera rutin", "Utbilda personal", "Byt utrustning", "Förtydliga ansvar")
    for i in range(ev.count):
        if (i * 40503) % 1000 >= ACTION_SHARE * 1000:
            continue
        links.append(i + 1)
        status = "genomford" if ev.closed[i] else "pagar"
        due = time.strftime("%Y-%m-%d", time.gmtime(ev.created[i] + 60 * 86400))
        yield (f"{len(links)}\t{titles[i % len(titles)]}\tkorrigerande\t\\N\t\\N\tbench-handler-{i % HANDLERS:02d}\t"
               f"{due}\t{status}\t\\N\tbench-handler-{i % HANDLERS:02d}\t{_ts(ev.created[i] + 86400)}\t1\n")


def bulk_load(
    engine: Engine, dsn: str, events: int, release: Release, release_id: int, progress: Callable[[str], None],
    seed: int = 7,
) -> LoadResult:
    """Load `events` events into the (migrated, published, otherwise empty) database at dsn, then VACUUM ANALYZE.
    The organisation (units, users, grants) is added through the engine first."""
    rng = random.Random(seed)
    now = time.time()
    units = org_tree()
    start = time.perf_counter()
    _add_organisation(engine, units, release.hash)
    seconds: dict[str, float] = {"organisation (through the engine)": time.perf_counter() - start}
    leaves = [u for u in units if u.kind not in ("region", "sjukhus")]
    plans = _task_plans(release)
    stages = _vard_stages(release.areas[vard.AREA])
    ev = _Events(events, len(leaves), plans, rng, now)
    counter = _TaskCounter()
    links: list[int] = []
    copies: list[tuple[str, str, Iterable[str]]] = [
        ("events", "id, number, title, kind, status, unit_id, unit_path, reporter_id, anonymous, channel, data, "
                   "has_patient_data, created_at", _event_lines(ev, leaves)),
        ("area_cases", "id, event_id, area, release_id, variant, unit_id, unit_path, status, state, data, version, "
                       "created_at, closed_at", _case_lines(ev, leaves, stages, release_id)),
        ("tasks", "id, area_case_id, event_id, event_number, event_title, area, role, unit_id, unit_path, spec_name, "
                  "name, due_at, assignee_id, created_at, ended_at, outcome, ended_by",
         _task_lines(ev, leaves, plans, counter)),
        ("actions", "id, title, type, description, expected_effect, owner_id, due_date, status, motivation, "
                    "created_by, created_at, version", _action_lines(ev, links)),
        ("action_events", "action_id, event_id", (f"{n}\t{event_id}\n" for n, event_id in enumerate(links, 1))),
        # one case per event with the event's id, so the action's case is the event's (as the engine links them)
        ("action_cases", "action_id, area_case_id", (f"{n}\t{event_id}\n" for n, event_id in enumerate(links, 1))),
    ]
    with psycopg.connect(dsn) as connection:
        for table, columns, lines in copies:  # lazily generated: action_events reads the links actions filled
            seconds[table] = _copy(connection, f"COPY {table} ({columns}) FROM STDIN", lines)
            progress(f"COPY {table}: {seconds[table]:.0f} s")
        for table in ("events", "area_cases", "actions"):
            connection.execute(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT max(id) FROM {table}))")
        for year, value in ev.counters.items():
            connection.execute("INSERT INTO event_counters (series, year, value) VALUES ('AVV', %s, %s)", (year, value))
        # Before the facts: planned without statistics, their per-case subqueries scanned action_cases for every
        # case (31 000 facts in 36 minutes at 2.5 M events; a few minutes with them).
        connection.execute("ANALYZE")
        connection.commit()
    start = time.perf_counter()
    with engine.db.transaction() as session:  # the statistics' facts, by the statement migration 0009 fills them with
        stats_store.refresh_facts(session, restricting_kinds(Context(session, engine.releases, engine.clock)),
                                  everything=True)
    seconds["stats_facts"] = time.perf_counter() - start
    progress(f"stats_facts: {seconds['stats_facts']:.0f} s")
    start = time.perf_counter()
    with psycopg.connect(dsn, autocommit=True) as connection:
        connection.execute("VACUUM ANALYZE")
        row = connection.execute("SELECT pg_database_size(current_database())").fetchone()
    return LoadResult(
        events=events,
        units=len(units),
        tasks=counter.rows,
        open_tasks=counter.open,
        actions=len(links),
        seconds_by_table=seconds,
        load_seconds=sum(seconds.values()),
        analyze_seconds=time.perf_counter() - start,
        database_mib=round((row[0] if row else 0) / 1024 / 1024, 1),
    )
