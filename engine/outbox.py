"""Delivering the outbox and reading it: claim due notifications, record how sending went (retry with
exponential backoff, dead letter after the last try), an operator's listing and retry, a person's inbox."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from engine.context import Context
from engine.delivery.mail import Outgoing
from engine.errors import InvalidInput, NotFound
from engine.notifications import KINDS, MANDATORY
from engine.store import outbox as outbox_store
from engine.views import delivery_view, notification_view

__all__ = ["RetryPolicy", "claim", "settle", "listing", "retry", "inbox", "mark_read", "settings", "set_setting"]


@dataclass(frozen=True)
class RetryPolicy:
    max_attempts: int = 8
    backoff: timedelta = timedelta(minutes=1)  # wait after the first failure; doubled after each further one
    max_backoff: timedelta = timedelta(hours=6)
    lease: timedelta = timedelta(minutes=5)  # a claimed row is another worker's again after this (a crash)

    def delay(self, attempts: int) -> timedelta:
        return min(self.max_backoff, self.backoff * 2 ** max(0, attempts - 1))


def claim(ctx: Context, limit: int, policy: RetryPolicy) -> list[Outgoing]:
    now = ctx.clock()
    claimed = outbox_store.claim(ctx.session, now, now + policy.lease, limit)
    return [
        Outgoing(row.id, user.email if user.active and wanted else None, user.name, row.subject, row.body, row.link)
        for row, user, wanted in claimed
    ]


def settle(ctx: Context, notification_id: int, error: str | None, policy: RetryPolicy, skipped: bool = False) -> None:
    """Record one delivery: sent, skipped (no address, or e-mail turned off), or failed: retried after the
    backoff, dead after the last try."""
    row = outbox_store.get(ctx.session, notification_id)
    if row is None or row.status != outbox_store.PENDING:
        return
    now = ctx.clock()
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


def listing(ctx: Context, status: str | None, limit: int) -> list[dict[str, Any]]:
    if status is not None and status not in outbox_store.STATUSES:
        raise InvalidInput("Okänd status.", errors=[{"path": "status", "message": "Välj en av: "
                                                     + ", ".join(outbox_store.STATUSES) + "."}])
    return [delivery_view(row) for row in outbox_store.listing(ctx.session, status, limit)]


def retry(ctx: Context, notification_id: int) -> dict[str, Any]:
    """Send a dead (or skipped) notification again from the first try, now."""
    row = outbox_store.get(ctx.session, notification_id)
    if row is None:
        raise NotFound("Notifieringen finns inte.")
    if row.status in (outbox_store.DEAD, outbox_store.SKIPPED):
        row.status, row.attempts, row.next_attempt_at = outbox_store.PENDING, 0, ctx.clock()
        ctx.session.flush()
    return delivery_view(row)


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
    """Every kind with the person's choice: e-mail on unless turned off; mandatory kinds cannot be."""
    chosen = outbox_store.settings_of(ctx.session, user_id)
    return [{"kind": kind, "label": label, "email": kind in MANDATORY or chosen.get(kind, True),
             "mandatory": kind in MANDATORY} for kind, label in KINDS.items()]


def set_setting(ctx: Context, user_id: str, kind: str, email: bool) -> list[dict[str, Any]]:
    if kind not in KINDS:
        raise NotFound("Det finns ingen sådan typ av notifiering.")
    if kind in MANDATORY and not email:
        raise InvalidInput("Den här notifieringen går inte att stänga av.", errors=[
            {"path": "email", "message": "Passerade tidsfrister skickas alltid med e-post."}])
    outbox_store.set_setting(ctx.session, user_id, kind, email)
    return settings(ctx, user_id)
