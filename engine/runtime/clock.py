"""One clock for the engine and SpiffWorkflow's timers.

The engine picks due timers by its injected clock, but SpiffWorkflow 3.2.0 decides whether a timer has fired,
and when a duration timer started, by calling `datetime.now` inside its timer module (three event definitions
and two interval helpers). That module's `datetime` name is therefore replaced by a subclass whose `now` reads
the clock of the use case that is running (set by `Engine` around every use case). Outside a use case, e.g. in
a benchmark driving the runtime directly, it is the real time as before.
"""

from __future__ import annotations

from contextlib import contextmanager
from contextvars import ContextVar
from datetime import datetime, tzinfo
from collections.abc import Callable, Iterator

from SpiffWorkflow.bpmn.specs.event_definitions import timer as _spiff_timer

__all__ = ["using"]

_CLOCK: ContextVar[Callable[[], datetime] | None] = ContextVar("avvik_clock", default=None)


class _ClockedDatetime(datetime):
    @classmethod
    def now(cls, tz: tzinfo | None = None) -> datetime:  # type: ignore[override]
        clock = _CLOCK.get()
        if clock is None:
            return datetime.now(tz)
        value = clock()
        return value.astimezone(tz) if tz is not None else value


@contextmanager
def using(clock: Callable[[], datetime]) -> Iterator[None]:
    """Let SpiffWorkflow's timers read this clock for the duration of the block (nested blocks allowed)."""
    token = _CLOCK.set(clock)
    try:
        yield
    finally:
        _CLOCK.reset(token)


# Only SpiffWorkflow's timer module sees the subclass; every other `datetime` stays the standard one.
_spiff_timer.datetime = _ClockedDatetime
