"""Fixed-window rate limits in the database, so every worker and machine shares one count."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from engine.store.models import RateBucket

__all__ = ["consume"]


def consume(session: Session, key: str, limit: int, window: timedelta, now: datetime) -> bool:
    """Count one hit for key; False when the window's limit is already used up."""
    insert = pg_insert if session.get_bind().dialect.name == "postgresql" else sqlite_insert
    session.execute(
        insert(RateBucket).values(key=key, window_start=now, count=0).on_conflict_do_nothing(index_elements=["key"])
    )
    session.execute(  # a new window starts once the old one has passed
        update(RateBucket).where(RateBucket.key == key, RateBucket.window_start <= now - window).values(
            window_start=now, count=0
        )
    )
    count = session.scalar(
        update(RateBucket).where(RateBucket.key == key).values(count=RateBucket.count + 1).returning(RateBucket.count)
    )
    return count is not None and count <= limit
