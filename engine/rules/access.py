"""Authorization as pure functions: role × unit subtree × area.

A role granted on a unit covers that unit's whole subtree. Within that subtree a role reads an area case only if
it takes part in the area: a lane role of the area's processes (who also writes) or a reader the area declares.
Protected fields (x-avvik-protected) go only to the roles the area names for them. A restricted case (one of the
area's restricting decisions recorded, e.g. lex Sarah) is readable only by the roles the area names for that.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import Any
from collections.abc import Callable, Iterable, Mapping

__all__ = ["CaseStatus", "Grant", "acting_for", "acting_for_case", "AreaAccess", "CaseScope", "covers", "covers_any",
           "roles_at", "case_roles"]


class CaseStatus(StrEnum):
    """Where an event or an area case stands. A StrEnum: the stored values are these plain strings."""

    SUBMITTED = "submitted"  # reported, no person's step done yet
    IN_PROGRESS = "in_progress"
    CLOSED = "closed"
    REMOVED = "removed"  # an area case taken off its event at triage: never shown, never counted
    CULLED = "culled"  # emptied by retention (engine/records/retention.py): the number and dates stay


@dataclass(frozen=True)
class Grant:
    role: str
    unit_id: str
    unit_path: str
    on_behalf_of: str | None = None  # a deputy's grant: the principal it is held for


def acting_for(grants: Iterable[Grant], role: str, unit_path: str) -> str | None:
    """Whom a user acts for when using `role` at `unit_path`: None if they hold it themselves, else the
    principal of the deputyship that gives it."""
    return acting_for_case(grants, lambda roles: role in roles, unit_path, unit_path)


def acting_for_case(grants: Iterable[Grant], allowed: Callable[[set[str]], bool], case_unit_path: str,
                    event_unit_path: str) -> str | None:
    """Whom a user acts for when doing what `allowed` asks of their roles on an area case: None if their own
    grants allow it, else the first principal whose deputy grants (beside the user's own) do."""
    grants = list(grants)
    own = [g for g in grants if g.on_behalf_of is None]
    if allowed(case_roles(own, case_unit_path, event_unit_path)):
        return None
    for principal in sorted({g.on_behalf_of for g in grants if g.on_behalf_of}):
        theirs = own + [g for g in grants if g.on_behalf_of == principal]
        if allowed(case_roles(theirs, case_unit_path, event_unit_path)):
            return principal
    return None


@dataclass(frozen=True)
class AreaAccess:
    """Who takes part in one area, from its area.yaml and the lanes of its processes."""

    area: str
    workers: frozenset[str]  # lane roles: read and write (actions, title, areas, exports)
    readers: frozenset[str]  # declared readers: read only
    protected: frozenset[str]  # see protected fields unmasked
    restricting_decisions: frozenset[str] = frozenset()  # once one of these is recorded ...
    restricted_to: frozenset[str] = frozenset()  # ... only these roles read the case

    def restricted(self, case_data: Mapping[str, Any]) -> bool:
        return any(case_data.get(kind) not in (None, {}, "") for kind in self.restricting_decisions)

    def can_read(self, roles: set[str], case_data: Mapping[str, Any]) -> bool:
        allowed = self.restricted_to if self.restricted(case_data) else self.workers | self.readers
        return bool(roles & allowed)

    def can_write(self, roles: set[str], case_data: Mapping[str, Any]) -> bool:
        return self.can_read(roles, case_data) and bool(roles & self.workers)

    def sees_protected(self, roles: set[str], case_data: Mapping[str, Any]) -> bool:
        return self.can_read(roles, case_data) and bool(roles & self.protected)

    @property
    def all_roles(self) -> frozenset[str]:
        return self.workers | self.readers


@dataclass(frozen=True)
class CaseScope:
    """Area cases a user reads, for queries that count rather than load (statistics): the cases of `area` that
    happened or are handled under `unit_path`; the ordinary ones if `ordinary`, the restricted ones (a case whose
    data holds one of `restricting_decisions`) if `restricted`. The same rule as CaseAccess.read, stated as data
    so the store can turn it into one SQL condition."""

    unit_path: str
    area: str
    ordinary: bool
    restricted: bool
    restricting_decisions: tuple[str, ...]


def covers(grant_path: str, unit_path: str) -> bool:
    """Paths end with '/', so '/a/b/' covers '/a/b/c/' but not '/a/bc/'."""
    return unit_path.startswith(grant_path)


def covers_any(grants: Iterable[Grant], unit_paths: Iterable[str]) -> bool:
    paths = list(unit_paths)
    return any(covers(g.unit_path, path) for g in grants for path in paths)


def roles_at(grants: Iterable[Grant], unit_path: str) -> set[str]:
    return {g.role for g in grants if covers(g.unit_path, unit_path)}


def case_roles(grants: Iterable[Grant], case_unit_path: str, event_unit_path: str) -> set[str]:
    """The roles a user holds over an area case: over the unit handling it or the unit where it happened."""
    grants = list(grants)
    return roles_at(grants, case_unit_path) | roles_at(grants, event_unit_path)
