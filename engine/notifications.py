"""Who learns of what: the notifications a change writes into the outbox, in that change's own transaction.

Recipients are resolved when the change happens, one row per person, by the access rule (engine/access.py over
engine/rules/access.py), never by a copy of it:
- a task created (by a step or by an escalation timer) goes to whoever finds it in their worklist: its lane role
  on its unit or an ancestor (`roles_at`, as engine/tasks.py decides who may work it);
- a case moved to a unit goes to everyone with a role over that unit who may read the area case
  (`case_access(...).read`);
- an assignment to the assignee, an action to its owner, feedback to the reporter (not when anonymous).
Resolving at once makes the inbox a plain list per person and keeps a later grant from revealing earlier cases.

Each text is Swedish and carries the event's number and title as the subject line and a link to its page. It holds
no case data: only the number, the title (anything shaped like a personnummer scrubbed, since the reporter types
the title freely), and names from the definitions.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any, Iterable

from engine.access import case_access, grants_of, people_over
from engine.context import Context
from engine.definitions.areas import Area
from engine.rules.access import roles_at
from engine.store import actions as action_store
from engine.store import outbox as outbox_store
from engine.store.models import Action, AreaCase, Event, Notification, TaskRow

__all__ = [
    "KINDS",
    "MANDATORY",
    "ACTION_DUE_SOON",
    "tasks_created",
    "task_assigned",
    "action_assigned",
    "feedback_given",
    "case_moved",
    "action_deadlines",
]

# kind -> the headline a person reads first
KINDS = {
    "task_created": "Ny uppgift",
    "escalation": "Tidsfristen har passerat",
    "task_assigned": "En uppgift har tilldelats dig",
    "action_assigned": "Du är ansvarig för en åtgärd",
    "action_due": "En åtgärd ska vara klar snart",
    "action_overdue": "En åtgärd är försenad",
    "feedback_given": "Återkoppling på din rapport",
    "case_moved": "Ett ärende har flyttats till din enhet",
}
# Escalations carry SLA and legal deadlines (AML 3:3 a the same day, lex Maria): e-mail cannot be turned off.
MANDATORY = frozenset({"escalation"})
ACTION_DUE_SOON = timedelta(days=3)

# Personnummer and samordningsnummer, with or without century and separator (ÅÅÅÅMMDD-NNNN, ÅÅMMDDNNNN, ...).
_IDENTIFIER = re.compile(r"(?<!\d)(?:\d{2})?\d{6}[-+ ]?\d{4}(?!\d)")
_MASK = "[skyddat]"


@dataclass(frozen=True)
class _Message:
    kind: str
    event: Event | None
    number: str
    title: str
    lines: list[str]
    link: str


def _scrub(text: str) -> str:
    return _IDENTIFIER.sub(_MASK, text)


def _write(ctx: Context, message: _Message, user_ids: Iterable[str], dedupe_key: str | None = None) -> None:
    subject = _scrub(f"{message.number} · {message.title}")[:300]
    body = _scrub("\n".join([KINDS[message.kind], "", *message.lines, "", f"Händelse: {subject}"]))
    outbox_store.add(ctx.session, [
        Notification(
            kind=message.kind, user_id=user_id, event_id=message.event.id if message.event else None,
            event_number=message.number, subject=subject, body=body, link=message.link, dedupe_key=dedupe_key,
            status=outbox_store.PENDING, attempts=0, next_attempt_at=ctx.clock(),
        )
        for user_id in sorted(set(user_ids))
    ])


def _task_people(ctx: Context, row: TaskRow) -> list[str]:
    """Everyone whose worklist shows the task: its role on its unit or above, or a deputy for such a person."""
    candidates = people_over(ctx, [row.unit_path], [row.role])
    return [u for u in candidates if row.role in roles_at(grants_of(ctx, u), row.unit_path)]


def tasks_created(ctx: Context, event: Event, area: Area, rows: list[TaskRow], fired: bool) -> None:
    """New open tasks of a step; `fired`: a BPMN timer made the step (an escalation or SLA deadline)."""
    for row in rows:
        lines = [f"Uppgift: {row.name}", f"Område: {area.name}", f"Din roll: {area.roles.get(row.role, row.role)}"]
        if fired:
            lines.insert(0, "Ett steg blev inte klart i tid, så ärendet har gått vidare.")
        if row.due_at is not None:
            lines.append(f"Ska vara klar: {row.due_at:%Y-%m-%d %H:%M} (UTC)")
        message = _Message("escalation" if fired else "task_created", event, event.number, event.title, lines,
                           f"/uppgifter/{row.id}")
        _write(ctx, message, _task_people(ctx, row))


def task_assigned(ctx: Context, event: Event, row: TaskRow, actor_id: str) -> None:
    if row.assignee_id is None or row.assignee_id == actor_id:
        return
    lines = [f"Uppgift: {row.name}", f"Tilldelad av: {actor_id}"]
    _write(ctx, _Message("task_assigned", event, event.number, event.title, lines, f"/uppgifter/{row.id}"),
           [row.assignee_id])


def _action_message(kind: str, action: Action, extra: list[str]) -> _Message:
    first = action.events[0] if action.events else None
    return _Message(kind, first, first.number if first else f"Åtgärd {action.id}", first.title if first else "",
                    [f"Åtgärd: {action.title}", *extra], f"/atgarder/{action.id}")


def action_assigned(ctx: Context, action: Action, actor_id: str) -> None:
    if action.owner_id is None or action.owner_id == actor_id:
        return
    due = [f"Ska vara klar: {action.due_date.isoformat()}"] if action.due_date else []
    _write(ctx, _action_message("action_assigned", action, due), [action.owner_id])


def action_deadlines(ctx: Context, today: date) -> int:
    """Tell owners of open actions due within ACTION_DUE_SOON, and again once overdue; once each per due date
    (the dedupe key), however many workers scan. Returns how many notifications were written."""
    written = 0
    for action in action_store.open_actions_due_by(ctx.session, today + ACTION_DUE_SOON):
        assert action.due_date is not None and action.owner_id is not None  # the query's conditions
        kind = "action_overdue" if action.due_date < today else "action_due"
        key = f"{kind}:{action.id}:{action.due_date.isoformat()}"
        if outbox_store.has_key(ctx.session, key):
            continue
        _write(ctx, _action_message(kind, action, [f"Ska vara klar: {action.due_date.isoformat()}"]),
               [action.owner_id], dedupe_key=key)
        written += 1
    return written


def feedback_given(ctx: Context, case: AreaCase, before: dict[str, Any]) -> None:
    """The reporter learns that feedback was given (not what it says: they read it on the event's page)."""
    event = case.event
    if event.reporter_id is None or event.anonymous or not _feedback(case.data) or _feedback(before):
        return
    lines = ["Du har fått återkoppling på händelsen du rapporterade. Läs den i avvik."]
    _write(ctx, _Message("feedback_given", event, event.number, event.title, lines, f"/handelser/{event.number}"),
           [event.reporter_id])


def _feedback(data: dict[str, Any]) -> bool:
    feedback = data.get("aterkoppling")
    return isinstance(feedback, dict) and feedback.get("status") == "given"


def case_moved(ctx: Context, case: AreaCase, unit_name: str) -> None:
    """After an area case moved to another unit (engine/moves.py): everyone with a role over that unit who may
    read the case learns of it (those reading it through the event's own unit knew it already)."""
    event = case.event
    candidates = people_over(ctx, [case.unit_path], None)
    readers = [u for u in candidates if case_access(ctx, grants_of(ctx, u), case).read]
    _, release = ctx.release_by_id(case.release_id)
    lines = [f"Område: {release.variants[(case.area, case.variant)].area.name}", f"Ansvarig enhet: {unit_name}"]
    _write(ctx, _Message("case_moved", event, event.number, event.title, lines, f"/handelser/{event.number}"),
           readers)
