"""What operations reads and the worker stamps: cheap aggregate queries for /metrics and readiness, and the
worker's heartbeat. The /metrics queries run at every scrape, so each is answered from an index."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import case, delete, event, func, select, text
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from engine.store.db import Database
from engine.store.models import Notification, TaskRow, TimerRow, WorkerHeartbeat
from engine.store.outbox import DEAD, PENDING

__all__ = ["ping", "unreachable", "watch_pool", "open_tasks_per_area",
           "oldest_due_timer", "outbox_counts", "oldest_pending_notification",
           "beat", "newest_beat", "HEARTBEAT_KEEP"]

# Heartbeats of workers gone this long are removed by the next beat of any worker.
HEARTBEAT_KEEP = timedelta(days=7)


def ping(session: Session) -> None:
    session.execute(text("SELECT 1"))


def unreachable(db: Database) -> str | None:
    """Why the database cannot be reached, in the driver's words; None when a query goes through. The driver's
    message names host and cause, never the password (URLs are rendered without it)."""
    try:
        with db.transaction() as session:
            ping(session)
    except SQLAlchemyError as exc:
        return str(getattr(exc, "orig", exc)).strip().splitlines()[0][:300] if str(exc) else type(exc).__name__
    return None


def watch_pool(db: Database, checked_out: Callable[[], Any], checked_in: Callable[[], Any]) -> int | None:
    """Call `checked_out` / `checked_in` as connections leave and return to the pool. Listeners are added once per
    database, however many apps share it: the pool's size the first time, None when it was already watched."""
    if getattr(db, "_metrics_watched", False):
        return None
    db._metrics_watched = True  # type: ignore[attr-defined]  # a mark on the instance, not a Database field
    event.listen(db.engine, "checkout", lambda *_: checked_out())
    event.listen(db.engine, "checkin", lambda *_: checked_in())
    size = getattr(db.engine.pool, "size", None)
    return int(size()) if callable(size) else 1


def open_tasks_per_area(session: Session, now: datetime) -> dict[str, tuple[int, int]]:
    """area -> (open tasks, of which overdue); from the partial index ix_tasks_open_area_due."""
    rows = session.execute(
        select(TaskRow.area, func.count(), func.sum(case((TaskRow.due_at < now, 1), else_=0)))
        .where(TaskRow.ended_at.is_(None)).group_by(TaskRow.area)
    )
    return {area: (int(total), int(late or 0)) for area, total, late in rows}


def oldest_due_timer(session: Session, now: datetime) -> datetime | None:
    """When the longest-waiting due timer should have fired (None: no timer is due)."""
    return session.scalar(select(func.min(TimerRow.fire_at)).where(TimerRow.fire_at <= now))


def outbox_counts(session: Session) -> dict[str, int]:
    """Notifications not yet delivered (pending, of which retrying after a failure) and given up on (dead)."""
    pending, retrying = session.execute(
        select(func.count(), func.sum(case((Notification.attempts > 0, 1), else_=0)))
        .where(Notification.status == PENDING)
    ).one()
    dead = session.scalar(select(func.count()).where(Notification.status == DEAD))
    return {"pending": int(pending), "retrying": int(retrying or 0), "dead": int(dead or 0)}


def oldest_pending_notification(session: Session) -> datetime | None:
    return session.scalar(select(func.min(Notification.created_at)).where(Notification.status == PENDING))


def beat(session: Session, worker_id: str, started_at: datetime, now: datetime, interval_ms: int) -> None:
    row = session.get(WorkerHeartbeat, worker_id)
    if row is None:
        session.add(WorkerHeartbeat(worker_id=worker_id, started_at=started_at, beat_at=now, interval_ms=interval_ms))
        session.execute(delete(WorkerHeartbeat).where(WorkerHeartbeat.beat_at < now - HEARTBEAT_KEEP))
    else:
        row.beat_at, row.interval_ms = now, interval_ms
    session.flush()


def newest_beat(session: Session) -> WorkerHeartbeat | None:
    return session.scalar(select(WorkerHeartbeat).order_by(WorkerHeartbeat.beat_at.desc()).limit(1))
