"""Timer values written as plain ISO 8601 text (`P7D`, `PT1H`, `R6/P1D`, `2026-01-01T00:00:00Z`), as every
other engine and modeler writes them.

SpiffWorkflow 3.2.0 evaluates a timer's text as an expression, so a bare P7D would be the unknown name P7D and
fail when the timer starts. avvik reads such text as the ISO value it plainly is: the release loader quotes
it in the parsed specs (quote_bare_timers), and the validator accepts it (engine/validation/timers.py), so
what passes validation is what runs.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from SpiffWorkflow.bpmn.specs.bpmn_process_spec import BpmnProcessSpec
from SpiffWorkflow.bpmn.specs.event_definitions.timer import TimerEventDefinition

__all__ = ["BARE_ISO", "is_bare_iso", "quote_bare_timers"]

# P3D, PT4H, P0D, R3/P1D, R/PT1H, 2025-01-31, 2025-01-31T08:00:00+01:00 (a digit right after P/PT, so a
# variable named e.g. `pt` is not mistaken for one)
BARE_ISO = re.compile(r"^(R\d*/.+|PT?\d[\dTWYMDHS.,]*|\d{4}-\d{2}-\d{2}([T ].*)?)$", re.IGNORECASE)


def is_bare_iso(text: str) -> bool:
    return bool(BARE_ISO.match(text.strip()))


def _timers(spec: BpmnProcessSpec) -> Iterable[TimerEventDefinition]:
    for task_spec in spec.task_specs.values():
        definition = getattr(task_spec, "event_definition", None)
        if isinstance(definition, TimerEventDefinition):
            yield definition


def quote_bare_timers(specs: Iterable[BpmnProcessSpec]) -> None:
    """Turn each bare ISO timer text into the string literal it means, in place."""
    for spec in specs:
        for timer in _timers(spec):
            if isinstance(timer.expression, str) and is_bare_iso(timer.expression):
                timer.expression = repr(timer.expression.strip())
