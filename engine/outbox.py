"""Delivering the outbox and reading it: claim due notifications (one mail each, or a person's digest of the
day), record how sending went (retry with exponential backoff, dead letter after the last try), an operator's
listing and retry, a person's inbox and their choice per kind."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from engine.access import ADMIN_ROLE
from engine.context import Context
from engine.delivery.digest import digest_html, digest_subject, digest_text
from engine.delivery.mail import Outgoing, digest_key, single_key
from engine.errors import InvalidInput, NotFound, PermissionDenied
from engine.notifications import KINDS, MANDATORY
from engine.store.models import Notification, User
from engine.store import org as org_store
from engine.store import outbox as outbox_store
from engine.views import delivery_view, notification_view

__all__ = ["RetryPolicy", "claim", "settle", "listing", "retry", "admin_listing", "admin_retry", "inbox",
           "mark_read", "settings", "set_setting"]

# The operator of avvik (systemförvaltare): sees and retries the outbox of the events at or below the units where
# they hold the role, over HTTP; `avvik outbox` on the server sees all.


@dataclass(frozen=True)
class RetryPolicy:
    max_attempts: int = 8
    backoff: timedelta = timedelta(minutes=1)  # wait after the first failure; doubled after each further one
    max_backoff: timedelta = timedelta(hours=6)
    lease: timedelta = timedelta(minutes=5)  # a claimed row is another worker's again after this (a crash)

    def delay(self, attempts: int) -> timedelta:
        return min(self.max_backoff, self.backoff * int(2 ** max(0, attempts - 1)))


def claim(ctx: Context, limit: int, policy: RetryPolicy) -> list[Outgoing]:
    now = ctx.clock()
    claimed = outbox_store.claim(ctx.session, now, now + policy.lease, limit)
    outgoing: list[Outgoing] = []
    digests: dict[tuple[str, str], tuple[User | None, list[Notification]]] = {}
    for row, user, delivery in claimed:
        if row.digest_on is not None and row.user_id is not None and delivery != "off":
            digests.setdefault((row.user_id, row.digest_on.isoformat()), (user, []))[1].append(row)
        elif user is None:  # a public complainant: the address they gave
            outgoing.append(Outgoing((row.id,), row.address, "", row.subject, row.body, row.html, single_key(row.id)))
        else:
            to = user.email if user.active and delivery != "off" else None
            outgoing.append(Outgoing((row.id,), to, user.name, row.subject, row.body, row.html, single_key(row.id)))
    for (user_id, day), (user, rows) in digests.items():
        to = user.email if user is not None and user.active else None
        outgoing.append(Outgoing(
            tuple(r.id for r in rows), to, user.name if user else "",
            digest_subject(date.fromisoformat(day), len(rows)),
            digest_text(rows, ctx.public_url), digest_html(rows, ctx.public_url), digest_key(user_id, day)))
    return outgoing


def settle(ctx: Context, outcomes: list[tuple[int, str | None, bool]], policy: RetryPolicy) -> None:
    """Record a batch of deliveries, each (id, error, skipped): sent, skipped (no address, or e-mail turned
    off), or failed: retried after the backoff, dead after the last try. One transaction for the batch: a crash
    before it commits leaves the whole batch leased, to be sent again (the same Message-IDs) after the lease."""
    now = ctx.clock()
    rows = outbox_store.get_many(ctx.session, [notification_id for notification_id, _, _ in outcomes])
    for notification_id, error, skipped in outcomes:
        row = rows.get(notification_id)
        if row is None or row.status != outbox_store.PENDING:
            continue
        if skipped:
            row.status = outbox_store.SKIPPED
        elif error is None:
            row.status, row.sent_at, row.last_error = outbox_store.SENT, now, None
        else:
            row.last_error = error[:2000]
            if row.attempts >= policy.max_attempts:
                row.status = outbox_store.DEAD
            else:
                row.next_attempt_at = now + policy.delay(row.attempts)
    ctx.session.flush()


def _check_status(status: str | None) -> None:
    if status is not None and status not in outbox_store.STATUSES:
        raise InvalidInput("Okänd status.", errors=[{"path": "status", "message": "Välj en av: "
                                                     + ", ".join(outbox_store.STATUSES) + "."}])


def listing(ctx: Context, status: str | None, limit: int) -> list[dict[str, Any]]:
    """Every notification (the operator's CLI on the server)."""
    _check_status(status)
    return [delivery_view(row) for row in outbox_store.listing(ctx.session, status, limit)]


def retry(ctx: Context, notification_id: int) -> dict[str, Any]:
    """Send a dead (or skipped) notification again from the first try, now (on its own, even if it was part of
    a digest)."""
    row = outbox_store.get(ctx.session, notification_id)
    if row is None:
        raise NotFound("Notifieringen finns inte.")
    if row.status in (outbox_store.DEAD, outbox_store.SKIPPED):
        row.status, row.attempts, row.next_attempt_at, row.digest_on = outbox_store.PENDING, 0, ctx.clock(), None
        ctx.session.flush()
    return delivery_view(row)


def _admin_units(ctx: Context, actor_id: str) -> list[str]:
    paths = [g.unit_path for g in org_store.grants_of(ctx.session, actor_id) if g.role == ADMIN_ROLE]
    if not paths:
        raise PermissionDenied("Utkorgen kräver rollen systemförvaltare.")
    return paths


def admin_listing(ctx: Context, actor_id: str, status: str | None, limit: int) -> list[dict[str, Any]]:
    units = _admin_units(ctx, actor_id)
    _check_status(status)
    return [delivery_view(row) for row in outbox_store.listing(ctx.session, status, limit, units)]


def admin_retry(ctx: Context, actor_id: str, notification_id: int) -> dict[str, Any]:
    if outbox_store.visible_to(ctx.session, notification_id, _admin_units(ctx, actor_id)) is None:
        raise NotFound("Notifieringen finns inte.")
    return retry(ctx, notification_id)


def inbox(ctx: Context, user_id: str, limit: int, offset: int) -> dict[str, Any]:
    return {
        "unread": outbox_store.unread_count(ctx.session, user_id),
        "items": [notification_view(row) for row in outbox_store.inbox(ctx.session, user_id, limit, offset)],
    }


def mark_read(ctx: Context, notification_id: int, user_id: str) -> dict[str, Any]:
    row = outbox_store.mark_read(ctx.session, notification_id, user_id, ctx.clock())
    if row is None:
        raise NotFound("Notifieringen finns inte.")
    return notification_view(row)


def settings(ctx: Context, user_id: str) -> list[dict[str, Any]]:
    """Every kind a person can receive with their choice: immediate unless chosen otherwise; mandatory kinds
    always immediate. (An area rule may send a kind as a digest to someone who has not chosen.)"""
    chosen = outbox_store.settings_of(ctx.session, user_id)
    return [{"kind": kind, "label": label,
             "delivery": "immediate" if kind in MANDATORY else chosen.get(kind, "immediate"),
             "mandatory": kind in MANDATORY} for kind, label in KINDS.items() if kind not in _PUBLIC_ONLY]


_PUBLIC_ONLY = frozenset({"complaint_answered"})  # goes to an address from the public form, never to a user


def set_setting(ctx: Context, user_id: str, kind: str, delivery: str) -> list[dict[str, Any]]:
    if kind not in KINDS or kind in _PUBLIC_ONLY:
        raise NotFound("Det finns ingen sådan typ av notifiering.")
    if delivery not in outbox_store.DELIVERIES:
        raise InvalidInput("Okänt val.", errors=[{"path": "delivery", "message": "Välj en av: "
                                                  + ", ".join(outbox_store.DELIVERIES) + "."}])
    if kind in MANDATORY and delivery != "immediate":
        raise InvalidInput("Den här notifieringen går inte att stänga av eller samla.", errors=[
            {"path": "delivery", "message": "Passerade tidsfrister skickas alltid direkt med e-post."}])
    outbox_store.set_setting(ctx.session, user_id, kind, delivery)
    return settings(ctx, user_id)
