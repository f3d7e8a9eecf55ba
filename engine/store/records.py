"""Queries of the records tables: attachments, legal holds, culling protocols."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session, selectinload

from engine.rules.access import CaseStatus
from engine.store.chain import log_rows
from engine.store.models import (Action, Attachment, AuditEntry, CullingProtocol, Decision, Event, LegalHold,
                                 ReadLogEntry, TaskRow)

__all__ = ["closed_events", "log_chains", "unculled_log_rows", "event_tasks", "event_decisions", "event_actions",
           "add", "attachment_by_id", "attachments_for_event", "attachment_count", "blob_still_used",
           "holds_for_event", "held_event_ids", "hold_by_id", "protocols"]


def add(session: Session, row: object) -> None:
    session.add(row)
    session.flush()


def attachment_by_id(session: Session, attachment_id: int) -> Attachment | None:
    return session.get(Attachment, attachment_id)


def attachments_for_event(session: Session, event_id: int) -> list[Attachment]:
    query = select(Attachment).where(Attachment.event_id == event_id, Attachment.culled_by.is_(None))
    return list(session.scalars(query.order_by(Attachment.id)))


def attachment_count(session: Session, event_id: int) -> int:
    query = select(func.count()).select_from(Attachment).where(
        Attachment.event_id == event_id, Attachment.culled_by.is_(None))
    return int(session.scalar(query) or 0)


def blob_still_used(session: Session, sha256: str) -> bool:
    """Whether a live attachment still points at these bytes (the store keeps one copy per content)."""
    query = select(Attachment.id).where(Attachment.sha256 == sha256, Attachment.culled_by.is_(None)).limit(1)
    return session.scalar(query) is not None


def holds_for_event(session: Session, event_id: int) -> list[LegalHold]:
    return list(session.scalars(select(LegalHold).where(LegalHold.event_id == event_id).order_by(LegalHold.id)))


def hold_by_id(session: Session, hold_id: int) -> LegalHold | None:
    return session.get(LegalHold, hold_id)


def held_event_ids(session: Session) -> set[int]:
    return set(session.scalars(select(LegalHold.event_id).where(LegalHold.lifted_at.is_(None))))


def protocols(session: Session, entity: str | None = None) -> list[CullingProtocol]:
    query = select(CullingProtocol).order_by(CullingProtocol.id)
    if entity is not None:
        query = query.where(CullingProtocol.entity == entity)
    return list(session.scalars(query))


# --- retention: what culling reads ------------------------------------------------------------------------

def closed_events(session: Session) -> Iterable[Event]:
    """Every closed event with its area cases, oldest first."""
    query = select(Event).where(Event.status == CaseStatus.CLOSED).options(selectinload(Event.area_cases))
    return session.scalars(query.order_by(Event.id))


def log_chains(session: Session, model: type[AuditEntry] | type[ReadLogEntry]) -> set[str]:
    """The legal entities whose chain the log has rows in."""
    return {e for e in session.scalars(select(model.chain).distinct()) if e}


def unculled_log_rows(session: Session, model: type[AuditEntry] | type[ReadLogEntry], entity: str,
                      before: datetime) -> list[AuditEntry | ReadLogEntry]:
    """Rows of the entity's chain written before `before` and not culled yet, in id order."""
    return log_rows(session.scalars(select(model).where(
        model.chain == entity, model.culled_by.is_(None), model.at <= before).order_by(model.id)))


def event_tasks(session: Session, event_id: int) -> Iterable[TaskRow]:
    return session.scalars(select(TaskRow).where(TaskRow.event_id == event_id))


def event_decisions(session: Session, event_id: int) -> Iterable[Decision]:
    return session.scalars(select(Decision).where(Decision.event_id == event_id))


def event_actions(session: Session, event_id: int) -> Iterable[Action]:
    return session.scalars(select(Action).where(Action.events.any(Event.id == event_id)))
