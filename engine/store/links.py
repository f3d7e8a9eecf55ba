"""Links between events, read from either side."""

from __future__ import annotations

from sqlalchemy import or_, select
from sqlalchemy.orm import Session, selectinload

from engine.store.models import EventLink

__all__ = ["add_link", "find_link", "links_of"]


def add_link(session: Session, link: EventLink) -> EventLink:
    session.add(link)
    session.flush()
    return link


def find_link(session: Session, source_id: int, target_id: int, link_type: str) -> EventLink | None:
    return session.scalar(select(EventLink).where(
        EventLink.source_id == source_id, EventLink.target_id == target_id, EventLink.type == link_type))


def links_of(session: Session, event_id: int) -> list[EventLink]:
    """Links from or to the event, oldest first, with both events loaded."""
    query = select(EventLink).where(or_(EventLink.source_id == event_id, EventLink.target_id == event_id))
    options = (selectinload(EventLink.source), selectinload(EventLink.target))
    return list(session.scalars(query.options(*options).order_by(EventLink.id)))
