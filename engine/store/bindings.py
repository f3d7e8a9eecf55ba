"""Bindings and overlays along a unit's ancestry."""

from __future__ import annotations

from typing import Any, cast
from collections.abc import Sequence

from sqlalchemy import Table, bindparam, delete, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from engine.store.models import Binding, Overlay
from engine.store.types import rowcount

# Core statements on the mapped table (a declarative class's __table__ is typed as its base, FromClause)
_BINDINGS = cast(Table, Binding.__table__)

__all__ = [
    "active_release_ids", "bindings_for", "get_binding", "swap_binding", "delete_binding", "overlays_for",
    "put_overlay", "delete_overlay",
]


# built once: every step's statistics facts ask for the active releases
_ACTIVE = select(Binding.release_id).distinct().order_by(Binding.release_id)
_ACTIVE_IN_AREA = _ACTIVE.where(Binding.area == bindparam("area", type_=Binding.area.type))


def active_release_ids(session: Session, area: str | None = None) -> list[int]:
    """The releases some unit is bound to (for `area`, or for anything), oldest first: what runs anywhere."""
    if area is None:
        return list(session.scalars(_ACTIVE))
    return list(session.scalars(_ACTIVE_IN_AREA, {"area": area}))


def bindings_for(session: Session, unit_ids: Sequence[str], area: str | None = None) -> list[Binding]:
    query = select(Binding).where(Binding.unit_id.in_(unit_ids))
    if area is not None:
        query = query.where(Binding.area == area)
    return list(session.scalars(query))


def get_binding(session: Session, unit_id: str, area: str) -> Binding | None:
    return session.get(Binding, (unit_id, area))


def swap_binding(
    session: Session, unit_id: str, area: str, expected: tuple[int, str] | None, release_id: int, variant: str,
    by: str,
) -> bool:
    """Compare-and-set of the unit's own binding: insert it if there was none (`expected` None), else change it
    only if it still is the (release_id, variant) read. Of concurrent changes from one state exactly one matches;
    the others change nothing. True if this one won."""
    if expected is None:
        insert = pg_insert if session.get_bind().dialect.name == "postgresql" else sqlite_insert
        statement: Any = insert(_BINDINGS).values(
            unit_id=unit_id, area=area, release_id=release_id, variant=variant, created_by=by
        ).on_conflict_do_nothing(index_elements=["unit_id", "area"])
    else:
        statement = update(_BINDINGS).where(
            Binding.unit_id == unit_id, Binding.area == area,
            Binding.release_id == expected[0], Binding.variant == expected[1],
        ).values(release_id=release_id, variant=variant, created_by=by)
    won = session.execute(statement.returning(_BINDINGS.c.unit_id)).first() is not None
    session.expire_all()  # the ORM's copy of the row, if any, is older than the statement
    return won


def delete_binding(session: Session, unit_id: str, area: str) -> bool:
    return bool(rowcount(session.execute(delete(Binding).where(Binding.unit_id == unit_id, Binding.area == area))))


def overlays_for(session: Session, unit_ids: Sequence[str], area: str | None = None) -> list[Overlay]:
    query = select(Overlay).where(Overlay.unit_id.in_(unit_ids))
    if area is not None:
        query = query.where(Overlay.area == area)
    return list(session.scalars(query))


def put_overlay(session: Session, unit_id: str, area: str, key: str, value: Any, by: str) -> None:
    overlay = session.get(Overlay, (unit_id, area, key))
    if overlay is None:
        overlay = Overlay(unit_id=unit_id, area=area, key=key)
        session.add(overlay)
    overlay.value, overlay.created_by = {"value": value}, by
    session.flush()


def delete_overlay(session: Session, unit_id: str, area: str, key: str) -> bool:
    return bool(
        rowcount(session.execute(
            delete(Overlay).where(Overlay.unit_id == unit_id, Overlay.area == area, Overlay.key == key)
        ))
    )
