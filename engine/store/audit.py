"""The append-only change log and the read log. Nothing here updates or deletes."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine.store.models import AuditEntry, Event, ReadLogEntry

__all__ = ["record_change", "record_read", "changes_for_event", "reads_for_event"]


def record_change(
    session: Session,
    *,
    actor_id: str | None,
    entity: str,
    entity_id: str | int,
    operation: str,
    event: Event | None = None,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
    on_behalf_of: str | None = None,
) -> None:
    """on_behalf_of: the principal, when the actor acted as their deputy."""
    session.add(
        AuditEntry(
            actor_id=actor_id,
            on_behalf_of=on_behalf_of,
            event_id=event.id if event else None,
            event_number=event.number if event else None,
            event_title=event.title if event else None,
            entity=entity,
            entity_id=str(entity_id),
            operation=operation,
            before=before,
            after=after,
        )
    )


def record_read(session: Session, *, actor_id: str, event: Event, purpose: str) -> None:
    session.add(ReadLogEntry(actor_id=actor_id, event_id=event.id, event_number=event.number, purpose=purpose))


def changes_for_event(session: Session, event_id: int) -> list[AuditEntry]:
    return list(session.scalars(select(AuditEntry).where(AuditEntry.event_id == event_id).order_by(AuditEntry.id)))


def reads_for_event(session: Session, event_id: int) -> list[ReadLogEntry]:
    query = select(ReadLogEntry).where(ReadLogEntry.event_id == event_id).order_by(ReadLogEntry.id)
    return list(session.scalars(query))
