"""What the import of historical events reads and writes: units and legacy ids already there, blocks of event
numbers, and the rows themselves as Core inserts."""

from __future__ import annotations

from typing import Any, cast

from sqlalchemy import Table, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from engine.store.models import AreaCase, Event, EventCounter, Unit

__all__ = ["units_by_id", "legacy_ids", "take_numbers", "insert_events", "insert_cases"]


def units_by_id(session: Session) -> dict[str, Unit]:
    return {u.id: u for u in session.scalars(select(Unit))}


def legacy_ids(session: Session, source: str) -> set[str | None]:
    """The legacy ids of events already imported from `source`."""
    return set(session.scalars(select(Event.legacy_id).where(Event.legacy_id.like(f"{source}:%"))))


def take_numbers(session: Session, series: str, year: int, count: int) -> range:
    """A block of `count` numbers of a legal entity's series and `year`, taken at once under the counter's lock."""
    insert_ = pg_insert if session.get_bind().dialect.name == "postgresql" else sqlite_insert
    session.execute(insert_(EventCounter).values(series=series, year=year, value=0)
                    .on_conflict_do_nothing(index_elements=["series", "year"]))
    last = session.scalar(update(EventCounter).where(EventCounter.series == series, EventCounter.year == year)
                          .values(value=EventCounter.value + count).returning(EventCounter.value))
    if last is None:  # the insert above guarantees the row
        raise RuntimeError(f"no number counter for {series} {year}")
    return range(last - count + 1, last + 1)


# Core inserts, many rows per statement: the ORM's unit of work would cost more than the rows themselves.
# (A declarative class's __table__ is typed as its base, FromClause.)
_EVENTS, _CASES = cast(Table, Event.__table__), cast(Table, AreaCase.__table__)


def insert_events(session: Session, events: list[dict[str, Any]]) -> dict[str, int]:
    """Insert event rows; legacy id -> the new event's id."""
    inserted = session.connection().execute(_EVENTS.insert().returning(_EVENTS.c.legacy_id, _EVENTS.c.id), events)
    return {legacy_id: event_id for legacy_id, event_id in inserted}


def insert_cases(session: Session, cases: list[dict[str, Any]]) -> None:
    session.connection().execute(_CASES.insert(), cases)
