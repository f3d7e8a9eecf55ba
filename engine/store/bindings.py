"""Bindings and overlays along a unit's ancestry."""

from __future__ import annotations

from typing import Any, Sequence

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from engine.store.models import Binding, Overlay

__all__ = ["active_release_ids", "bindings_for", "put_binding", "delete_binding", "overlays_for", "put_overlay", "delete_overlay"]


def active_release_ids(session: Session, area: str | None = None) -> list[int]:
    """The releases some unit is bound to (for `area`, or for anything), oldest first: what runs anywhere."""
    query = select(Binding.release_id).distinct().order_by(Binding.release_id)
    return list(session.scalars(query.where(Binding.area == area) if area is not None else query))


def bindings_for(session: Session, unit_ids: Sequence[str], area: str | None = None) -> list[Binding]:
    query = select(Binding).where(Binding.unit_id.in_(unit_ids))
    if area is not None:
        query = query.where(Binding.area == area)
    return list(session.scalars(query))


def put_binding(session: Session, unit_id: str, area: str, release_id: int, variant: str, by: str) -> Binding:
    binding = session.get(Binding, (unit_id, area))
    if binding is None:
        binding = Binding(unit_id=unit_id, area=area)
        session.add(binding)
    binding.release_id, binding.variant, binding.created_by = release_id, variant, by
    session.flush()
    return binding


def delete_binding(session: Session, unit_id: str, area: str) -> bool:
    return bool(session.execute(delete(Binding).where(Binding.unit_id == unit_id, Binding.area == area)).rowcount)


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
        session.execute(
            delete(Overlay).where(Overlay.unit_id == unit_id, Overlay.area == area, Overlay.key == key)
        ).rowcount
    )
