"""The database schema as typed SQLAlchemy models. `engine/store` is the only package that speaks SQL."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    Date,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
    false,
    text,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

from engine.store.types import JSONDocument, UTCDateTime, created_at, str_code, str_id, str_name

__all__ = [
    "Base",
    "LegalEntity",
    "ReleaseEntity",
    "Deputyship",
    "ScimResource",
    "ScimToken",
    "Unit",
    "User",
    "RoleGrant",
    "ApiToken",
    "ReleaseRecord",
    "EventCounter",
    "Event",
    "AreaCase",
    "StatsFact",
    "StatsRollup",
    "StatsRollupDelta",
    "TaskRow",
    "TimerRow",
    "Action",
    "ActionEvent",
    "ActionCase",
    "EventLink",
    "Decision",
    "AuditEntry",
    "ReadLogEntry",
    "RateBucket",
    "Binding",
    "Overlay",
    "Notification",
    "NotificationSetting",
    "WorkerHeartbeat",
    "LogChain",
    "Attachment",
    "LegalHold",
    "CullingProtocol",
]


class Base(DeclarativeBase):
    type_annotation_map = {dict[str, Any]: JSONDocument, datetime: UTCDateTime, list[Any]: JSONDocument}


class LegalEntity(Base):
    """A legal entity (huvudman, personuppgiftsansvarig): one root unit of the org tree and everything under it.
    Its id is the root unit's id, so code that keys on the root unit keys on the entity. Each has its own number
    series (`prefix`), its own public channel (complaints reach `complaints_unit_id`) and nothing crosses over."""

    __tablename__ = "legal_entities"
    id: Mapped[str_id] = mapped_column(ForeignKey("units.id"), primary_key=True)  # the root unit
    name: Mapped[str_name]
    prefix: Mapped[str] = mapped_column(String(6), unique=True)  # event numbers: PREFIX-YYYY-NNNNNN
    complaints_unit_id: Mapped[str | None] = mapped_column(ForeignKey("units.id"))  # public complaints land here
    created_at: Mapped[created_at]


class ReleaseEntity(Base):
    """Which entities own a release: a process owner lists, binds and migrates only their own entity's releases.
    A release is stored once by content hash; two entities publishing the same files both own it."""

    __tablename__ = "release_entities"
    release_id: Mapped[int] = mapped_column(ForeignKey("releases.id"), primary_key=True)
    entity_id: Mapped[str_id] = mapped_column(ForeignKey("legal_entities.id"), primary_key=True)


class Deputyship(Base):
    """A deputy (ersättare) holds the principal's role on a unit for a period: sees and works those tasks, and
    what they do is logged as done on the principal's behalf."""

    __tablename__ = "deputyships"
    __table_args__ = (Index("ix_deputyships_deputy", "deputy_id", "ends_at"),
                      Index("ix_deputyships_principal", "principal_id", "ends_at"))
    id: Mapped[int] = mapped_column(primary_key=True)
    principal_id: Mapped[str] = mapped_column(ForeignKey("users.id"))
    deputy_id: Mapped[str] = mapped_column(ForeignKey("users.id"))
    role: Mapped[str_id]
    unit_id: Mapped[str_id] = mapped_column(ForeignKey("units.id"))
    starts_at: Mapped[datetime]
    ends_at: Mapped[datetime]
    created_by: Mapped[str] = mapped_column(String(100))
    created_at: Mapped[created_at]
    revoked_at: Mapped[datetime | None]


class ScimResource(Base):
    """A SCIM resource (User or Group) as the IDM last pushed it to /scim/v2: the source avvik's IDM-owned users
    and grants are derived from (engine/provisioning.py), kept whole so the IDM reads back what it wrote."""

    __tablename__ = "scim_resources"
    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    resource_type: Mapped[str_code] = mapped_column(index=True)
    data: Mapped[dict[str, Any]]
    updated_at: Mapped[created_at]


class ScimToken(Base):
    """A bearer token for the SCIM endpoint (`avvik scim token create`): the IDM's, not a person's."""

    __tablename__ = "scim_tokens"
    id: Mapped[int] = mapped_column(primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)  # SHA-256 hex
    label: Mapped[str | None] = mapped_column(String(200))
    created_at: Mapped[created_at]
    revoked_at: Mapped[datetime | None]


class Unit(Base):
    """An organisational unit. `path` is the materialised ancestry ('/region/sjukhus/avd/') so a subtree is one
    index range scan."""

    __tablename__ = "units"
    id: Mapped[str_id] = mapped_column(primary_key=True)
    name: Mapped[str_name]
    parent_id: Mapped[str | None] = mapped_column(ForeignKey("units.id"))
    kind: Mapped[str_code]
    cfar: Mapped[str | None] = mapped_column(String(8))  # SCB arbetsställenummer: 8 digits, leading zeros kept
    path: Mapped[str] = mapped_column(String(1000), index=True, unique=True)


class User(Base):
    __tablename__ = "users"
    id: Mapped[str] = mapped_column(String(100), primary_key=True)
    name: Mapped[str_name]
    email: Mapped[str | None] = mapped_column(String(200))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    source: Mapped[str] = mapped_column(String(20), default="manual")  # manual | idm (kept by the IDM sync)
    created_at: Mapped[created_at]


class RoleGrant(Base):
    """A role on a unit; it covers the unit's whole subtree."""

    __tablename__ = "role_grants"
    __table_args__ = (UniqueConstraint("user_id", "role", "unit_id"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[str] = mapped_column(ForeignKey("users.id"), index=True)
    role: Mapped[str_id]
    unit_id: Mapped[str_id] = mapped_column(ForeignKey("units.id"))
    source: Mapped[str] = mapped_column(String(20), default="manual")  # manual | idm (kept by the IDM sync)
    created_at: Mapped[created_at]


class ApiToken(Base):
    __tablename__ = "api_tokens"
    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[str] = mapped_column(ForeignKey("users.id"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)  # SHA-256 hex; the token itself is never stored
    label: Mapped[str | None] = mapped_column(String(200))
    created_at: Mapped[created_at]
    expires_at: Mapped[datetime | None]
    revoked_at: Mapped[datetime | None]


class ReleaseRecord(Base):
    """An immutable definition set: its files are stored so a case can always be re-run on its own release."""

    __tablename__ = "releases"
    id: Mapped[int] = mapped_column(primary_key=True)
    hash: Mapped[str] = mapped_column(String(64), unique=True)
    label: Mapped[str | None] = mapped_column(String(200))
    # relative path -> UTF-8 text; deferred: steps look the release up by id and need only its hash
    files: Mapped[dict[str, Any]] = mapped_column(JSONDocument, deferred=True)
    published_by: Mapped[str | None] = mapped_column(String(100))
    created_at: Mapped[created_at]


class EventCounter(Base):
    """Next event sequence number per number series (a legal entity's prefix; 'AVV' before entities) and year;
    incremented under a row lock so numbers are unique and gapless within a series."""

    __tablename__ = "event_counters"
    series: Mapped[str] = mapped_column(String(6), primary_key=True)
    year: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    value: Mapped[int] = mapped_column(Integer, default=0)


class Event(Base):
    """One report (avvikelse). Its number and title travel with every task, action and audit row."""

    __tablename__ = "events"
    __table_args__ = (
        # newest-first lists filtered by status walk this index backwards instead of the whole table
        Index("ix_events_status_id", "status", "id"),
        # a list under a unit counts its first 1 001 events from the index alone, without a heap row each
        # (PostgreSQL; at 2.5 M events a hospital's count 38 -> 13 ms)
        Index("ix_events_unit_path", "unit_path", postgresql_include=["id", "reporter_id"]),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    number: Mapped[str] = mapped_column(String(20), unique=True)
    title: Mapped[str_name]
    kind: Mapped[str_code]
    status: Mapped[str_code]
    unit_id: Mapped[str_id] = mapped_column(ForeignKey("units.id"))
    unit_path: Mapped[str] = mapped_column(String(1000))
    reporter_id: Mapped[str | None] = mapped_column(ForeignKey("users.id"), index=True)
    anonymous: Mapped[bool] = mapped_column(Boolean, default=False)
    channel: Mapped[str_code]
    data: Mapped[dict[str, Any]]
    has_patient_data: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[created_at] = mapped_column(index=True)
    # Public channel only: the receipt code the complainant follows the case with, and the SHA-256 of the
    # secret that goes with it (the secret itself is shown once, never stored).
    public_receipt: Mapped[str | None] = mapped_column(String(40), unique=True)
    public_secret_hash: Mapped[str | None] = mapped_column(String(64))
    # An event imported from an older system (engine/records/imports.py): "<source>:<its id>"; read-only.
    legacy_id: Mapped[str | None] = mapped_column(String(120), unique=True)
    area_cases: Mapped[list[AreaCase]] = relationship(back_populates="event", order_by="AreaCase.id")


class AreaCase(Base):
    """One area's handling of an event: a SpiffWorkflow instance pinned to the release it started on."""

    __tablename__ = "area_cases"
    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("events.id"), index=True)
    area: Mapped[str_code]
    release_id: Mapped[int] = mapped_column(ForeignKey("releases.id"))
    variant: Mapped[str] = mapped_column(String(64), default="standard")
    # The unit that handles the case (ansvarande enhet): the event's unit, or one the area names by kind.
    unit_id: Mapped[str_id] = mapped_column(ForeignKey("units.id"))
    unit_path: Mapped[str] = mapped_column(String(1000), index=True)
    status: Mapped[str_code]
    # SpiffWorkflow state without spec (engine/runtime/serializer.py). Plain JSON, not JSONB: SpiffWorkflow
    # restores a task's data as a delta over its parent's, so the tasks' key order must survive; JSONB sorts keys.
    # Deferred: only a step reads it; listing an event's cases must not parse every case's whole state.
    state: Mapped[dict[str, Any]] = mapped_column(JSON, deferred=True)
    data: Mapped[dict[str, Any]]  # the case data as of the last step, for reads that must not deserialize
    version: Mapped[int] = mapped_column(Integer, nullable=False)
    created_at: Mapped[created_at]
    closed_at: Mapped[datetime | None]
    event: Mapped[Event] = relationship(back_populates="area_cases")
    __mapper_args__ = {"version_id_col": version}


_SHARED_ACTIONS = text("shared_open_actions IS NOT NULL")


class StatsFact(Base):
    """What statistics count of one live area case, in narrow columns (no JSON): rewritten by
    engine/store/stats.py:refresh_facts in the transaction that changes the case, its event or its tasks, so
    a count reads these rows instead of the wide case and event rows. Removed cases have none."""

    __tablename__ = "stats_facts"
    __table_args__ = (
        Index("ix_stats_facts_area_case_unit", "area", "case_unit_path", "reported_at"),
        Index("ix_stats_facts_area_event_unit", "area", "event_unit_path", "reported_at"),
        Index("ix_stats_facts_shared", "event_id", postgresql_where=text("shared"), sqlite_where=text("shared")),
        Index("ix_stats_facts_shared_open_actions", "case_id", postgresql_where=_SHARED_ACTIONS,
              sqlite_where=_SHARED_ACTIONS),
    )
    case_id: Mapped[int] = mapped_column(ForeignKey("area_cases.id"), primary_key=True, autoincrement=False)
    event_id: Mapped[int] = mapped_column(ForeignKey("events.id"), index=True)
    area: Mapped[str_code]
    status: Mapped[str_code]
    event_unit_id: Mapped[str_id]
    event_unit_path: Mapped[str] = mapped_column(String(1000))
    case_unit_path: Mapped[str] = mapped_column(String(1000))
    reported_at: Mapped[datetime] = mapped_column(UTCDateTime)  # the event's report time
    category: Mapped[str | None] = mapped_column(String)
    event_type: Mapped[str | None] = mapped_column(String)
    consequence_actual: Mapped[int | None] = mapped_column(Integer)
    consequence_potential: Mapped[int | None] = mapped_column(Integer)
    probability: Mapped[int | None] = mapped_column(Integer)
    # ",lex_sarah," : the restricting decisions the case data holds (of every area's); NULL when none
    restricted_by: Mapped[str | None] = mapped_column(String(400))
    first_step_at: Mapped[datetime | None] = mapped_column(UTCDateTime)  # first completed task (triage)
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # the event has another live area case: its distinct-event count needs the event ids (the rollup counts cases)
    shared: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    # the open tasks' due hours since 1970 ('-': no due time), e.g. '493012,-'; NULL without open tasks
    open_due: Mapped[str | None] = mapped_column(Text)
    # the decisions as 'kind:1@YYYY-MM' (1 made, 0 not; the month decided), joined by ','; NULL without any
    decisions: Mapped[str | None] = mapped_column(Text)
    # open actions on this case only, as due days ('-': none), joined; those also on other cases as 'id:due'
    open_actions: Mapped[str | None] = mapped_column(Text)
    shared_open_actions: Mapped[str | None] = mapped_column(Text)


class _RollupKey:
    """What the rollup counts facts by: an ancestor unit (engine/store/rollup.py says which), the area, the
    restricting decisions the cases hold ('' for none), the report month 'YYYY-MM', a figure and its value
    ('' for none)."""

    unit_path: Mapped[str] = mapped_column(String(1000))
    area: Mapped[str_code]
    restricted_by: Mapped[str] = mapped_column(String(400))
    month: Mapped[str] = mapped_column(String(7))
    figure: Mapped[str_code]
    value: Mapped[str] = mapped_column(String(200))
    n: Mapped[int] = mapped_column(Integer)


class StatsRollup(_RollupKey, Base):
    """The facts counted per key, folded from stats_rollup_deltas by the worker (engine/store/rollup.py)."""

    __tablename__ = "stats_rollup"
    __table_args__ = (
        UniqueConstraint("unit_path", "area", "figure", "month", "restricted_by", "value", name="uq_stats_rollup_key"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)


class StatsRollupDelta(_RollupKey, Base):
    """Changes to the counts, appended in the transaction that changes the facts: appending locks no row, so
    concurrent steps under one region never wait for each other on a shared count."""

    __tablename__ = "stats_rollup_deltas"
    __table_args__ = (Index("ix_stats_rollup_deltas_key", "unit_path", "area", "figure"),)
    id: Mapped[int] = mapped_column(primary_key=True)


_OPEN = text("ended_at IS NULL")


class TaskRow(Base):
    """A user task: while open (ended_at is null) the worklist index, afterwards its history (who, when, how
    it ended). Written in the same transaction as the case state; open rows are found by partial indexes."""

    __tablename__ = "tasks"
    __table_args__ = (
        Index("ix_tasks_open_role_unit_path", "role", "unit_path", postgresql_where=_OPEN, sqlite_where=_OPEN),
        # a worklist's page in its order; on PostgreSQL with the columns it filters on, read from the index alone
        # (at 2.5 M events a hospital handler's page 5.2 -> 2.2 ms of execution)
        Index("ix_tasks_open_role_due", "role", "due_at", "created_at", postgresql_where=_OPEN, sqlite_where=_OPEN,
              postgresql_include=["id", "unit_path", "assignee_id"]),
        Index("ix_tasks_open_assignee", "assignee_id", postgresql_where=_OPEN, sqlite_where=_OPEN),
        Index("ix_tasks_open_due", "due_at", postgresql_where=_OPEN, sqlite_where=_OPEN),  # statistics: due now
        # /metrics counts open and overdue tasks per area at every scrape: from this index alone
        Index("ix_tasks_open_area_due", "area", "due_at", postgresql_where=_OPEN, sqlite_where=_OPEN),
    )
    id: Mapped[str] = mapped_column(String(36), primary_key=True)  # SpiffWorkflow task id
    area_case_id: Mapped[int] = mapped_column(ForeignKey("area_cases.id"), index=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("events.id"), index=True)
    event_number: Mapped[str] = mapped_column(String(20))
    event_title: Mapped[str_name]
    area: Mapped[str_code]
    role: Mapped[str_id]
    unit_id: Mapped[str_id]
    unit_path: Mapped[str] = mapped_column(String(1000))
    spec_name: Mapped[str] = mapped_column(String(200))
    name: Mapped[str_name]
    due_at: Mapped[datetime | None]
    assignee_id: Mapped[str | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[created_at]
    ended_at: Mapped[datetime | None]
    outcome: Mapped[str | None] = mapped_column(String(20))  # completed | cancelled (by a boundary timer) | moved
    ended_by: Mapped[str | None] = mapped_column(String(100))
    note: Mapped[str | None] = mapped_column(Text)  # why it ended, when that is more than "completed" (a move)


class TimerRow(Base):
    """A waiting BPMN timer and when it fires; `avvik worker` fires the due ones."""

    __tablename__ = "timers"
    __table_args__ = (UniqueConstraint("area_case_id", "task_id"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    area_case_id: Mapped[int] = mapped_column(ForeignKey("area_cases.id"), index=True)
    task_id: Mapped[str] = mapped_column(String(36))
    fire_at: Mapped[datetime] = mapped_column(index=True)


# engine/rules/lifecycle.py:TERMINAL_STATUSES; the statistics and the deadline notifications read open actions
_ACTION_OPEN = text("status NOT IN ('avbruten', 'effekt_utvarderad', 'genomford')")


class Action(Base):
    """An åtgärd: first-class, linked to one or more events and to the area cases whose closure it holds up."""

    __tablename__ = "actions"
    __table_args__ = (
        Index("ix_actions_open_due", "due_date", postgresql_where=_ACTION_OPEN, sqlite_where=_ACTION_OPEN),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str_name]
    type: Mapped[str_code]
    description: Mapped[str | None] = mapped_column(Text)
    expected_effect: Mapped[str | None] = mapped_column(Text)
    owner_id: Mapped[str | None] = mapped_column(ForeignKey("users.id"), index=True)
    due_date: Mapped[date | None] = mapped_column(Date)
    status: Mapped[str_code]
    motivation: Mapped[str | None] = mapped_column(Text)
    created_by: Mapped[str | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[created_at]
    # effect evaluation (status effekt_utvarderad): effektiv | delvis | ej_effektiv, and what was seen
    effect_result: Mapped[str | None] = mapped_column(String(20))
    effect_note: Mapped[str | None] = mapped_column(Text)
    follow_up_of: Mapped[int | None] = mapped_column(ForeignKey("actions.id"))  # the action judged ej effektiv
    # where a generated action came from: "<task spec>:<form array path>/<index>" for a plan item
    origin: Mapped[str | None] = mapped_column(String(200))
    version: Mapped[int] = mapped_column(Integer, nullable=False)
    events: Mapped[list[Event]] = relationship(secondary="action_events", order_by="Event.id")
    cases: Mapped[list[AreaCase]] = relationship(secondary="action_cases", order_by="AreaCase.id")
    __mapper_args__ = {"version_id_col": version}


class ActionEvent(Base):
    __tablename__ = "action_events"
    action_id: Mapped[int] = mapped_column(ForeignKey("actions.id"), primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("events.id"), primary_key=True, index=True)


class ActionCase(Base):
    """An action belongs to one or more area cases; an area's closure counts only its own actions."""

    __tablename__ = "action_cases"
    action_id: Mapped[int] = mapped_column(ForeignKey("actions.id"), primary_key=True)
    area_case_id: Mapped[int] = mapped_column(ForeignKey("area_cases.id"), primary_key=True, index=True)


class EventLink(Base):
    """A typed relation from one event to another (duplicate of, lab deviation for, complaint about, related),
    read from both sides. `area_case_id` is the case whose task recorded it, if a task did."""

    __tablename__ = "event_links"
    __table_args__ = (UniqueConstraint("source_id", "target_id", "type"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    source_id: Mapped[int] = mapped_column(ForeignKey("events.id"))
    target_id: Mapped[int] = mapped_column(ForeignKey("events.id"), index=True)
    type: Mapped[str_code]
    area_case_id: Mapped[int | None] = mapped_column(ForeignKey("area_cases.id"))
    created_by: Mapped[str | None] = mapped_column(String(100))
    created_at: Mapped[created_at]
    source: Mapped[Event] = relationship(foreign_keys=[source_id])
    target: Mapped[Event] = relationship(foreign_keys=[target_id])


class Decision(Base):
    """A recorded decision with legal or formal effect (lex Maria, AV, FK, ...): who, when, value, why."""

    __tablename__ = "decisions"
    id: Mapped[int] = mapped_column(primary_key=True)
    area_case_id: Mapped[int] = mapped_column(ForeignKey("area_cases.id"), index=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("events.id"), index=True)
    kind: Mapped[str_id]
    value: Mapped[str_code]
    reference: Mapped[str | None] = mapped_column(String(200))
    motivation: Mapped[str | None] = mapped_column(Text)
    decided_by: Mapped[str] = mapped_column(ForeignKey("users.id"))
    decided_at: Mapped[created_at]
    task_id: Mapped[str | None] = mapped_column(String(36))


class AuditEntry(Base):
    """Append-only change log: who changed what, when, before and after."""

    __tablename__ = "audit_log"
    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[created_at] = mapped_column(index=True)
    actor_id: Mapped[str | None] = mapped_column(String(100))
    on_behalf_of: Mapped[str | None] = mapped_column(String(100))  # the principal, when a deputy acted
    event_id: Mapped[int | None] = mapped_column(ForeignKey("events.id"), index=True)
    event_number: Mapped[str | None] = mapped_column(String(20))
    event_title: Mapped[str | None] = mapped_column(String(200))
    entity: Mapped[str_code]
    entity_id: Mapped[str] = mapped_column(String(64))
    operation: Mapped[str_code]
    before: Mapped[dict[str, Any] | None] = mapped_column(JSONDocument)
    after: Mapped[dict[str, Any] | None] = mapped_column(JSONDocument)
    # The tamper-evident chain (engine/store/chain.py): the legal entity's chain, the SHA-256 of the row's
    # canonical content and the link hash over the previous row's. A culled row keeps digest and hash.
    chain: Mapped[str | None] = mapped_column(String(64))
    digest: Mapped[str | None] = mapped_column(String(64))
    hash: Mapped[str | None] = mapped_column(String(64))
    culled_by: Mapped[int | None] = mapped_column(Integer)  # the culling protocol that emptied the row
    __table_args__ = (Index("ix_audit_log_chain_id", "chain", "id"),)


class ReadLogEntry(Base):
    """Every read of an event holding patient data (HSLF-FS 2016:40 4 kap. 9 §): who, when, which, why."""

    __tablename__ = "read_log"
    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[created_at] = mapped_column(index=True)
    actor_id: Mapped[str | None] = mapped_column(String(100), index=True)  # None once culled
    event_id: Mapped[int] = mapped_column(ForeignKey("events.id"), index=True)
    event_number: Mapped[str] = mapped_column(String(20))
    purpose: Mapped[str] = mapped_column(String(200))
    chain: Mapped[str | None] = mapped_column(String(64))  # as AuditEntry: engine/store/chain.py
    digest: Mapped[str | None] = mapped_column(String(64))
    hash: Mapped[str | None] = mapped_column(String(64))
    culled_by: Mapped[int | None] = mapped_column(Integer)
    __table_args__ = (Index("ix_read_log_chain_id", "chain", "id"),)


class RateBucket(Base):
    """A fixed-window counter for rate limits shared by every API worker (e.g. public feedback per address)."""

    __tablename__ = "rate_buckets"
    key: Mapped[str] = mapped_column(String(200), primary_key=True)
    window_start: Mapped[datetime]
    count: Mapped[int] = mapped_column(Integer)


class Binding(Base):
    """Which release and variant of an area's process a unit uses; units without one inherit their parent's."""

    __tablename__ = "bindings"
    unit_id: Mapped[str_id] = mapped_column(ForeignKey("units.id"), primary_key=True)
    area: Mapped[str_code] = mapped_column(primary_key=True)
    release_id: Mapped[int] = mapped_column(ForeignKey("releases.id"))
    variant: Mapped[str] = mapped_column(String(64))
    created_by: Mapped[str | None] = mapped_column(String(100))
    created_at: Mapped[created_at]


class Overlay(Base):
    """A unit's value for one of an area's declared variables (SLA, optional step on/off), inherited downwards."""

    __tablename__ = "overlays"
    unit_id: Mapped[str_id] = mapped_column(ForeignKey("units.id"), primary_key=True)
    area: Mapped[str_code] = mapped_column(primary_key=True)
    key: Mapped[str_id] = mapped_column(primary_key=True)
    value: Mapped[dict[str, Any]]  # {"value": <JSON value>}, so any JSON type fits one column
    created_by: Mapped[str | None] = mapped_column(String(100))
    created_at: Mapped[created_at]


class Notification(Base):
    """The outbox: one message to one person, written in the transaction of the change that causes it, so a
    rolled-back change notifies nobody and a committed one is never lost. `avvik worker` e-mails it (status
    pending -> sent, or dead after the last try; skipped when the person has no address); the person reads it in
    the app either way. The text never holds a protected value (engine/notifications.py)."""

    __tablename__ = "notifications"
    __table_args__ = (
        Index("ix_notifications_delivery", "status", "next_attempt_at"),
        Index("ix_notifications_user", "user_id", "id"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str_code]
    # A person (the app lists it, their address is looked up at delivery), or none: a public complainant's
    # `address`, given on the public form (no login, so no inbox).
    user_id: Mapped[str | None] = mapped_column(ForeignKey("users.id"))
    address: Mapped[str | None] = mapped_column(String(320))
    event_id: Mapped[int | None] = mapped_column(ForeignKey("events.id"), index=True)
    event_number: Mapped[str | None] = mapped_column(String(20))
    subject: Mapped[str] = mapped_column(String(300))
    body: Mapped[str] = mapped_column(Text)  # plain text; rendered from the release's templates when written
    html: Mapped[str | None] = mapped_column(Text)
    # The day of the daily digest this row goes out with (next_attempt_at is that morning); None: on its own.
    digest_on: Mapped[date | None] = mapped_column(Date)
    link: Mapped[str] = mapped_column(String(300))  # a path in the web application; the base URL is added at delivery
    # Notifications the worker raises by scanning (action due/overdue) carry a key, so two workers write one row.
    dedupe_key: Mapped[str | None] = mapped_column(String(200), unique=True)
    status: Mapped[str_code]
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    # When the worker may (next) try: a claimed row is leased by moving this ahead (see engine/store/outbox.py).
    next_attempt_at: Mapped[datetime]
    last_error: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[created_at]
    sent_at: Mapped[datetime | None]
    read_at: Mapped[datetime | None]


class NotificationSetting(Base):
    """A person's choice for one kind of notification: `immediate`, `digest` (the daily digest) or `off` (only in
    the app). No row: the area rule's delivery, else immediate."""

    __tablename__ = "notification_settings"
    user_id: Mapped[str] = mapped_column(ForeignKey("users.id"), primary_key=True)
    kind: Mapped[str_code] = mapped_column(primary_key=True)
    delivery: Mapped[str_code]


class WorkerHeartbeat(Base):
    """One row per `avvik worker` process, stamped at the end of every round: `avvik doctor` and /metrics tell
    from it whether timers and the outbox are being worked at all."""

    __tablename__ = "worker_heartbeats"
    worker_id: Mapped[str] = mapped_column(String(200), primary_key=True)  # host:pid
    started_at: Mapped[datetime]
    beat_at: Mapped[datetime] = mapped_column(index=True)
    interval_ms: Mapped[int] = mapped_column(Integer)  # time between rounds: how old a beat may be before it is stale


class LogChain(Base):
    """The head of a legal entity's two log chains (change log, read log). Appending locks this row, so two
    writers of one entity queue instead of forking the chain; `avvik audit verify` checks the rows against it."""

    __tablename__ = "log_chains"
    entity: Mapped[str_id] = mapped_column(primary_key=True)
    audit_id: Mapped[int | None] = mapped_column(Integer)
    audit_hash: Mapped[str | None] = mapped_column(String(64))
    read_id: Mapped[int | None] = mapped_column(Integer)
    read_hash: Mapped[str | None] = mapped_column(String(64))


class Attachment(Base):
    """A file on an event, or on one of its area cases, actions or tasks. The bytes live in the attachment store
    under their SHA-256 (engine/records/storage.py); the row says what, whose, how classified."""

    __tablename__ = "attachments"
    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("events.id"), index=True)
    target: Mapped[str_code]  # event | area_case | action | task
    area_case_id: Mapped[int | None] = mapped_column(ForeignKey("area_cases.id"))
    action_id: Mapped[int | None] = mapped_column(ForeignKey("actions.id"), index=True)
    task_id: Mapped[str | None] = mapped_column(String(36), index=True)
    filename: Mapped[str_name]
    media_type: Mapped[str] = mapped_column(String(100))
    size: Mapped[int] = mapped_column(Integer)
    sha256: Mapped[str] = mapped_column(String(64), index=True)
    classification: Mapped[str_code]  # allman | personuppgifter | sekretess
    uploaded_by: Mapped[str] = mapped_column(String(100))
    created_at: Mapped[created_at]
    culled_by: Mapped[int | None] = mapped_column(Integer)  # the culling protocol that removed the bytes


class LegalHold(Base):
    """A hold on an event (rättslig spärr): while it is not lifted, nothing of the event is culled."""

    __tablename__ = "legal_holds"
    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("events.id"), index=True)
    reason: Mapped[str] = mapped_column(Text)
    placed_by: Mapped[str] = mapped_column(String(100))
    role: Mapped[str_id]
    created_at: Mapped[created_at]
    lifted_by: Mapped[str | None] = mapped_column(String(100))
    lifted_at: Mapped[datetime | None]


class CullingProtocol(Base):
    """A gallringsprotokoll: one record class culled for one legal entity: when, by whom, under which decision,
    how many, and each record's identifier and content hash. Kept for good, and itself in the change log."""

    __tablename__ = "culling_protocols"
    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[created_at]
    actor_id: Mapped[str] = mapped_column(String(100))
    entity: Mapped[str_id]
    record_class: Mapped[str_id]
    decision: Mapped[str | None] = mapped_column(String(300))
    release: Mapped[str] = mapped_column(String(64))  # the release whose retention.yaml set the period
    count: Mapped[int] = mapped_column(Integer)
    items: Mapped[list[Any]]  # [{"id", "sha256"}]
