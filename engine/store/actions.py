"""Actions (åtgärder), their links to events and to the area cases they belong to."""

from __future__ import annotations

from datetime import date
from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from engine.rules.lifecycle import TERMINAL_STATUSES
from engine.store.models import Action, ActionCase, ActionEvent, AreaCase

__all__ = ["add_action", "action_by_id", "actions_for_event", "actions_for_case", "origins_for_case",
           "actions_owned_by", "open_actions_due_by", "actions_for_cases"]

_LOADED = (selectinload(Action.events), selectinload(Action.cases).selectinload(AreaCase.event))


def add_action(session: Session, action: Action, event_ids: list[int], case_ids: list[int]) -> Action:
    session.add(action)
    session.flush()
    session.add_all(ActionEvent(action_id=action.id, event_id=event_id) for event_id in event_ids)
    session.add_all(ActionCase(action_id=action.id, area_case_id=case_id) for case_id in case_ids)
    session.flush()
    return action


def action_by_id(session: Session, action_id: int) -> Action | None:
    return session.scalar(select(Action).where(Action.id == action_id).options(*_LOADED))


def actions_for_event(session: Session, event_id: int) -> list[Action]:
    return list(
        session.scalars(
            select(Action).join(ActionEvent).where(ActionEvent.event_id == event_id).options(*_LOADED).order_by(
                Action.id
            )
        )
    )


def actions_for_case(session: Session, case_id: int) -> list[Action]:
    """The actions that belong to one area case: the ones its closure waits for."""
    return list(
        session.scalars(
            select(Action).join(ActionCase).where(ActionCase.area_case_id == case_id).order_by(Action.id)
        )
    )


def origins_for_case(session: Session, case_id: int) -> set[str]:
    """Where the case's generated actions came from (plan items already tracked as actions)."""
    return set(
        session.scalars(
            select(Action.origin).join(ActionCase).where(ActionCase.area_case_id == case_id,
                                                         Action.origin.is_not(None))
        )
    )


def actions_owned_by(session: Session, user_id: str) -> list[Action]:
    return list(
        session.scalars(
            select(Action).where(Action.owner_id == user_id).options(*_LOADED).order_by(Action.id)
        )
    )


def open_actions_due_by(session: Session, day: date) -> list[Action]:
    """Open actions with an owner due on or before `day`, for the deadline notifications."""
    return list(session.scalars(
        select(Action).where(
            Action.due_date <= day, Action.owner_id.is_not(None), Action.status.not_in(sorted(TERMINAL_STATUSES))
        ).options(selectinload(Action.events)).order_by(Action.id)
    ))


def actions_for_cases(session: Session, case_ids: Sequence[int]) -> list[Action]:
    """Every action holding up one of the cases, each once (the annual figures)."""
    if not case_ids:
        return []
    return list(session.scalars(
        select(Action).where(Action.id.in_(select(ActionCase.action_id).where(ActionCase.area_case_id.in_(case_ids))))
        .options(*_LOADED).order_by(Action.id)
    ))
