"""Tamper-evident logs: every change-log and read-log row is chained to the previous row of its legal entity.

A row's **digest** is the SHA-256 of its canonical content; its **hash** is SHA-256("<previous hash>:<digest>"),
the first row of a chain linking to GENESIS. The canonical content is JSON with sorted keys, no whitespace,
UTF-8 (not ASCII-escaped), the row id included and the time as UTC `YYYY-MM-DDTHH:MM:SS.ffffffZ` (microseconds,
what both SQLite and PostgreSQL keep), so both databases give the same digest for the same row.

Appending locks the entity's head row in `log_chains` (an upsert that locks as SELECT … FOR UPDATE would on
PostgreSQL; SQLite already lets one writer in at a time, BEGIN IMMEDIATE), takes the row's id in that same
statement, writes the row with its digest and hash, and moves the head in the same transaction:
two writers queue, they never fork the chain. Editing a row breaks its digest, deleting one breaks the next
row's link (or the head, for the last), and `verify` names the first such row.

Culling (engine/records/retention.py) empties a row's content but keeps its digest and hash and notes the
protocol (`culled_by`); such a row verifies by its link alone, and only if that protocol lists it with the same
digest.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from functools import lru_cache
from datetime import datetime, UTC
from typing import Any, Literal
from collections.abc import Iterable, Iterator

from sqlalchemy import ColumnElement, bindparam, func, select
from sqlalchemy.sql.dml import ReturningInsert
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session, load_only

from engine.store.models import AuditEntry, CullingProtocol, LogChain, ReadLogEntry
from engine.store.types import utcnow

__all__ = ["GENESIS", "Log", "LOGS", "Break", "canonical", "digest_of", "link", "append", "verify", "heads",
           "rechain", "log_rows"]

GENESIS = "0" * 64
Log = Literal["audit", "read"]
LOGS: dict[Log, type[AuditEntry] | type[ReadLogEntry]] = {"audit": AuditEntry, "read": ReadLogEntry}
# The columns the canonical form reads: a migration that chains old rows loads only these, so a column a later
# migration adds to the log tables cannot break it.
_CHAINED = ("id", "chain", "digest", "hash", "at", "actor_id", "event_id", "event_number")
_CONTENT: dict[Log, tuple[str, ...]] = {
    "audit": (*_CHAINED, "event_title", "entity", "entity_id", "operation", "before", "after", "on_behalf_of"),
    "read": (*_CHAINED, "purpose"),
}
LOG_NAMES = {"audit": "ändringsloggen", "read": "läsloggen"}
_VERSION = 1  # of the canonical form; a new form gets a new number and verify reads both


def _time(value: datetime | None) -> str | None:
    if value is None:
        return None
    if value.tzinfo is None:  # SQLite reads naive; the column holds UTC
        value = value.replace(tzinfo=UTC)
    return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def _plain(value: Any) -> Any:
    """JSON values as both databases give them back: PostgreSQL's JSONB reads 1e16 back as an integer, so an
    integral float is written as the integer."""
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    return value


def _content(row: AuditEntry | ReadLogEntry) -> dict[str, Any]:
    common = {"v": _VERSION, "id": row.id, "chain": row.chain, "at": _time(row.at), "actor_id": row.actor_id,
              "event_id": row.event_id, "event_number": row.event_number}
    if isinstance(row, AuditEntry):
        return {**common, "event_title": row.event_title, "entity": row.entity, "entity_id": row.entity_id,
                "operation": row.operation, "before": _plain(row.before), "after": _plain(row.after),
                "on_behalf_of": row.on_behalf_of}
    return {**common, "purpose": row.purpose}


def canonical(row: AuditEntry | ReadLogEntry) -> bytes:
    return json.dumps(_content(row), sort_keys=True, separators=(",", ":"), ensure_ascii=False,
                      allow_nan=False).encode("utf-8")


def digest_of(row: AuditEntry | ReadLogEntry) -> str:
    return hashlib.sha256(canonical(row)).hexdigest()


def link(previous: str | None, digest: str) -> str:
    return hashlib.sha256(f"{previous or GENESIS}:{digest}".encode("ascii")).hexdigest()


def _head(session: Session, entity: str) -> LogChain:
    """The entity's head row, locked until the transaction ends (created the first time, race-free), in one
    statement: an upsert whose no-op update takes the row lock that SELECT … FOR UPDATE would (every change-log
    row costs this round trip, so it is one, not two)."""
    head: LogChain = session.scalars(_locking(_postgresql(session), None), {"head_entity": entity}).one()
    return head


def _head_and_next_id(session: Session, entity: str, log: Log) -> tuple[LogChain, int]:
    """The head, locked as `_head` locks it, and the id the log's next row gets, taken in the same statement
    once the lock is held: ids follow chain order, and the row's content (its id included) is known before its
    INSERT, so the row is written once, digest and hash with it."""
    head, next_id = session.execute(_locking(_postgresql(session), log), {"head_entity": entity}).one()
    return head, next_id


def _postgresql(session: Session) -> bool:
    return session.get_bind().dialect.name == "postgresql"


@lru_cache(maxsize=8)
def _locking(postgresql: bool, log: Log | None) -> ReturningInsert[Any]:
    """The head's locking upsert for the entity bound as `head_entity`, returning the head and, for a log, the id
    of its next row: built once per database kind and log (every change-log row sends it)."""
    insert = pg_insert if postgresql else sqlite_insert
    statement = insert(LogChain).values(entity=bindparam("head_entity", type_=LogChain.entity.type))
    upsert = statement.on_conflict_do_update(index_elements=["entity"], set_={"entity": statement.excluded.entity})
    returned = (LogChain,) if log is None else (LogChain, _next_id(LOGS[log], postgresql))
    # "orm": with a parameter dict the ORM would otherwise take its slower bulk-insert path
    return upsert.returning(*returned).execution_options(dml_strategy="orm", populate_existing=True)


def _next_id(model: type[AuditEntry] | type[ReadLogEntry], postgresql: bool) -> ColumnElement[int]:
    """On PostgreSQL the table's own sequence (as its INSERT would take it); SQLite lets one writer in at a time
    and numbers a row one past the largest id, as it would itself."""
    if postgresql:
        return func.nextval(func.pg_get_serial_sequence(model.__tablename__, "id"))
    return select(func.coalesce(func.max(model.id), 0) + 1).scalar_subquery()


def append(session: Session, log: Log, row: AuditEntry | ReadLogEntry, entity: str) -> None:
    """Add the row at the end of the entity's chain of this log."""
    head, row.id = _head_and_next_id(session, entity, log)
    row.chain = entity
    if row.at is None:
        row.at = utcnow()  # the column's default, set here because the digest covers it
    row.digest = digest_of(row)
    row.hash = link(getattr(head, f"{log}_hash"), row.digest)
    session.add(row)
    session.flush()  # written now: the next append's id on SQLite reads the largest one
    setattr(head, f"{log}_id", row.id)
    setattr(head, f"{log}_hash", row.hash)


@dataclass(frozen=True)
class Break:
    log: Log
    entity: str
    row_id: int | None
    message: str  # Swedish, for the operator

    def to_dict(self) -> dict[str, Any]:
        return {"log": self.log, "entity": self.entity, "row_id": self.row_id, "message": self.message}


def heads(session: Session, entity: str | None = None) -> list[LogChain]:
    query = select(LogChain).order_by(LogChain.entity)
    if entity is not None:
        query = query.where(LogChain.entity == entity)
    return list(session.scalars(query))


def log_rows(rows: Iterable[Any]) -> list[AuditEntry | ReadLogEntry]:
    """Rows of a model picked from LOGS: the type checker sees only their common base class."""
    return list(rows)


def _rows(session: Session, log: Log, entity: str, batch: int = 2000) -> Iterator[AuditEntry | ReadLogEntry]:
    model = LOGS[log]
    last = 0
    while True:
        page = log_rows(session.scalars(select(model).where(model.chain == entity, model.id > last)
                                       .order_by(model.id).limit(batch)))
        yield from page
        if len(page) < batch:
            return
        last = page[-1].id
        session.expunge_all()  # a long log is walked in constant memory


def _culled_digests(session: Session, protocol_ids: set[int]) -> dict[int, dict[int, str]]:
    protocols = session.scalars(select(CullingProtocol).where(CullingProtocol.id.in_(protocol_ids)))
    return {p.id: {int(i["id"]): i["sha256"] for i in p.items} for p in protocols}


def _verify_one(session: Session, log: Log, head: LogChain) -> Break | None:
    where = f"i {LOG_NAMES[log]} för {head.entity}"
    previous, last_id, protocols = None, None, {}
    for row in _rows(session, log, head.entity):
        if row.culled_by is not None:
            if row.culled_by not in protocols:
                protocols.update(_culled_digests(session, {row.culled_by}))
            if protocols.get(row.culled_by, {}).get(row.id) != row.digest:
                return Break(log, head.entity, row.id, f"Rad {row.id} {where} är tömd utan att något "
                             "gallringsprotokoll tar upp den.")
        elif row.digest != digest_of(row):
            return Break(log, head.entity, row.id, f"Rad {row.id} {where} har ändrats: innehållet stämmer inte "
                         "med radens kontrollsumma.")
        if row.hash != link(previous, row.digest or ""):
            return Break(log, head.entity, row.id, f"Kedjan är bruten vid rad {row.id} {where}: raden före den "
                         "har tagits bort eller ändrats.")
        previous, last_id = row.hash, row.id
    if (last_id, previous) != (getattr(head, f"{log}_id"), getattr(head, f"{log}_hash")):
        return Break(log, head.entity, getattr(head, f"{log}_id"), f"Sista raden {where} saknas eller stämmer "
                     f"inte med kedjans huvud (rad {getattr(head, f'{log}_id')}).")
    return None


def verify(session: Session, entity: str | None = None) -> list[Break]:
    """The first broken link of each chain (at most one per entity and log); empty when every chain holds.
    Rows without a chain (written outside `append`) are breaks too."""
    breaks = []
    for head in heads(session, entity):
        for log in LOGS:
            found = _verify_one(session, log, head)
            if found is not None:
                breaks.append(found)
    for log, model in LOGS.items() if entity is None else ():
        stray = session.scalars(select(model.id).where(model.chain.is_(None)).order_by(model.id).limit(1)).first()
        if stray is not None:
            breaks.append(Break(log, "?", stray, f"Rad {stray} i {LOG_NAMES[log]} saknar kedja: den har skrivits "
                                "förbi avvik."))
    return breaks


def rechain(session: Session, entity_of: Any) -> int:
    """Chain every row that has no chain yet, in id order (the migration that introduced chains; rows written
    before it). `entity_of(row)` names the row's legal entity."""
    count = 0
    for log, model in LOGS.items():
        columns = load_only(*(getattr(model, name) for name in _CONTENT[log]))
        unchained = select(model).options(columns).where(model.chain.is_(None)).order_by(model.id)
        for row in log_rows(session.scalars(unchained)):
            entity = entity_of(row)
            head = _head(session, entity)
            row.chain = entity
            row.digest = digest_of(row)
            row.hash = link(getattr(head, f"{log}_hash"), row.digest)
            setattr(head, f"{log}_id", row.id)
            setattr(head, f"{log}_hash", row.hash)
            count += 1
    session.flush()
    return count
