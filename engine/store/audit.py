"""The append-only change log and the read log, each row chained to the previous one of its legal entity
(engine/store/chain.py). Nothing here updates or deletes."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine.rules.legal_entity import legal_entity
from engine.store import chain
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
    unit_path: str | None = None,
    on_behalf_of: str | None = None,
) -> AuditEntry:
    """One change-log row, in the chain of the event's legal entity (else the unit's, else the installation's);
    on_behalf_of: the principal, when the actor acted as their deputy."""
    row = AuditEntry(
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
    chain.append(session, "audit", row, legal_entity(event.unit_path if event else unit_path))
    return row


def record_read(session: Session, *, actor_id: str, event: Event, purpose: str) -> None:
    row = ReadLogEntry(actor_id=actor_id, event_id=event.id, event_number=event.number, purpose=purpose)
    chain.append(session, "read", row, legal_entity(event.unit_path))


def changes_for_event(session: Session, event_id: int) -> list[AuditEntry]:
    return list(session.scalars(select(AuditEntry).where(AuditEntry.event_id == event_id).order_by(AuditEntry.id)))


def reads_for_event(session: Session, event_id: int) -> list[ReadLogEntry]:
    query = select(ReadLogEntry).where(ReadLogEntry.event_id == event_id).order_by(ReadLogEntry.id)
    return list(session.scalars(query))
