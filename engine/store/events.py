"""Events (avvikelser): numbering, lookup and filtered, paginated lists."""

from __future__ import annotations

from datetime import datetime
from typing import Sequence

from sqlalchemy import ColumnElement, Select, Subquery, exists, func, or_, select, union, update
from sqlalchemy.orm import Session, selectinload

from engine.store.models import AreaCase, Event

__all__ = ["COUNT_CAP", "add_event", "event_by_number", "event_by_receipt", "event_by_id", "retitle",
           "list_events"]

COUNT_CAP = 1_000


def add_event(session: Session, event: Event) -> Event:
    session.add(event)
    session.flush()
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

    Each way of being visible is its own branch — happened under a path, handled under a path, reported — taking
    only its newest `n` events, and the page (or the capped count) is taken from the union of those. No branch has
    an OR across tables, so each is planned on its own (a walk of an index that stops after n rows, or a lookup of
    a small subtree); one EXISTS inside an OR made PostgreSQL hash every visible case first at 100 000 events."""
    branches: list[Select[tuple[int]]] = []
    for path, areas in visible:
        live = (AreaCase.event_id == Event.id, AreaCase.area.in_(areas), AreaCase.status != "removed")
        branches.append(select(Event.id).where(_under(Event.unit_path, path), exists().where(*live)))
        branches.append(select(Event.id).where(exists().where(*live, _under(AreaCase.unit_path, path))))
    if reporter_id is not None:
        branches.append(select(Event.id).where(Event.reporter_id == reporter_id))
    if not branches:
        return [], 0
    narrow: list[ColumnElement[bool]] = []
    if unit_path:
        narrow.append(_under(Event.unit_path, unit_path))
    if status:
        narrow.append(Event.status == status)
    if area:
        narrow.append(exists().where(AreaCase.event_id == Event.id, AreaCase.area == area))
    if text:
        pattern = f"%{_escape_like(text.lower())}%"
        narrow.append(or_(func.lower(Event.title).like(pattern, escape="\\"), Event.number == text.upper()))

    def newest(n: int) -> Subquery:
        tops = [b.where(*narrow).order_by(Event.id.desc()).limit(n).subquery() for b in branches]
        return union(*[select(top.c.id) for top in tops]).subquery()

    total = session.scalar(select(func.count()).select_from(newest(COUNT_CAP + 1))) or 0
    page = newest(offset + limit)
    rows = session.scalars(
        select(Event).where(Event.id.in_(select(page.c.id))).options(selectinload(Event.area_cases))
        .order_by(Event.id.desc()).limit(limit).offset(offset)
    )
    return list(rows), total


def _under(column: ColumnElement[str], path: str) -> ColumnElement[bool]:
    return column.between(path, path + "\uffff")


def events_reported_under(session: Session, unit_path: str, start: datetime, end: datetime) -> list[Event]:
    """Events at `unit_path` or below reported in [start, end), with their area cases (the annual figures)."""
    return list(session.scalars(
        select(Event).where(Event.unit_path.startswith(unit_path, autoescape=True), Event.created_at >= start,
                            Event.created_at < end).options(selectinload(Event.area_cases)).order_by(Event.id)
    ))
