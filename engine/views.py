"""Plain, JSON-native views of engine objects, built inside the transaction so callers never touch the ORM.

Protected fields (patient identifiers) appear only in views that log the read; lists never carry case data.
"""

from __future__ import annotations

from typing import Any
from collections.abc import Iterable

from engine.cases import CASE_STATUS_LABELS, EVENT_STATUS_LABELS
from engine.rules.lifecycle import EFFECT_LABELS
from engine.rules.lifecycle import STATUS_LABELS as ACTION_STATUS_LABELS
from engine.store.models import Action, AreaCase, AuditEntry, Decision, Event, Notification, ReadLogEntry
from engine.store.tasks import TaskFields

__all__ = [
    "event_summary",
    "case_view",
    "task_view",
    "action_view",
    "decision_view",
    "audit_view",
    "read_view",
    "notification_view",
    "delivery_view",
]


def _iso(value: Any) -> str | None:
    return value.isoformat() if value is not None else None


def event_summary(event: Event, area_names: dict[str, str]) -> dict[str, Any]:
    return {
        "number": event.number,
        "title": event.title,
        "kind": event.kind,
        "status": event.status,
        "status_label": EVENT_STATUS_LABELS.get(event.status, event.status),
        "unit_id": event.unit_id,
        "created_at": _iso(event.created_at),
        "areas": [case_view(case, area_names, None) for case in event.area_cases],
    }


def case_view(case: AreaCase, area_names: dict[str, str], release_hash: str | None) -> dict[str, Any]:
    view = {
        "id": case.id,
        "area": case.area,
        "area_name": area_names.get(case.area, case.area),
        "status": case.status,
        "status_label": CASE_STATUS_LABELS.get(case.status, case.status),
        "unit_id": case.unit_id,
        "version": case.version,
        "closed_at": _iso(case.closed_at),
    }
    if release_hash is not None:
        view["release"] = release_hash
    return view


def task_view(task: TaskFields) -> dict[str, Any]:
    """Of a mapped task or a plain row of the tasks table (a worklist page)."""
    return {
        "id": task.id,
        "name": task.name,
        "spec_name": task.spec_name,
        "event_number": task.event_number,
        "event_title": task.event_title,
        "area": task.area,
        "area_case_id": task.area_case_id,
        "role": task.role,
        "unit_id": task.unit_id,
        "due_at": _iso(task.due_at),
        "assignee": task.assignee_id,
        "created_at": _iso(task.created_at),
        "ended_at": _iso(task.ended_at),
        "outcome": task.outcome,
        "ended_by": task.ended_by,
        "note": task.note,
    }


def action_view(action: Action) -> dict[str, Any]:
    return {
        "id": action.id,
        "title": action.title,
        "type": action.type,
        "description": action.description,
        "expected_effect": action.expected_effect,
        "owner": action.owner_id,
        "due_date": _iso(action.due_date),
        "status": action.status,
        "status_label": ACTION_STATUS_LABELS.get(action.status, action.status),
        "motivation": action.motivation,
        "version": action.version,
        "events": [{"number": e.number, "title": e.title} for e in action.events],
        "areas": [{"event_number": c.event.number, "area": c.area, "status": c.status} for c in action.cases],
        "effect": {"result": action.effect_result, "result_label": EFFECT_LABELS.get(action.effect_result, ""),
                   "note": action.effect_note} if action.effect_result else None,
        "follow_up_of": action.follow_up_of,
    }


def decision_view(decision: Decision) -> dict[str, Any]:
    return {
        "id": decision.id,
        "area_case_id": decision.area_case_id,
        "kind": decision.kind,
        "value": decision.value,
        "reference": decision.reference,
        "motivation": decision.motivation,
        "decided_by": decision.decided_by,
        "decided_at": _iso(decision.decided_at),
    }


def audit_view(entries: Iterable[AuditEntry]) -> list[dict[str, Any]]:
    return [
        {
            "at": _iso(e.at),
            "actor": e.actor_id,
            "on_behalf_of": e.on_behalf_of,
            "entity": e.entity,
            "entity_id": e.entity_id,
            "operation": e.operation,
            "event_number": e.event_number,
            "event_title": e.event_title,
            "before": e.before,
            "after": e.after,
        }
        for e in entries
    ]


def read_view(entries: Iterable[ReadLogEntry]) -> list[dict[str, Any]]:
    return [
        {"at": _iso(e.at), "actor": e.actor_id, "event_number": e.event_number, "purpose": e.purpose} for e in entries
    ]


def notification_view(row: Notification) -> dict[str, Any]:
    return {
        "id": row.id,
        "kind": row.kind,
        "event_number": row.event_number,
        "subject": row.subject,
        "body": row.body,
        "link": row.link,
        "created_at": _iso(row.created_at),
        "read_at": _iso(row.read_at),
    }


def delivery_view(row: Notification) -> dict[str, Any]:
    """A notification with its delivery state, for the operator."""
    return {
        **notification_view(row),
        "user_id": row.user_id,
        "status": row.status,
        "digest_on": _iso(row.digest_on),
        "attempts": row.attempts,
        "next_attempt_at": _iso(row.next_attempt_at),
        "sent_at": _iso(row.sent_at),
        "last_error": row.last_error,
    }
