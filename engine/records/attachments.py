"""Attachments (bilagor) on an event, an area case, an action or a task.

Upload: the caller must be able to change what the file goes on (the same rule as changing it: engine/access.py,
the action's and the task's own rules); the size is checked against the configured limit, the type is read from
the bytes (engine/records/filetypes.py) and must be on the allow-list, the virus scanner must pass it, and the
bytes are stored under their SHA-256. The uploader classifies the file: allmän handling, innehåller
personuppgifter, or sekretess enligt OSL.

Download: whoever may read what the file is on may fetch an allmän file; a classified one only whoever sees the
protected fields of that case (CaseAccess.protected), and every such download is written to the read log.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import Any

from engine.access import CaseAccess, EventAccess, access_for, acting_as, event_access, grants_of
from engine.actions import action_for
from engine.context import Context
from engine.errors import EventClosed, Infected, InvalidInput, NotFound, PermissionDenied, TooLarge, Unavailable
from engine.records.filetypes import ALLOWED, allowed_labels, detect
from engine.records.scanning import ScanFailed
from engine.records.settings import RecordsSettings
from engine.records.storage import BlobMissing
from engine.rules.access import CaseStatus, roles_at
from engine.store import audit as audit_store
from engine.store import records as records_store
from engine.store import tasks as task_store
from engine.store.models import Action, AreaCase, Attachment, Event
from engine.tasks import task_for

__all__ = ["CLASSIFICATIONS", "CLASSIFIED", "Upload", "Download", "upload", "download", "attachments_view"]

CLASSIFICATIONS = {
    "allman": "Allmän handling",
    "personuppgifter": "Innehåller personuppgifter",
    "sekretess": "Sekretess enligt OSL",
}
CLASSIFIED = frozenset({"personuppgifter", "sekretess"})
TARGETS = ("event", "area_case", "action", "task")


@dataclass(frozen=True)
class Upload:
    filename: str
    data: bytes
    classification: str


@dataclass(frozen=True)
class Download:
    filename: str
    media_type: str
    data: bytes
    sha256: str


@dataclass(frozen=True)
class _Target:
    kind: str
    event: Event
    case: AreaCase | None = None
    action: Action | None = None
    task_id: str | None = None


def _resolve_target(ctx: Context, kind: str, key: Any, actor_id: str, area: str | None = None) -> _Target:
    """What the file goes on, if the actor may change it (else 403/404 as changing it would answer)."""
    if kind == "event":
        access = event_access(ctx, key, actor_id)
        acting_as(ctx, access.writer())
        return _Target(kind, access.event)
    if kind == "area_case":
        access = event_access(ctx, key, actor_id)
        return _Target(kind, access.event, case=acting_as(ctx, access.writer(area)).case)
    if kind == "action":
        action = action_for(ctx, key, actor_id, write=True)
        return _Target(kind, action.events[0], case=action.cases[0] if action.cases else None, action=action)
    if kind == "task":
        row, case = task_for(ctx, key, actor_id)
        return _Target(kind, case.event, case=case, task_id=row.id)
    raise NotFound("Okänt mål för bilagan.")


def _checked_upload(records: RecordsSettings, upload: Upload) -> str:
    """The file's media type, once it passed every check."""
    errors = []
    if upload.classification not in CLASSIFICATIONS:
        errors.append({"path": "classification",
                       "message": f"Välj en klassning: {', '.join(CLASSIFICATIONS.values())}."})
    name = upload.filename.strip()
    if not name or len(name) > 200 or any(c in name for c in "/\\\0"):
        errors.append({"path": "file", "message": "Filnamnet saknas, är för långt eller innehåller / eller \\."})
    if errors:
        raise InvalidInput("Bilagan kan inte sparas.", errors=errors)
    if len(upload.data) > records.max_bytes:
        raise TooLarge(f"Filen är {len(upload.data) // 1024} kB; en bilaga får vara högst "
                       f"{records.max_bytes // 1024} kB.", errors=[{"path": "file", "message": "Filen är för stor."}])
    if not upload.data:
        raise InvalidInput("Filen är tom.", errors=[{"path": "file", "message": "Filen är tom."}])
    media_type = detect(upload.data)
    if media_type not in ALLOWED:
        raise InvalidInput("Filtypen är inte tillåten.", errors=[{
            "path": "file", "message": f"Innehållet är {media_type or 'av okänd typ'}; tillåtna typer: "
                                       f"{allowed_labels()}."}])
    try:
        found = records.scanner.scan(upload.data)
    except ScanFailed:
        raise Unavailable("Virusskanningen svarar inte, så bilagan sparades inte. Försök igen om en stund.") from None
    if found:
        raise Infected(f"Filen innehåller skadlig kod ({found}) och sparades inte.",
                       errors=[{"path": "file", "message": "Skadlig kod hittades."}])
    return media_type


def upload(ctx: Context, records: RecordsSettings, kind: str, key: Any, actor_id: str, upload: Upload,
           area: str | None = None) -> dict[str, Any]:
    target = _resolve_target(ctx, kind, key, actor_id, area)
    if target.event.status == CaseStatus.CLOSED:
        raise EventClosed("Händelsen är avslutad och tar inte emot bilagor. Den kan öppnas igen, med skäl.")
    media_type = _checked_upload(records, upload)
    sha256 = hashlib.sha256(upload.data).hexdigest()
    try:
        records.store.put(sha256, upload.data)
    except OSError:
        raise Unavailable("Filen kunde inte sparas i arkivet för bilagor. Försök igen om en stund.") from None
    row = Attachment(
        event_id=target.event.id, target=target.kind, area_case_id=target.case.id if target.case else None,
        action_id=target.action.id if target.action else None, task_id=target.task_id,
        filename=upload.filename.strip(), media_type=media_type, size=len(upload.data), sha256=sha256,
        classification=upload.classification, uploaded_by=actor_id, created_at=ctx.clock(),
    )
    records_store.add(ctx.session, row)
    shown_name = {"filename": row.filename} if row.classification not in CLASSIFIED else {}
    audit_store.record_change(
        ctx.session, actor_id=actor_id, on_behalf_of=ctx.on_behalf_of,
        entity="attachment", entity_id=row.id, operation="upload",
        event=target.event, after={"target": row.target, "area": target.case.area if target.case else None,
                                   "action": row.action_id, "task": row.task_id, "classification": row.classification,
                                   "media_type": media_type, "size": row.size, "sha256": sha256, **shown_name},
    )
    return _view(row, {c.id: c.area for c in target.event.area_cases}, shows_name=True)


def _cases_behind(ctx: Context, access: EventAccess, row: Attachment, actor_id: str) -> tuple[bool, list[CaseAccess]]:
    """(may read, the readable cases that decide about protected data) for the thing the file is on."""
    readable = access.readable
    if row.target == "event":
        return bool(readable), readable
    if row.target == "action":
        action = action_for(ctx, row.action_id, actor_id) if row.action_id is not None else None
        ids = {c.id for c in action.cases} if action else set()
        return action is not None, [c for c in readable if c.case.id in ids]
    cases = [c for c in readable if c.case.id == row.area_case_id]
    if row.target == "task" and not cases and row.task_id:  # a lane role that works the task on a restricted case
        task = task_store.task_by_id(ctx.session, row.task_id)
        works = task is not None and task.role in roles_at(access.grants, task.unit_path)
        return works, []
    return bool(cases), cases


def download(ctx: Context, records: RecordsSettings, attachment_id: int, actor_id: str) -> Download:
    row = records_store.attachment_by_id(ctx.session, attachment_id)
    if row is None:
        raise NotFound("Bilagan finns inte eller så saknar du behörighet.")
    event = ctx.session.get(Event, row.event_id)
    assert event is not None  # the foreign key guarantees it
    access = access_for(ctx, event, actor_id, grants_of(ctx, actor_id))
    try:
        may_read, cases = _cases_behind(ctx, access, row, actor_id)
    except NotFound:
        may_read, cases = False, []
    if not may_read:
        raise NotFound("Bilagan finns inte eller så saknar du behörighet.")
    if row.culled_by is not None:
        raise NotFound("Bilagan är gallrad enligt beslut om gallring.")
    if row.classification in CLASSIFIED:
        if not any(c.protected for c in cases):
            raise PermissionDenied("Bilagan är klassad som "
                                   f"'{CLASSIFICATIONS[row.classification].lower()}' och kräver en roll som ser "
                                   "skyddade uppgifter i ärendet.")
        audit_store.record_read(ctx.session, actor_id=actor_id, event=event, purpose=f"bilaga {row.id} hämtad")
    try:
        data = records.store.get(row.sha256)
    except BlobMissing:
        raise Unavailable("Filen saknas eller är skadad i arkivet för bilagor. Kontakta förvaltningen.") from None
    return Download(row.filename, row.media_type, data, row.sha256)


def _view(row: Attachment, areas: dict[int, str], shows_name: bool) -> dict[str, Any]:
    classified = row.classification in CLASSIFIED
    return {
        "id": row.id, "target": row.target, "area": areas.get(row.area_case_id) if row.area_case_id else None,
        "action_id": row.action_id, "task_id": row.task_id,
        # a classified file's name can say what its content is: shown only to who may open it
        "filename": row.filename if shows_name or not classified else f"Bilaga {row.id}",
        "media_type": row.media_type, "media_label": ALLOWED.get(row.media_type, row.media_type), "size": row.size,
        "sha256": row.sha256, "classification": row.classification,
        "classification_label": CLASSIFICATIONS[row.classification], "uploaded_by": row.uploaded_by,
        "created_at": row.created_at.isoformat(),
    }


def attachments_view(ctx: Context, access: EventAccess, actor_id: str, action_ids: set[int]) -> list[dict[str, Any]]:
    """The event's files on what this user may read (`action_ids`: the actions they see on the event)."""
    readable = {c.case.id: c for c in access.readable}
    areas = {c.case.id: c.case.area for c in access.cases}
    result = []
    for row in records_store.attachments_for_event(ctx.session, access.event.id):
        if row.target == "action":
            visible = row.action_id in action_ids
            cases = [c for c in readable.values() if row.area_case_id == c.case.id]
        elif row.target == "event":
            visible, cases = bool(readable), list(readable.values())
        else:
            case = readable.get(row.area_case_id) if row.area_case_id is not None else None
            visible, cases = case is not None, [case] if case is not None else []
        if visible:
            result.append(_view(row, areas, shows_name=any(c.protected for c in cases)))
    return result
