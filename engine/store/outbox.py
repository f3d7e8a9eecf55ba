"""The notification outbox: writing rows with a change, claiming them for delivery, and a person's inbox.

Delivery claims rows with a lease instead of holding a row lock while it talks to the mail server: claiming moves
`next_attempt_at` ahead by the lease in a short transaction (PostgreSQL: `FOR UPDATE SKIP LOCKED`, so several
workers take disjoint rows without waiting on each other), the mail is sent outside any transaction, and the
outcome is written in another. A worker that dies in between leaves the row to be claimed again when the lease
ends; it is sent again with the same Message-ID, so at most one duplicate, recognisable as such.
"""

from __future__ import annotations

from datetime import date, datetime
from collections.abc import Iterable
from typing import Any, TypeVar, cast

from sqlalchemy import (BindParameter, ColumnElement, CompoundSelect, Insert, Select, String, Table, bindparam, case,
                        false, func, insert, literal, or_, select, tuple_, union_all, update)
from sqlalchemy.orm import Session

from engine.rules.access import Grant
from engine.store import deputies as deputy_store
from engine.store.db import PREPARED
from engine.store.models import Deputyship, Event, Notification, NotificationSetting, RoleGrant, Unit, User

__all__ = [
    "PENDING", "SENT", "DEAD", "SKIPPED", "STATUSES",
    "DELIVERIES", "add", "add_for", "has_key", "users_by_id", "users_with_roles_over", "grants_over", "recipients",
    "claim", "get", "get_many", "inbox", "unread_count", "mark_read", "listing", "visible_to", "settings_of",
    "set_setting",
]

PENDING, SENT, DEAD, SKIPPED = "pending", "sent", "dead", "skipped"
STATUSES = (PENDING, SENT, DEAD, SKIPPED)
DELIVERIES = ("immediate", "digest", "off")  # a person's choice per kind (NotificationSetting.delivery)


def add(session: Session, rows: list[dict[str, Any]]) -> None:
    """Notification rows (column -> value) in one multi-row INSERT: a step writes them for every task it creates,
    and nothing in the writing transaction reads them back as objects."""
    if rows:
        session.execute(insert(Notification), rows)


# Core statements on the mapped table (a declarative class's __table__ is typed as its base, FromClause)
_NOTIFICATIONS = cast(Table, Notification.__table__)


def _add_for(recipients: ColumnElement[bool], mandatory: bool) -> Insert:
    """INSERT … SELECT of one message (the same text for everyone) to every user `recipients` selects, delivered
    by their choice of the kind (a mandatory kind: at once), else by the rule's: the recipients decided and the
    rows written in one statement, one round trip instead of a read and a write."""
    columns = _NOTIFICATIONS.c

    def value(name: str, column: str | None = None) -> BindParameter[Any]:
        return bindparam(name, type_=columns[column or name].type)

    query = select(
        value("kind"), User.id, value("event_id"), value("event_number"), value("subject"), value("body"),
        value("html"), value("link"), value("dedupe_key"), literal(PENDING, columns.status.type),
        literal(0, columns.attempts.type))
    if mandatory:
        digest: ColumnElement[bool] = false()
    else:
        query = query.outerjoin(NotificationSetting, (NotificationSetting.user_id == User.id)
                                & (NotificationSetting.kind == bindparam("kind")))
        digest = func.coalesce(NotificationSetting.delivery, value("rule_delivery", "status")) == "digest"
    query = query.add_columns(
        case((digest, value("digest_on")), else_=None),
        case((digest, value("digest_at", "next_attempt_at")), else_=value("now", "next_attempt_at")),
    ).where(recipients).order_by(User.id)
    return insert(_NOTIFICATIONS).from_select(
        ["kind", "user_id", "event_id", "event_number", "subject", "body", "html", "link", "dedupe_key", "status",
         "attempts", "digest_on", "next_attempt_at"], query).execution_options(**{PREPARED: True})


def _holders() -> ColumnElement[bool]:
    """Active users holding one of the roles on one of the units, or a deputy in force for such a holder in that
    role on that unit (grants_over's rows, as user ids)."""
    units: BindParameter[list[str]] = bindparam("units", expanding=True)
    roles: BindParameter[list[str]] = bindparam("roles", expanding=True)
    own = select(RoleGrant.user_id).join(Unit, Unit.id == RoleGrant.unit_id).where(
        Unit.path.in_(units), RoleGrant.role.in_(roles))
    deputised = deputy_store.grants_in_force(bindparam("now")).with_only_columns(Deputyship.deputy_id).where(
        Unit.path.in_(units), Deputyship.role.in_(roles))
    return User.id.in_(union_all(own, deputised)) & User.active.is_(True)


# Built once, as _GRANTS_OVER below: (to holders of roles over a unit, or to these users) x mandatory kind or not
_ADD_FOR = {(to_holders, mandatory): _add_for(
    _holders() if to_holders else User.id.in_(bindparam("user_ids", expanding=True)), mandatory)
    for to_holders in (True, False) for mandatory in (True, False)}


def add_for(session: Session, message: dict[str, Any], *, mandatory: bool, rule_delivery: str, now: datetime,
            digest_on: date, digest_at: datetime, user_ids: Iterable[str] = (),
            holders: tuple[str, Iterable[str]] | None = None) -> None:
    """One message (`message`: kind, event_id, event_number, subject, body, html, link, dedupe_key) written for
    each of `user_ids`, or for the active holders of roles over a unit (`holders`: the unit's path and the
    roles; grants_over's rule), in one statement. Each gets it in the daily digest of `digest_on` (at
    `digest_at`) if they chose the digest for the kind, or chose nothing and `rule_delivery` is the digest,
    unless the kind is `mandatory`; else at `now`."""
    params: dict[str, Any] = {**message, "rule_delivery": rule_delivery, "now": now, "digest_on": digest_on,
                              "digest_at": digest_at}
    if holders is None:
        params["user_ids"] = sorted(set(user_ids))
        if not params["user_ids"]:
            return
    else:
        params.update(units=_ancestors([holders[0]]), roles=sorted(set(holders[1])))
    session.flush()  # the recipients are read in the statement: what the change granted counts
    session.execute(_ADD_FOR[(holders is not None, mandatory)], params)


def has_key(session: Session, dedupe_key: str) -> bool:
    return session.scalar(select(Notification.id).where(Notification.dedupe_key == dedupe_key)) is not None


def users_by_id(session: Session, user_ids: Iterable[str]) -> dict[str, User]:
    return {u.id: u for u in session.scalars(select(User).where(User.id.in_(sorted(set(user_ids)))))}


def _ancestors(unit_paths: Iterable[str]) -> list[str]:
    found: set[str] = set()
    for path in unit_paths:
        parts = [p for p in path.split("/") if p]
        found.update("/" + "/".join(parts[:depth]) + "/" for depth in range(1, len(parts) + 1))
    return sorted(found)


def users_with_roles_over(session: Session, unit_paths: Iterable[str], roles: Iterable[str] | None) -> list[str]:
    """Active users holding one of `roles` (any role if None) on one of the units at `unit_paths` or an ancestor:
    the candidates the access rule then decides on."""
    query = (
        select(RoleGrant.user_id).distinct()
        .join(Unit, Unit.id == RoleGrant.unit_id)
        .join(User, User.id == RoleGrant.user_id)
        .where(Unit.path.in_(_ancestors(unit_paths)), User.active.is_(True))
    )
    if roles is not None:
        query = query.where(RoleGrant.role.in_(sorted(set(roles))))
    return sorted(session.scalars(query))


_Rows = TypeVar("_Rows", bound=Select[*tuple[Any, ...]])


def _person(query: _Rows, user_id: Any) -> _Rows:
    """query joined to the active user `user_id` names and to their chosen delivery of the kind asked for."""
    return (query.join(User, User.id == user_id)
            .outerjoin(NotificationSetting, (NotificationSetting.user_id == User.id)
                       & (NotificationSetting.kind == bindparam("kind")))
            .where(User.active.is_(True)))


def _grants_over() -> CompoundSelect[*tuple[Any, ...]]:
    units: BindParameter[list[str]] = bindparam("units", expanding=True)
    roles: BindParameter[list[str]] = bindparam("roles", expanding=True)
    own = _person(
        select(RoleGrant.user_id, RoleGrant.role, Unit.id, Unit.path, literal(None, String).label("principal"),
               User.name, NotificationSetting.delivery)
        .join(Unit, Unit.id == RoleGrant.unit_id).where(Unit.path.in_(units), RoleGrant.role.in_(roles)),
        RoleGrant.user_id)
    deputised = _person(
        deputy_store.grants_in_force(bindparam("now")).add_columns(User.name, NotificationSetting.delivery)
        .where(Unit.path.in_(units), Deputyship.role.in_(roles)),
        Deputyship.deputy_id)
    return union_all(own, deputised)


# Built once: it runs for every task a step creates, and building it costs more than running it.
_GRANTS_OVER = _grants_over()


def grants_over(session: Session, unit_path: str, roles: Iterable[str], kind: str,
                now: datetime) -> dict[str, tuple[list[Grant], str, str | None]]:
    """Active users' grants of `roles` on the unit or an ancestor, their own and those they hold now as a deputy
    (ersättare) for a principal who still holds the role (engine/access.py:grants_of, narrowed to these roles and
    units): all `roles_at` needs to decide who holds a role over the unit. With each user's name and chosen
    delivery of `kind`, by user, in one query."""
    found: dict[str, tuple[list[Grant], str, str | None]] = {}
    rows = session.execute(_GRANTS_OVER, {"units": _ancestors([unit_path]), "roles": sorted(set(roles)),
                                          "kind": kind, "now": now})
    for user_id, role, unit_id, path, principal_id, name, delivery in rows:
        found.setdefault(user_id, ([], name, delivery))[0].append(Grant(role, unit_id, path, principal_id))
    return found


def recipients(session: Session, user_ids: Iterable[str], kind: str) -> dict[str, tuple[str, str | None]]:
    """user id -> (name, their chosen delivery of `kind` or None), in one query."""
    query = select(User.id, User.name, NotificationSetting.delivery).outerjoin(
        NotificationSetting, (NotificationSetting.user_id == User.id) & (NotificationSetting.kind == kind)
    ).where(User.id.in_(sorted(set(user_ids))))
    return {user_id: (name, delivery) for user_id, name, delivery in session.execute(query)}


def claim(
    session: Session, now: datetime, lease_until: datetime, limit: int
) -> list[tuple[Notification, User | None, str]]:
    """Take up to `limit` due pending rows on their own and up to `limit` people's due digests (every row of
    each, so a digest is never split between rounds), and lease them until `lease_until`; each claim counts as
    an attempt. Each row comes with its person (None: a public complainant's address) and their choice for its
    kind (immediate, digest or off)."""
    due = (Notification.status == PENDING, Notification.next_attempt_at <= now)
    single = select(Notification).where(*due, Notification.digest_on.is_(None))
    single = single.order_by(Notification.next_attempt_at, Notification.id).limit(limit)
    digests = select(Notification.user_id, Notification.digest_on).where(*due, Notification.digest_on.is_not(None))
    groups = list(session.execute(digests.distinct().order_by(Notification.digest_on, Notification.user_id)
                                  .limit(limit)))
    queries = [single]
    if groups:
        queries.append(select(Notification).where(*due, tuple_(Notification.user_id, Notification.digest_on).in_(
            [tuple(g) for g in groups])).order_by(Notification.id))
    rows: list[Notification] = []
    for query in queries:
        if session.get_bind().dialect.name == "postgresql":
            query = query.with_for_update(skip_locked=True)
        rows.extend(session.scalars(query))
    for row in rows:
        row.next_attempt_at = lease_until
        row.attempts += 1
    session.flush()
    user_ids = {r.user_id for r in rows if r.user_id is not None}
    users = users_by_id(session, user_ids)
    chosen: dict[tuple[str | None, str], str]
    chosen = {(user_id, kind): delivery for user_id, kind, delivery in session.execute(
        select(NotificationSetting.user_id, NotificationSetting.kind, NotificationSetting.delivery).where(
            NotificationSetting.user_id.in_(user_ids)))}
    return [(row, users.get(row.user_id or ""), chosen.get((row.user_id, row.kind), "immediate")) for row in rows]


def get(session: Session, notification_id: int) -> Notification | None:
    return session.get(Notification, notification_id)


def get_many(session: Session, notification_ids: Iterable[int]) -> dict[int, Notification]:
    rows = session.scalars(select(Notification).where(Notification.id.in_(sorted(set(notification_ids)))))
    return {row.id: row for row in rows}


def inbox(session: Session, user_id: str, limit: int, offset: int) -> list[Notification]:
    # unread first, then newest first
    query = select(Notification).where(Notification.user_id == user_id).order_by(
        Notification.read_at.is_not(None), Notification.id.desc())
    return list(session.scalars(query.limit(limit).offset(offset)))


def unread_count(session: Session, user_id: str) -> int:
    return session.scalar(
        select(func.count()).select_from(Notification).where(
            Notification.user_id == user_id, Notification.read_at.is_(None))
    ) or 0


def mark_read(session: Session, notification_id: int, user_id: str, at: datetime) -> Notification | None:
    """The person's own notification, marked read (the first time only); None if it is not theirs."""
    session.execute(
        update(Notification)
        .where(Notification.id == notification_id, Notification.user_id == user_id, Notification.read_at.is_(None))
        .values(read_at=at).execution_options(synchronize_session=False)
    )
    row = session.get(Notification, notification_id)
    if row is not None:
        session.refresh(row)
    return row if row is not None and row.user_id == user_id else None


def listing(
    session: Session, status: str | None, limit: int, unit_paths: Iterable[str] | None = None
) -> list[Notification]:
    """Newest first; `unit_paths`: only notifications of events at or below one of these units (and those of
    no event)."""
    query = select(Notification).order_by(Notification.id.desc()).limit(limit)
    if status is not None:
        query = query.where(Notification.status == status)
    if unit_paths is not None:
        under = [Event.unit_path.startswith(path, autoescape=True) for path in unit_paths]
        query = query.outerjoin(Event, Event.id == Notification.event_id).where(
            or_(Notification.event_id.is_(None), *under))
    return list(session.scalars(query))


def visible_to(session: Session, notification_id: int, unit_paths: Iterable[str]) -> Notification | None:
    row = session.get(Notification, notification_id)
    if row is None or row.event_id is None:
        return row
    event = session.get(Event, row.event_id)
    return row if event is not None and any(event.unit_path.startswith(p) for p in unit_paths) else None


def settings_of(session: Session, user_id: str) -> dict[str, str]:
    """kind -> delivery (immediate, digest, off), for the kinds the person has chosen."""
    rows = session.scalars(select(NotificationSetting).where(NotificationSetting.user_id == user_id))
    return {row.kind: row.delivery for row in rows}


def set_setting(session: Session, user_id: str, kind: str, delivery: str) -> None:
    row = session.get(NotificationSetting, (user_id, kind))
    if row is None:
        session.add(NotificationSetting(user_id=user_id, kind=kind, delivery=delivery))
    else:
        row.delivery = delivery
    session.flush()
