"""Authorization as pure functions: a role granted on a unit covers that unit's whole subtree."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Iterable

__all__ = ["Grant", "covers", "roles_at"]


@dataclass(frozen=True)
class Grant:
    role: str
    unit_id: str
    unit_path: str


def covers(grant_path: str, unit_path: str) -> bool:
    """Paths end with '/', so '/a/b/' covers '/a/b/c/' but not '/a/bc/'."""
    return unit_path.startswith(grant_path)


def roles_at(grants: Iterable[Grant], unit_path: str) -> set[str]:
    return {g.role for g in grants if covers(g.unit_path, unit_path)}
