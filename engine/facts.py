"""Keeping the statistics' facts in step with the cases: every use case that changes what a statistic counts of
an area case (its status, units, report time, case or event data, first completed task, close time) calls
`refresh` in its own transaction. engine/store/stats.py:refresh_facts writes the rows."""

from __future__ import annotations

from collections.abc import Iterable

from engine.access import active_access
from engine.context import Context
from engine.store import cases as case_store
from engine.store import stats as stats_store

__all__ = ["refresh", "restricting_kinds"]


def restricting_kinds(ctx: Context) -> list[str]:
    """The decisions after which some active area restricts its cases: the facts note which of them a case holds."""
    return sorted({kind for access in active_access(ctx) for kind in access.restricting_decisions})


def refresh(ctx: Context, *, cases: Iterable[int] = (), events: Iterable[int] = (), lock: bool = False) -> None:
    """Rewrite the facts of these area cases and of every case of these events. With `lock`, the cases are
    locked first: for a use case that does not write the cases themselves (an action's), so a step on one of them
    finishes before its fact is rewritten here, instead of both rewriting the same fact row at once."""
    if lock:
        case_store.lock_cases(ctx.session, list(cases))
    stats_store.refresh_facts(ctx.session, restricting_kinds(ctx), case_ids=sorted(set(cases)),
                              event_ids=sorted(set(events)))
