"""Who sees and changes what: the one place every use case asks, by role × unit subtree × area.

The rule itself is pure (engine/rules/access.py); this module applies it to stored events: which of an event's
area cases a user may read or write, whether protected fields are shown to them, and the masked copies of data
for everyone else. Someone who may see no area of an event (and did not report it) is told it does not exist.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from collections.abc import Callable, Iterable

from engine.context import Context
from engine.definitions.forms import Form
from engine.definitions.release import AreaDefinition, Release
from engine.errors import NotFound, PermissionDenied
from engine.rules.access import AreaAccess, CaseScope, CaseStatus, Grant, acting_for_case, case_roles
from engine.store import bindings as binding_store
from engine.store import deputies as deputy_store
from engine.store import events as event_store
from engine.store import outbox as outbox_store
from engine.store.models import AreaCase, Event

__all__ = [
    "AUDITOR_ROLE",
    "OWNER_ROLE",
    "ADMIN_ROLE",
    "CaseStatus",
    "NOT_VISIBLE",
    "grants_of",
    "people_over",
    "deputies_in_force",
    "CaseAccess",
    "EventAccess",
    "acting_as",
    "event_access",
    "access_for",
    "case_access",
    "active_access",
    "role_areas",
    "what_role_sees",
    "visible_scopes",
    "CaseScope",
    "case_scopes",
    "report_forms",
]

# The roles the engine itself gives rights to; every other role is named by the definitions (area.yaml).
AUDITOR_ROLE = "revisor"  # reads the logs of the units it holds the role on
OWNER_ROLE = "processagare"  # publishes releases and binds them to the units it holds the role on
ADMIN_ROLE = "forvaltare"  # sees and retries the notification outbox of its units
NOT_VISIBLE = "Händelsen finns inte eller så saknar du behörighet."


def grants_of(ctx: Context, user_id: str) -> list[Grant]:
    """Every grant a user acts with now: their own, and each role a principal has named them deputy for, while
    the deputyship is in force and the principal still holds the role (marked with `on_behalf_of`). Worklists,
    event views, task work and notifications all take grants from here, so a deputy sees and works exactly
    what the principal would."""
    rows = deputy_store.grants_with_deputyships(ctx.session, user_id, ctx.clock())
    return [Grant(role, unit_id, path, principal) for role, unit_id, path, principal in rows]


def people_over(ctx: Context, unit_paths: list[str], roles: list[str] | None) -> list[str]:
    """Candidates for a notification: active users holding one of `roles` (any if None) over the units, and
    their deputies in force now. The caller narrows them with the access rule over grants_of."""
    holders = outbox_store.users_with_roles_over(ctx.session, unit_paths, roles)
    return sorted(set(holders) | set(deputies_in_force(ctx, holders)))


def deputies_in_force(ctx: Context, principal_ids: list[str]) -> list[str]:
    """Who stands in for these people now (a deputyship whose period covers the clock)."""
    return deputy_store.active_deputies_of(ctx.session, principal_ids, ctx.clock())


@dataclass(frozen=True)
class CaseAccess:
    case: AreaCase
    release: Release
    definition: AreaDefinition
    roles: frozenset[str]
    grants: tuple[Grant, ...] = ()  # what `roles` come from: a deputy's grants name their principal

    @property
    def read(self) -> bool:
        return (self.case.status != CaseStatus.REMOVED
                and self.definition.access.can_read(set(self.roles), self.case.data))

    @property
    def write(self) -> bool:
        return self.read and self.definition.access.can_write(set(self.roles), self.case.data)

    @property
    def protected(self) -> bool:
        return self.read and self.definition.access.sees_protected(set(self.roles), self.case.data)

    def acting_for(self, allowed: Callable[[set[str]], bool] | None = None) -> str | None:
        """The principal the user changes this case for (None: in their own right); `allowed` is what the change
        asks of their roles, writing by default."""
        def writes(roles: set[str]) -> bool:
            return self.definition.access.can_write(roles, self.case.data)
        return acting_for_case(self.grants, allowed or writes, self.case.unit_path, self.case.event.unit_path)

    def forms(self) -> list[Form]:
        """Every form whose fields can be in this case's data: the report's and the area's task forms."""
        names = {info.form for info in self.definition.user_tasks.values() if info.form}
        area = self.definition.area.id
        return report_forms(self.release) + [self.release.forms.get(n, area) for n in sorted(names)]

    def data(self) -> dict[str, Any]:
        """The case data as this user may see it: protected values masked unless the area grants them."""
        return self.case.data if self.protected else _masked(self.forms(), self.case.data)


@dataclass(frozen=True)
class EventAccess:
    event: Event
    grants: list[Grant]
    reporter: bool
    cases: list[CaseAccess]  # every live area case of the event, readable or not

    @property
    def readable(self) -> list[CaseAccess]:
        return [c for c in self.cases if c.read]

    @property
    def handler(self) -> bool:
        return bool(self.readable)

    @property
    def protected(self) -> bool:
        return any(c.protected for c in self.cases)

    def areas(self) -> set[str]:
        return {c.case.area for c in self.readable}

    def require_handler(self) -> None:
        """The reporter knows the event exists: 403 for them, 404 for everyone else."""
        if not self.handler:
            if self.reporter:
                raise PermissionDenied("Som rapportör följer du status och återkoppling, inte handläggningen.")
            raise NotFound(NOT_VISIBLE)

    def writer(self, area: str | None = None) -> CaseAccess:
        """The case the user may change: of `area`, or any writable one. Readers get 403, others 404."""
        self.require_handler()
        candidates = [c for c in self.readable if area is None or c.case.area == area]
        if area is not None and not candidates:
            raise NotFound("Händelsen har inget sådant område, eller så saknar du behörighet.")
        for candidate in candidates:
            if candidate.write:
                return candidate
        raise PermissionDenied("Ändringen kräver en roll som arbetar i området på händelsens enhet.")

    def report(self) -> dict[str, Any]:
        """The report as this user may see it: protected values only to someone who sees them in some area."""
        if self.protected or not self.cases:
            return self.event.data
        return _masked(report_forms(self.cases[0].release), self.event.data)


def report_forms(release: Release) -> list[Form]:
    return [release.forms.get(release.intake.form), release.forms.get(release.intake.public_form)]


def _masked(forms: Iterable[Form], data: dict[str, Any]) -> dict[str, Any]:
    for form in forms:
        data = form.mask_protected(data)
    return data


def case_access(ctx: Context, grants: list[Grant], case: AreaCase) -> CaseAccess:
    record, release = ctx.release_by_id(case.release_id)
    definition = release.variants[(case.area, case.variant)]
    return CaseAccess(case, release, definition, frozenset(case_roles(grants, case.unit_path, case.event.unit_path)),
                      tuple(grants))


def acting_as(ctx: Context, access: CaseAccess, allowed: Callable[[set[str]], bool] | None = None) -> CaseAccess:
    """Note for this use case's change log on whose behalf the user changes the case (a deputy's principal)."""
    ctx.on_behalf_of = access.acting_for(allowed)
    return access


def access_for(ctx: Context, event: Event, actor_id: str | None, grants: list[Grant]) -> EventAccess:
    cases = [case_access(ctx, grants, c) for c in event.area_cases if c.status != CaseStatus.REMOVED]
    return EventAccess(event, grants, actor_id is not None and event.reporter_id == actor_id, cases)


def event_access(ctx: Context, number: str, actor_id: str) -> EventAccess:
    """The event as the actor may see it; NotFound (no leak) if they reported it not and see none of its areas."""
    event = event_store.event_by_number(ctx.session, number) if isinstance(number, str) else None
    if event is None:
        raise NotFound(NOT_VISIBLE)
    access = access_for(ctx, event, actor_id, grants_of(ctx, actor_id))
    if not (access.reporter or access.handler):
        raise NotFound(NOT_VISIBLE)
    return access


def active_access(ctx: Context) -> list[AreaAccess]:
    """The access declarations of every area variant some unit runs."""
    result: list[AreaAccess] = []
    for release_id in binding_store.active_release_ids(ctx.session):
        _, release = ctx.release_by_id(release_id)
        result.extend(definition.access for definition in release.variants.values())
    return result


def role_areas(ctx: Context) -> dict[str, set[str]]:
    """Role -> the areas it may read in some active release: a superset the list queries narrow down by index."""
    result: dict[str, set[str]] = {}
    for access in active_access(ctx):
        for role in access.all_roles | access.restricted_to:
            result.setdefault(role, set()).add(access.area)
    return result


def what_role_sees(declared: list[AreaAccess], role: str) -> dict[str, list[str]]:
    """For `GET /me`: the areas a role reads, works in and sees protected fields of, among `declared` (the
    active releases' declarations, from active_access)."""
    return {
        "reads": sorted({a.area for a in declared if role in a.all_roles}),
        "works_in": sorted({a.area for a in declared if role in a.workers}),
        "protected": sorted({a.area for a in declared if role in a.protected}),
    }


def visible_scopes(ctx: Context, grants: list[Grant]) -> list[tuple[str, list[str]]]:
    """(unit path, areas) pairs a user's grants cover, merged per path."""
    areas_of = role_areas(ctx)
    scopes: dict[str, set[str]] = {}
    for grant in grants:
        if areas_of.get(grant.role):
            scopes.setdefault(grant.unit_path, set()).update(areas_of[grant.role])
    return [(path, sorted(areas)) for path, areas in sorted(scopes.items())]



def case_scopes(ctx: Context, grants: list[Grant]) -> list[CaseScope]:
    """Every (grant path, area) a user's grants cover, from the active releases' access declarations.

    A role reads an area's ordinary cases if it takes part in the area (AreaAccess.all_roles) and its restricted
    cases if the area names it for those (AreaAccess.restricted_to); roles are merged per path, which is what
    case_roles does per case (the roles over the case's or the event's unit)."""
    declared = active_access(ctx)
    merged: dict[tuple[str, str], tuple[bool, bool, set[str]]] = {}
    for grant in grants:
        for access in declared:
            ordinary = grant.role in access.all_roles
            restricted = grant.role in access.restricted_to
            if not (ordinary or restricted):
                continue
            key = (grant.unit_path, access.area)
            was_ordinary, was_restricted, kinds = merged.get(key, (False, False, set()))
            merged[key] = (was_ordinary or ordinary, was_restricted or restricted,
                           kinds | set(access.restricting_decisions))
    return [CaseScope(path, area, ordinary, restricted, tuple(sorted(kinds)))
            for (path, area), (ordinary, restricted, kinds) in sorted(merged.items())]
