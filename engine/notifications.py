"""Who learns of what: the notifications a change writes into the outbox, in that change's own transaction.

Recipients are resolved when the change happens, one row per person, by the access rule (engine/access.py over
engine/rules/access.py), never by a copy of it:
- a task created (by a step or by an escalation timer) goes to whoever finds it in their worklist: its lane role
  on its unit or an ancestor (`roles_at`, as engine/tasks.py decides who may work it), and to the roles the
  area's notification rules add (processes/<area>/notifications.yaml), on the same unit or above;
- a case moved to a unit goes to everyone with a role over that unit who may read the area case
  (`case_access(...).read`);
- an assignment to the assignee, an action to its owner, feedback to the reporter (not when anonymous), a
  complaint's answer to the address the complainant gave on the public form.
Resolving at once makes the inbox a plain list per person and keeps a later grant from revealing earlier cases.

The text is rendered from the templates of the case's release (engine/definitions/notifications.py) and stored
with the row. It carries the event's number and title and a link to its page; no protected value: the case data
a template may read has every protected field masked, the validator refuses a template naming one, and every
text a template gets is scrubbed of anything shaped like a personnummer.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from datetime import date, datetime, time, timedelta, UTC
from typing import Any
from collections.abc import Iterable

from engine.access import case_access, grants_of, people_over, report_forms
from engine.context import Context
from engine.definitions.areas import Area
from engine.definitions.forms import MASKED
from engine.definitions.notifications import KINDS, MANDATORY, NotificationSet
from engine.rules.access import CaseStatus, roles_at
from engine.store import actions as action_store
from engine.store import outbox as outbox_store
from engine.store.models import Action, AreaCase, Event, TaskRow

__all__ = [
    "KINDS",
    "MANDATORY",
    "ACTION_DUE_SOON",
    "DIGEST_HOUR_UTC",
    "tasks_created",
    "task_assigned",
    "action_assigned",
    "feedback_given",
    "complaint_answered",
    "case_moved",
    "action_deadlines",
]

ACTION_DUE_SOON = timedelta(days=3)
DIGEST_HOUR_UTC = 6  # the daily digest goes out the first round after 06:00 UTC (07:00 or 08:00 in Sweden)

# Personnummer and samordningsnummer, with or without century and separator (ÅÅÅÅMMDD-NNNN, ÅÅMMDDNNNN, ...).
_IDENTIFIER = re.compile(r"(?<!\d)(?:\d{2})?\d{6}[-+ ]?\d{4}(?!\d)")


@dataclass(frozen=True)
class _Message:
    kind: str
    event: Event | None
    number: str
    title: str
    link: str
    variables: dict[str, Any]  # what the template reads besides typ, handelse, lank and mottagare
    templates: NotificationSet


def _scrub(value: Any) -> Any:
    """Every text in value with anything shaped like a personnummer masked: what a person typed freely (a title,
    an action's title, a free-text field) may hold one. The link is not scrubbed (a task id is a UUID)."""
    if isinstance(value, str):
        return _IDENTIFIER.sub(MASKED, value)
    if isinstance(value, dict):
        return {key: _scrub(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_scrub(item) for item in value]
    return value


def _digest_day(now: datetime) -> date:
    """The day whose digest a row written now goes out with: today's if it has not gone yet."""
    return now.date() if now.hour < DIGEST_HOUR_UTC else now.date() + timedelta(days=1)


def _write(ctx: Context, message: _Message, people: dict[str, tuple[str, str]], dedupe_key: str | None = None,
           known: dict[str, tuple[str, str | None]] | None = None) -> None:
    """One row per person; `people`: user id -> (template name, the rule's delivery: immediate or digest). The
    person's own choice for the kind wins over the rule's, except for a mandatory kind. `known`: each person's
    name and chosen delivery of the kind, when the caller has read them already."""
    if not people:
        return
    specs = set(people.values())
    if len(specs) == 1 and not message.templates.template(next(iter(specs))[0]).personal:
        template, rule_delivery = specs.pop()
        _write_once(ctx, message, template, rule_delivery, dedupe_key, user_ids=people)
        return
    if known is None:  # (name, chosen delivery) of each; the task kinds read them with the role holders
        known = outbox_store.recipients(ctx.session, people, message.kind)
    now = ctx.clock()
    rows = []
    for user_id in sorted(people):
        template, rule_delivery = people[user_id]
        name, chosen = known.get(user_id, (user_id, None))
        delivery = "immediate" if message.kind in MANDATORY else chosen or rule_delivery
        digest_on = _digest_day(now) if delivery == "digest" else None
        rendered = _render(ctx, message, template, name)
        rows.append(dict(
            kind=message.kind, user_id=user_id, event_id=message.event.id if message.event else None,
            event_number=message.number, subject=rendered[0], body=rendered[1], html=rendered[2],
            link=message.link, dedupe_key=dedupe_key, status=outbox_store.PENDING, attempts=0, digest_on=digest_on,
            next_attempt_at=datetime.combine(digest_on, time(DIGEST_HOUR_UTC), UTC) if digest_on else now,
        ))
    outbox_store.add(ctx.session, rows)


def _write_once(ctx: Context, message: _Message, template: str, rule_delivery: str, dedupe_key: str | None = None,
                *, user_ids: Iterable[str] = (), holders: tuple[str, list[str]] | None = None) -> None:
    """A template that does not name the recipient, rendered once and written for every recipient in one
    statement: `user_ids`, or the holders of roles over a unit (`holders`: unit path, roles; as `_role_holders`
    decides). Delivery as `_write` decides it, in SQL (outbox_store.add_for)."""
    now = ctx.clock()
    subject, text, html = _render(ctx, message, template, None)
    digest_on = _digest_day(now)
    outbox_store.add_for(
        ctx.session, dict(kind=message.kind, event_id=message.event.id if message.event else None,
                          event_number=message.number, subject=subject, body=text, html=html, link=message.link,
                          dedupe_key=dedupe_key),
        mandatory=message.kind in MANDATORY, rule_delivery=rule_delivery, now=now, digest_on=digest_on,
        digest_at=datetime.combine(digest_on, time(DIGEST_HOUR_UTC), UTC), user_ids=user_ids, holders=holders)


def _variables(ctx: Context, message: _Message, recipient: str | None) -> dict[str, Any]:
    return {
        **_scrub(message.variables),
        "typ": KINDS[message.kind],
        "handelse": {"nummer": message.number, "rubrik": _scrub(message.title)},
        "lank": f"{ctx.public_url}{message.link}",
        "mottagare": {"namn": recipient or ""},
    }


def _render(ctx: Context, message: _Message, template: str, recipient: str | None) -> tuple[str, str, str]:
    rendered = message.templates.template(template).render(_variables(ctx, message, recipient))
    return rendered.subject[:300], rendered.text, rendered.html


def _templates(ctx: Context, event: Event | None) -> NotificationSet:
    """The templates of the event's (first live) area case's release and area; the newest release's shared
    templates for something without one."""
    cases = [c for c in event.area_cases if c.status != CaseStatus.REMOVED] if event is not None else []
    if cases:
        _, release = ctx.release_by_id(cases[0].release_id)
        return release.notifications.get(cases[0].area) or release.notifications[""]
    return ctx.current_release()[1].notifications[""]


def _case_data(ctx: Context, case: AreaCase) -> dict[str, Any]:
    """The case data a template may read: every protected field of every form the area and the report use
    masked, whatever the templates say (the validator refuses them too)."""
    _, release = ctx.release_by_id(case.release_id)
    definition = release.variants[(case.area, case.variant)]
    data = case.data or {}
    forms = {t.form for t in definition.user_tasks.values() if t.form}
    for form in [release.forms.get(name, case.area) for name in sorted(forms)] + report_forms(release):
        data = form.mask_protected(data)
    return data


def _task_people(ctx: Context, row: TaskRow, kind: str) -> dict[str, tuple[str, str | None]]:
    """Everyone whose worklist shows the task: its role on its unit or above, or a deputy for such a person."""
    return _role_holders(ctx, row.unit_path, [row.role], kind)


def _role_holders(ctx: Context, unit_path: str, roles: Iterable[str], kind: str) -> dict[str, tuple[str, str | None]]:
    """Active holders of one of `roles` on the unit or above, as the access rule decides (`roles_at`), and the
    deputies in force holding it for them (a deputy works the task, so they hear of it too), with their name and
    chosen delivery of `kind`."""
    wanted = set(roles)
    holders = outbox_store.grants_over(ctx.session, unit_path, wanted, kind, ctx.clock())
    return {user: (name, delivery) for user, (grants, name, delivery) in holders.items()
            if wanted & roles_at(grants, unit_path)}


def tasks_created(ctx: Context, case: AreaCase, event: Event, area: Area, rows: list[TaskRow], fired: bool) -> None:
    """New open tasks of a step; `fired`: a BPMN timer made the step (an escalation or SLA deadline). The
    worklist's people get the kind's template; the area's rules add roles, with their own template."""
    kind = "escalation" if fired else "task_created"
    if not rows:
        return
    templates = _templates(ctx, event)
    specs = {row.spec_name for row in rows}
    # masking the case data costs a walk of every form: only when some rule may read it
    may_apply = any(rule.kind == kind and (not rule.tasks or rule.tasks & specs) for rule in templates.rules)
    data = _case_data(ctx, case) if may_apply else {}
    for row in rows:
        variables = {
            "uppgift": {"namn": row.name, "roll": area.roles.get(row.role, row.role),
                        "klar_senast": f"{row.due_at:%Y-%m-%d %H:%M}" if row.due_at is not None else ""},
            "omrade": {"namn": area.name},
            "arende": data,
        }
        message = _Message(kind, event, event.number, event.title, f"/uppgifter/{row.id}", variables, templates)
        shown = _variables(ctx, message, None) if may_apply else {}  # what a rule's condition reads
        applying = [rule for rule in templates.rules if rule.applies(kind, row.spec_name, shown)]
        if not applying and not templates.template(kind).personal:
            # the worklist's people alone, the same text for each: found and written in one statement
            _write_once(ctx, message, kind, "immediate", holders=(row.unit_path, [row.role]))
            continue
        known = _task_people(ctx, row, kind)
        workers = _plain(kind, known)
        informed: dict[str, tuple[str, str]] = {}  # by a rule, and not the task's own: they read the event
        for rule in applying:
            for user, person in _role_holders(ctx, row.unit_path, rule.roles, kind).items():
                known[user] = person
                if user in workers:
                    workers[user] = (rule.template or kind, rule.delivery)
                elif case_access(ctx, grants_of(ctx, user), case).read:
                    informed[user] = (rule.template or kind, rule.delivery)
        _write(ctx, message, workers, known=known)
        _write(ctx, replace(message, link=f"/handelser/{event.number}"), informed, known=known)


def task_assigned(ctx: Context, event: Event, row: TaskRow, actor_id: str) -> None:
    if row.assignee_id is None or row.assignee_id == actor_id:
        return
    actor = outbox_store.users_by_id(ctx.session, [actor_id]).get(actor_id)
    variables = {"uppgift": {"namn": row.name}, "tilldelad_av": {"namn": actor.name if actor else actor_id}}
    _write(ctx, _Message("task_assigned", event, event.number, event.title, f"/uppgifter/{row.id}", variables,
                         _templates(ctx, event)), _plain("task_assigned", [row.assignee_id]))


def _plain(kind: str, user_ids: Iterable[str]) -> dict[str, tuple[str, str]]:
    """Recipients of the kind's own template, delivered at once unless they chose otherwise."""
    return {user: (kind, "immediate") for user in user_ids}


def _action_message(ctx: Context, kind: str, action: Action) -> _Message:
    first = action.events[0] if action.events else None
    variables = {"atgard": {"titel": action.title,
                            "klart_datum": action.due_date.isoformat() if action.due_date else ""}}
    return _Message(kind, first, first.number if first else f"Åtgärd {action.id}", first.title if first else "",
                    f"/atgarder/{action.id}", variables, _templates(ctx, first))


def action_assigned(ctx: Context, action: Action, actor_id: str) -> None:
    if action.owner_id is None or action.owner_id == actor_id:
        return
    _write(ctx, _action_message(ctx, "action_assigned", action), _plain("action_assigned", [action.owner_id]))


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
        _write(ctx, _action_message(ctx, kind, action), _plain(kind, [action.owner_id]), dedupe_key=key)
        written += 1
    return written


def feedback_given(ctx: Context, case: AreaCase, before: dict[str, Any]) -> None:
    """The reporter learns that feedback was given (not what it says: they read it on the event's page)."""
    event = case.event
    if event.reporter_id is None or event.anonymous or not _feedback(case.data) or _feedback(before):
        return
    _write(ctx, _Message("feedback_given", event, event.number, event.title, f"/handelser/{event.number}", {},
                         _templates(ctx, event)), _plain("feedback_given", [event.reporter_id]))


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
    variables = {"omrade": {"namn": release.variants[(case.area, case.variant)].area.name},
                 "enhet": {"namn": unit_name}}
    _write(ctx, _Message("case_moved", event, event.number, event.title, f"/handelser/{event.number}", variables,
                         _templates(ctx, event)), _plain("case_moved", readers))


def complaint_answered(ctx: Context, case: AreaCase, before: dict[str, Any]) -> None:
    """A complainant who gave an address on the public form learns that the answer can be read: the mail names
    the receipt code and links to the follow page, where the secret they were shown once is still needed (the
    secret is never stored in clear, so never mailed). No user: the row carries the address, no inbox shows it."""
    event = case.event
    address = event.data.get("epost") if event.channel == "allmanhet" else None
    if not address or event.data.get("vill_ha_svar") is False or not _answered(case.data) or _answered(before):
        return
    message = _Message("complaint_answered", event, event.number, event.title, "/synpunkter/folj",
                       {"kvitto": event.public_receipt or ""}, _templates(ctx, event))
    subject, text, html = _render(ctx, message, "complaint_answered", None)
    outbox_store.add(ctx.session, [dict(
        kind="complaint_answered", user_id=None, address=str(address)[:320], event_id=event.id,
        event_number=event.number, subject=subject, body=text, html=html, link=message.link,
        status=outbox_store.PENDING, attempts=0, next_attempt_at=ctx.clock())])


def _answered(data: dict[str, Any]) -> bool:
    answer = data.get("svar")
    return isinstance(answer, dict) and answer.get("status") == "skickat"
