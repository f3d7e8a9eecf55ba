"""Retention: what is due for culling (gallring) under the schedule in the newest release (processes/retention.yaml),
and culling it with a protocol.

Record classes and what culling does to each:
- an area's class (area.yaml `retention_class`): an event is due when it is closed and, for every class among its
  area cases, that class's period has passed since the last case closed. Culling empties the report, the case
  data and workflow state, the decisions' motivations and the tasks' notes; the number, dates, areas and statuses
  stay (status "culled", Gallrad), so statistics and the log still add up.
- `bilagor` (attachments): due when their event has been closed for the period; the bytes are deleted from the
  store (unless another live attachment has the same content), the row stays with its hash.
- `andringslogg` / `lasloggar` (change and read log): a row is due when its time is older than the period (at
  least five years). Culling empties who and what (actor, values, purpose) but keeps the row with its digest and
  hash, so the chain still verifies (engine/store/chain.py).

Nothing of an event under a legal hold is culled (its log rows included). Every culled class × legal entity gets
a culling protocol (gallringsprotokoll) naming each record by id and content hash, and the protocol is itself
written to the change log, in the entity's chain.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from collections.abc import Iterable

from engine import facts
from engine.context import Context
from engine.definitions.retention import (ATTACHMENTS, CHANGE_LOG, READ_LOG, RETENTION_FILE, Rule, Schedule,
                                          parse_schedule)
from engine.records.settings import RecordsSettings
from engine.rules.legal_entity import legal_entity
from engine.store import audit as audit_store
from engine.store import records as records_store
from engine.store.models import (AreaCase, Attachment, AuditEntry, CullingProtocol, Event,
                                 ReadLogEntry)
from engine.rules.access import CaseStatus

__all__ = ["CULLED_TITLE", "plan", "run"]

CULLED_TITLE = "Gallrad händelse"


@dataclass
class _Due:
    record_class: str
    entity: str
    rule: Rule
    items: list[Any]  # events, attachments or log rows
    held: int = 0


def _years_before(moment: datetime, years: int) -> datetime:
    try:
        return moment.replace(year=moment.year - years)
    except ValueError:  # 29 February
        return moment.replace(year=moment.year - years, day=28)


def _schedule(ctx: Context) -> tuple[str, Schedule]:
    record, release = ctx.current_release()
    return record.hash, parse_schedule(release.files.get(RETENTION_FILE))


def _case_class(ctx: Context, case: AreaCase) -> str | None:
    _, release = ctx.release_by_id(case.release_id)
    definition = release.variants.get((case.area, case.variant)) or release.areas.get(case.area)
    return definition.area.retention_class if definition else None


def _closed_events(ctx: Context) -> Iterable[Event]:
    return records_store.closed_events(ctx.session)


def _last_closed(event: Event) -> datetime | None:
    closed = [c.closed_at for c in event.area_cases if c.status == CaseStatus.CLOSED and c.closed_at]
    live = [c for c in event.area_cases if c.status not in (CaseStatus.CLOSED, CaseStatus.REMOVED)]
    return None if live or not closed else max(closed)


def _due(ctx: Context, schedule: Schedule, now: datetime) -> list[_Due]:
    held = records_store.held_event_ids(ctx.session)
    groups: dict[tuple[str, str], _Due] = {}

    def group(record_class: str, entity: str, rule: Rule) -> _Due:
        return groups.setdefault((record_class, entity), _Due(record_class, entity, rule, []))

    for event in _closed_events(ctx):
        entity, closed = legal_entity(event.unit_path), _last_closed(event)
        if closed is None:
            continue
        kept = (case for case in event.area_cases if case.status != CaseStatus.REMOVED)
        classes = {c for c in (_case_class(ctx, case) for case in kept) if c}
        rules = {c: schedule.rule(c, entity) for c in classes}
        if rules and all(r.culls and closed <= _years_before(now, r.years or 0) for r in rules.values()):
            governing = max(rules, key=lambda c: rules[c].years or 0)  # the longest period decides
            due = group(governing, entity, rules[governing])
            if event.id in held:
                due.held += 1
            else:
                due.items.append(event)
        rule = schedule.rule(ATTACHMENTS, entity)
        if rule.culls and closed <= _years_before(now, rule.years or 0):
            files = records_store.attachments_for_event(ctx.session, event.id)
            due = group(ATTACHMENTS, entity, rule)
            if event.id in held:
                due.held += len(files)
            else:
                due.items.extend(files)
    for record_class, model in ((CHANGE_LOG, AuditEntry), (READ_LOG, ReadLogEntry)):
        for entity in records_store.log_chains(ctx.session, model):
            rule = schedule.rule(record_class, entity)
            if not rule.culls:
                continue
            rows = records_store.unculled_log_rows(ctx.session, model, entity, _years_before(now, rule.years or 0))
            due = group(record_class, entity, rule)
            for row in rows:
                if row.event_id in held:
                    due.held += 1
                else:
                    due.items.append(row)
    return [d for d in groups.values() if d.items or d.held]


def _identifier(item: Any) -> str:
    return item.number if isinstance(item, Event) else str(item.id)


def _content_hash(item: Any) -> str:
    if isinstance(item, Attachment):
        return item.sha256
    if isinstance(item, (AuditEntry, ReadLogEntry)):
        return item.digest or ""
    content = {"number": item.number, "title": item.title, "data": item.data,
               "cases": {c.area: c.data for c in item.area_cases}}
    return hashlib.sha256(json.dumps(content, sort_keys=True, ensure_ascii=False, default=str)
                          .encode("utf-8")).hexdigest()


def _reason(due: _Due) -> str:
    return f"Gallras efter {due.rule.years} år enligt {due.rule.decision}."


def plan(ctx: Context) -> dict[str, Any]:
    release, schedule = _schedule(ctx)
    now = ctx.clock()
    return {
        "as_of": now.isoformat(),
        "release": release,
        "classes": [
            {"record_class": d.record_class, "entity": d.entity, "years": d.rule.years, "decision": d.rule.decision,
             "due": len(d.items), "held": d.held, "reason": _reason(d),
             "items": [{"id": _identifier(i), "sha256": _content_hash(i)} for i in d.items]}
            for d in sorted(_due(ctx, schedule, now), key=lambda d: (d.entity, d.record_class))
        ],
    }


def _cull_event(ctx: Context, event: Event) -> None:
    event.title, event.data, event.has_patient_data, event.status = CULLED_TITLE, {}, False, CaseStatus.CULLED
    event.public_secret_hash = None
    for case in event.area_cases:
        case.data, case.state = {}, {}
        if case.status != CaseStatus.REMOVED:
            case.status = CaseStatus.CULLED
    for task in records_store.event_tasks(ctx.session, event.id):
        task.event_title, task.note = CULLED_TITLE, None
    for decision in records_store.event_decisions(ctx.session, event.id):
        decision.motivation = None
    for action in records_store.event_actions(ctx.session, event.id):
        # no live event still needs it
        if all(e.status == CaseStatus.CULLED or e.id == event.id for e in action.events):
            action.description = action.expected_effect = action.effect_note = action.motivation = None
    facts.refresh(ctx, events=[event.id])


def _cull(ctx: Context, records: RecordsSettings, item: Any, protocol: CullingProtocol) -> None:
    if isinstance(item, Event):
        _cull_event(ctx, item)
    elif isinstance(item, Attachment):
        item.culled_by = protocol.id
        ctx.session.flush()
        if not records_store.blob_still_used(ctx.session, item.sha256):
            records.store.delete(item.sha256)
    elif isinstance(item, AuditEntry):
        item.culled_by, item.actor_id, item.event_title, item.before, item.after = protocol.id, None, None, None, None
    elif isinstance(item, ReadLogEntry):
        item.culled_by, item.actor_id, item.purpose = protocol.id, None, "gallrad"


def run(ctx: Context, records: RecordsSettings, actor_id: str, execute: bool) -> dict[str, Any]:
    """Dry run (the default): the plan. Execute: cull it, one protocol per class and legal entity."""
    result = plan(ctx)
    result["executed"] = execute
    if not execute:
        return result
    release, schedule = _schedule(ctx)
    now = ctx.clock()
    protocols = []
    for due in sorted(_due(ctx, schedule, now), key=lambda d: (d.entity, d.record_class)):
        if not due.items:
            continue
        items = [{"id": _identifier(i), "sha256": _content_hash(i)} for i in due.items]
        protocol = CullingProtocol(at=now, actor_id=actor_id, entity=due.entity, record_class=due.record_class,
                                   decision=due.rule.decision, release=release, count=len(items), items=items)
        records_store.add(ctx.session, protocol)
        for item in due.items:
            _cull(ctx, records, item, protocol)
        listed = hashlib.sha256(json.dumps(items, sort_keys=True).encode()).hexdigest()
        audit_store.record_change(
            ctx.session, actor_id=actor_id, entity="culling_protocol", entity_id=protocol.id, operation="cull",
            unit_path=f"/{due.entity}/", after={"record_class": due.record_class, "entity": due.entity,
                                               "count": len(items), "decision": due.rule.decision,
                                               "release": release, "items_sha256": listed},
        )
        protocols.append(protocol_view(protocol))
    result["protocols"] = protocols
    return result


def protocol_view(protocol: CullingProtocol) -> dict[str, Any]:
    return {"id": protocol.id, "at": protocol.at.isoformat(), "actor_id": protocol.actor_id,
            "entity": protocol.entity, "record_class": protocol.record_class, "decision": protocol.decision,
            "release": protocol.release, "count": protocol.count, "items": protocol.items}

