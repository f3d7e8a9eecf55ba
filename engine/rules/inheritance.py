"""Configuration inherited down the org tree: the nearest unit with its own setting wins. Pure."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from collections.abc import Mapping, Sequence

__all__ = ["ancestry", "Resolved", "nearest", "merged_variables"]


def ancestry(unit_path: str) -> list[str]:
    """Unit ids from the root down to the unit itself: '/rs/ks/ks-akut/' -> ['rs', 'ks', 'ks-akut']."""
    return [part for part in unit_path.split("/") if part]


@dataclass(frozen=True)
class Resolved:
    value: Any
    from_unit: str | None  # None: the release default


def nearest(chain: Sequence[str], settings: Mapping[str, Any]) -> Resolved | None:
    """The setting of the deepest unit in chain that has one."""
    for unit_id in reversed(chain):
        if unit_id in settings:
            return Resolved(settings[unit_id], unit_id)
    return None


def merged_variables(
    chain: Sequence[str], defaults: Mapping[str, Any], overlays: Mapping[str, Mapping[str, Any]]
) -> dict[str, Resolved]:
    """Each declared variable's effective value and where it comes from; overlays are per unit id."""
    result = {key: Resolved(value, None) for key, value in defaults.items()}
    for key in defaults:
        found = nearest(chain, {unit: values[key] for unit, values in overlays.items() if key in values})
        if found is not None:
            result[key] = found
    return result
