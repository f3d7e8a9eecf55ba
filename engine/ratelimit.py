"""Rate limits for callers without an account (the public channel): a quota of calls per window and key,
counted in the database so every API worker shares it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from engine.context import Context
from engine.store import ratelimits

__all__ = ["Quota", "spend"]


@dataclass(frozen=True)
class Quota:
    """At most `limit` calls per `window_s` seconds for one caller (`key`, e.g. the client's address)."""

    key: str
    limit: int
    window_s: int


def spend(ctx: Context, bucket: str, quota: Quota) -> bool:
    """Count one call of `quota.key` in `bucket`; False when its window's limit is already used up."""
    return ratelimits.consume(ctx.session, f"{bucket}:{quota.key}", quota.limit, timedelta(seconds=quota.window_s),
                              ctx.clock())
