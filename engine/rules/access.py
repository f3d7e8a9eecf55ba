"""Authorization as pure functions: a role granted on a unit covers that unit's whole subtree."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Iterable

__all__ = ["Grant", "covers", "covers_any", "roles_at"]


@dataclass(frozen=True)
class Grant:
    role: str
    unit_id: str
    unit_path: str


def covers(grant_path: str, unit_path: str) -> bool:
    """Paths end with '/', so '/a/b/' covers '/a/b/c/' but not '/a/bc/'."""
    return unit_path.startswith(grant_path)


def covers_any(grants: Iterable[Grant], unit_paths: Iterable[str]) -> bool:
    paths = list(unit_paths)
    return any(covers(g.unit_path, path) for g in grants for path in paths)


def roles_at(grants: Iterable[Grant], unit_path: str) -> set[str]:
    return {g.role for g in grants if covers(g.unit_path, unit_path)}
