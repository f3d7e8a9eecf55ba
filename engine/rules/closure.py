"""Closure rules: may this area case close, and if not, exactly why not — down to each blocking action.

Pure: the caller gathers the case data, the decisions recorded and the case's own actions.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from collections.abc import Iterable, Mapping

from engine.definitions.areas import ClosureRule
from engine.errors import SandboxError
from engine.rules.lifecycle import STATUS_LABELS, TERMINAL_STATUSES
from engine.sandbox import evaluate

__all__ = ["ActionState", "RuleResult", "evaluate_rules", "unmet"]


@dataclass(frozen=True)
class ActionState:
    """What closure needs to know of one of the case's actions, and what it tells when the action blocks."""

    id: int
    title: str
    status: str
    owner: str | None

    def to_dict(self) -> dict[str, Any]:
        return {"id": self.id, "title": self.title, "status": self.status,
                "status_label": STATUS_LABELS.get(self.status, self.status), "owner": self.owner}


@dataclass(frozen=True)
class RuleResult:
    id: str
    met: bool
    applies: bool
    message: str
    blocking: tuple[ActionState, ...] | None = None  # actions_terminal rules: the actions not yet terminal

    def to_dict(self) -> dict[str, Any]:
        result = {"id": self.id, "met": self.met, "applies": self.applies, "message": self.message}
        if self.blocking is not None:
            result["actions"] = [a.to_dict() for a in self.blocking]
        return result


def _lookup(data: Mapping[str, Any], dotted: str) -> Any:
    value: Any = data
    for part in dotted.split("."):
        if not isinstance(value, Mapping) or part not in value:
            return None
        value = value[part]
    return value


def _filled(value: Any) -> bool:
    return value not in (None, "", [], {})


class _Missing(dict[str, Any]):
    """Case data for `when` conditions: a field not filled yet reads as None instead of failing the rule."""

    def __missing__(self, key: str) -> None:
        return None


def _applies(rule: ClosureRule, data: Mapping[str, Any]) -> bool:
    if not rule.when:
        return True
    try:
        return bool(evaluate(rule.when, _Missing(data)))
    except SandboxError:
        # A condition over data that is not there yet (e.g. None >= 3) cannot hold.
        return False


def evaluate_rules(
    rules: Iterable[ClosureRule],
    data: Mapping[str, Any],
    decisions: Iterable[str],
    actions: Iterable[ActionState],
) -> list[RuleResult]:
    recorded = set(decisions)
    open_actions = tuple(a for a in actions if a.status not in TERMINAL_STATUSES)
    results = []
    for rule in rules:
        applies = _applies(rule, data)
        blocking = None
        if not applies:
            met = True
        elif rule.kind == "actions_terminal":
            met, blocking = not open_actions, open_actions
        elif rule.kind == "fields_filled":
            met = all(_filled(_lookup(data, field)) for field in rule.fields)
        elif rule.kind == "decision_recorded":
            met = rule.decision in recorded
        else:  # the validator refuses unknown kinds; never let one silently pass
            met = False
        results.append(RuleResult(rule.id, met, applies, rule.message, blocking))
    return results


def unmet(results: Iterable[RuleResult]) -> list[dict[str, Any]]:
    return [r.to_dict() for r in results if not r.met]
