"""Actions (åtgärder) and their links to events."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from engine.rules.lifecycle import TERMINAL_STATUSES
from engine.store.models import Action, ActionEvent

__all__ = ["add_action", "action_by_id", "actions_for_event", "action_statuses_for_event", "actions_owned_by",
           "open_actions_due_by"]


def add_action(session: Session, action: Action, event_ids: list[int]) -> Action:
    session.add(action)
    session.flush()
    session.add_all(ActionEvent(action_id=action.id, event_id=event_id) for event_id in event_ids)
    session.flush()
    return action


def action_by_id(session: Session, action_id: int) -> Action | None:
    return session.scalar(select(Action).where(Action.id == action_id).options(selectinload(Action.events)))


def actions_for_event(session: Session, event_id: int) -> list[Action]:
    return list(
        session.scalars(
            select(Action).join(ActionEvent).where(ActionEvent.event_id == event_id).options(
                selectinload(Action.events)
            ).order_by(Action.id)
        )
    )


def action_statuses_for_event(session: Session, event_id: int) -> list[str]:
    return list(session.scalars(select(Action.status).join(ActionEvent).where(ActionEvent.event_id == event_id)))


def actions_owned_by(session: Session, user_id: str) -> list[Action]:
    return list(
        session.scalars(
            select(Action).where(Action.owner_id == user_id).options(selectinload(Action.events)).order_by(Action.id)
        )
    )


def open_actions_due_by(session: Session, day: date) -> list[Action]:
    """Open actions with an owner due on or before `day`, for the deadline notifications."""
    return list(session.scalars(
        select(Action).where(
            Action.due_date <= day, Action.owner_id.is_not(None), Action.status.not_in(sorted(TERMINAL_STATUSES))
        ).options(selectinload(Action.events)).order_by(Action.id)
    ))
