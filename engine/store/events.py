"""Events (avvikelser): numbering, lookup and filtered, paginated lists."""

from __future__ import annotations

from datetime import datetime
from collections.abc import Sequence

from sqlalchemy import ColumnElement, exists, func, or_, select, update
from sqlalchemy.orm import Session, selectinload
from sqlalchemy.orm.attributes import set_committed_value

from engine.store.models import AreaCase, Event
from engine.rules.access import CaseStatus

__all__ = ["COUNT_CAP", "add_event", "event_by_number", "event_by_receipt", "event_by_id", "retitle",
           "list_events"]

COUNT_CAP = 1_000


def add_event(session: Session, event: Event) -> Event:
    session.add(event)
    session.flush()
    set_committed_value(event, "area_cases", [])  # a new event has no cases yet: the roll-up need not ask
    return event


def event_by_number(session: Session, number: str) -> Event | None:
    return session.scalar(
        select(Event).where(Event.number == number).options(selectinload(Event.area_cases))
    )


def event_by_receipt(session: Session, receipt: str) -> Event | None:
    return session.scalar(
        select(Event).where(Event.public_receipt == receipt).options(selectinload(Event.area_cases))
    )


def event_by_id(session: Session, event_id: int) -> Event | None:
    return session.get(Event, event_id)


def retitle(session: Session, event: Event, previous: str, title: str) -> bool:
    """Compare-and-set the title: False when it is no longer `previous` (someone renamed it meanwhile). The
    condition sits in the UPDATE, so two concurrent renames cannot both see the old title and both succeed."""
    result = session.execute(update(Event).where(Event.id == event.id, Event.title == previous).values(title=title))
    return bool(result.rowcount)  # type: ignore[attr-defined]


def _escape_like(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def list_events(
    session: Session,
    *,
    visible: Sequence[tuple[str, Sequence[str]]],
    reporter_id: str | None,
    unit_path: str | None,
    area: str | None,
    status: str | None,
    text: str | None,
    limit: int,
    offset: int,
) -> tuple[list[Event], int]:
    """Events the caller may see, newest first, with the total (counted up to COUNT_CAP: an exact count of a whole
    region's history costs more than the page itself). `visible` is (unit path, areas) per grant: an event is in
    if it has a live case of one of those areas that happened or is handled under that path; or if the caller
    reported it.

    The newest-first scan walks the primary key backwards and stops after a page; every condition is checked per
    row with an index lookup at most, never by building the set of all visible events first."""
    scope: list[ColumnElement[bool]] = [
        exists().where(
            AreaCase.event_id == Event.id,
            AreaCase.area.in_(areas),
            AreaCase.status != CaseStatus.REMOVED,
            or_(Event.unit_path.between(path, path + "\uffff"), AreaCase.unit_path.between(path, path + "\uffff")),
        )
        for path, areas in visible
    ]
    if reporter_id is not None:
        scope.append(Event.reporter_id == reporter_id)
    if not scope:
        return [], 0
    query = select(Event).where(or_(*scope))
    if unit_path:
        query = query.where(Event.unit_path.between(unit_path, unit_path + "\uffff"))
    if status:
        query = query.where(Event.status == status)
    if area:
        query = query.where(exists().where(AreaCase.event_id == Event.id, AreaCase.area == area))
    if text:
        pattern = f"%{_escape_like(text.lower())}%"
        query = query.where(or_(func.lower(Event.title).like(pattern, escape="\\"), Event.number == text.upper()))
    capped = query.with_only_columns(Event.id).limit(COUNT_CAP + 1).subquery()
    total = session.scalar(select(func.count()).select_from(capped)) or 0
    rows = session.scalars(
        query.options(selectinload(Event.area_cases)).order_by(Event.id.desc()).limit(limit).offset(offset)
    )
    return list(rows), total


def events_reported_under(session: Session, unit_path: str, start: datetime, end: datetime) -> list[Event]:
    """Events at `unit_path` or below reported in [start, end), with their area cases (the annual figures)."""
    return list(session.scalars(
        select(Event).where(Event.unit_path.startswith(unit_path, autoescape=True), Event.created_at >= start,
                            Event.created_at < end).options(selectinload(Event.area_cases)).order_by(Event.id)
    ))
