"""Legal entities, the releases they own, and each entity's event number series."""

from __future__ import annotations

from typing import Any, cast

from sqlalchemy import Insert, bindparam, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from engine.store.models import EventCounter, LegalEntity, ReleaseEntity

__all__ = ["get_entity", "all_entities", "entity_by_prefix", "add_entity", "next_number", "own_release",
           "release_owners", "owned_release_ids"]


def get_entity(session: Session, entity_id: str) -> LegalEntity | None:
    return session.get(LegalEntity, entity_id)


def all_entities(session: Session) -> list[LegalEntity]:
    return list(session.scalars(select(LegalEntity).order_by(LegalEntity.id)))


def entity_by_prefix(session: Session, prefix: str) -> LegalEntity | None:
    return session.scalar(select(LegalEntity).where(LegalEntity.prefix == prefix))


def add_entity(session: Session, entity_id: str, name: str, prefix: str) -> LegalEntity:
    entity = LegalEntity(id=entity_id, name=name, prefix=prefix)
    session.add(entity)
    session.flush()
    return entity


def _create_counter(insert: Any) -> Insert:  # either dialect's insert (both have on_conflict_do_nothing)
    counter = insert(EventCounter).values(series=bindparam("counter_series"), year=bindparam("counter_year"), value=0)
    upsert = counter.on_conflict_do_nothing(index_elements=["series", "year"])
    return cast(Insert, upsert.execution_options(dml_strategy="orm"))  # not the bulk path a parameter dict picks


# built once: every report takes a number
_CREATE_COUNTER_PG, _CREATE_COUNTER_SQLITE = _create_counter(pg_insert), _create_counter(sqlite_insert)
_COUNT = (update(EventCounter)
          .where(EventCounter.series == bindparam("counter_series"), EventCounter.year == bindparam("counter_year"))
          .values(value=EventCounter.value + 1).returning(EventCounter.value))


def next_number(session: Session, series: str, year: int) -> str:
    """SERIES-YYYY-NNNNNN, unique under concurrency: the counter row is incremented in place, which takes a row
    lock on PostgreSQL (and the database lock on SQLite) until the transaction ends."""
    postgresql = session.get_bind().dialect.name == "postgresql"
    values = {"counter_series": series, "counter_year": year}
    session.execute(_CREATE_COUNTER_PG if postgresql else _CREATE_COUNTER_SQLITE, values)
    value = session.scalar(_COUNT, values)
    return f"{series}-{year}-{value:06d}"


def own_release(session: Session, release_id: int, entity_id: str) -> None:
    if session.get(ReleaseEntity, (release_id, entity_id)) is None:
        session.add(ReleaseEntity(release_id=release_id, entity_id=entity_id))
        session.flush()


def release_owners(session: Session, release_id: int) -> set[str]:
    return set(session.scalars(select(ReleaseEntity.entity_id).where(ReleaseEntity.release_id == release_id)))


def owned_release_ids(session: Session, entity_ids: set[str]) -> set[int]:
    return set(session.scalars(select(ReleaseEntity.release_id).where(ReleaseEntity.entity_id.in_(entity_ids))))
