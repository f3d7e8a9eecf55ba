"""area.yaml and intake.yaml as typed, immutable values.

The validator owns the located error messages; this module only reads what already passed it, so it raises
DefinitionError with a short message if called on something that did not.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from engine.definitions.variables import Variable, parse_variable
from engine.definitions.yamlfile import load_yaml
from engine.errors import DefinitionError

__all__ = ["ClosureRule", "Area", "Intake", "parse_area", "parse_intake"]


@dataclass(frozen=True)
class ClosureRule:
    id: str
    kind: str  # actions_terminal | fields_filled | decision_recorded
    message: str
    when: str | None = None
    fields: tuple[str, ...] = ()
    decision: str | None = None


@dataclass(frozen=True)
class Area:
    id: str
    name: str
    entry_process: str
    roles: dict[str, str]  # role id -> Swedish name
    variables: dict[str, Any] = field(default_factory=dict)  # name -> default value
    declarations: dict[str, Variable] = field(default_factory=dict)  # name -> type and bounds
    closing_tasks: frozenset[str] = frozenset()
    closure_rules: tuple[ClosureRule, ...] = ()
    retention_class: str | None = None
    # A unit kind (e.g. lab): the area's cases are handled by the nearest such unit, not where it happened.
    responsible_unit_kind: str | None = None
    # Unit kinds where the area's cases may be handled; a move at triage goes only to such a unit. Empty: any.
    unit_kinds: frozenset[str] = frozenset()
    # access: (engine/rules/access.py): read-only roles, roles that see protected fields (None: the lane roles),
    # and the decisions after which only restricted_to reads the case.
    readers: tuple[str, ...] = ()
    protected_roles: tuple[str, ...] | None = None
    restricting_decisions: tuple[str, ...] = ()
    restricted_to: tuple[str, ...] = ()
    # Roles that may reopen a closed case of the area (with a reason); none: a closed case stays closed.
    reopen_roles: frozenset[str] = frozenset()


@dataclass(frozen=True)
class Intake:
    form: str  # what staff fill
    public_form: str  # what the public channel fills (complaints and suggestions without login)
    ui_form: str | None
    routing_process: str
    fallback_area: str
    fallback_area_by_unit_kind: dict[str, str] = field(default_factory=dict)


def _load_mapping(text: bytes, name: str) -> dict[str, Any]:
    loaded = load_yaml(text, name)
    if not isinstance(loaded, dict):
        raise DefinitionError(f"{name} ska innehålla nycklar och värden.")
    return loaded


def parse_area(text: bytes, name: str) -> Area:
    raw = _load_mapping(text, name)
    try:
        rules = tuple(
            ClosureRule(
                id=str(r["id"]),
                kind=str(r["kind"]),
                message=str(r["message"]),
                when=r.get("when"),
                fields=tuple(r.get("fields") or ()),
                decision=r.get("decision"),
            )
            for r in raw.get("closure_rules") or ()
        )
        roles = {str(k): str((v or {}).get("name", k)) for k, v in (raw.get("roles") or {}).items()}
        access = raw.get("access") or {}
        restricted = access.get("restricted") or {}
        protected = access.get("protected")
        declarations = {str(k): parse_variable(str(k), v) for k, v in (raw.get("variables") or {}).items()}
        return Area(
            id=str(raw["id"]),
            name=str(raw["name"]),
            entry_process=str(raw["entry_process"]),
            roles=roles,
            variables={name: variable.default for name, variable in declarations.items()},
            declarations=declarations,
            closing_tasks=frozenset(raw.get("closing_tasks") or ()),
            closure_rules=rules,
            retention_class=raw.get("retention_class"),
            responsible_unit_kind=raw.get("responsible_unit_kind"),
            unit_kinds=frozenset(str(k) for k in raw.get("unit_kinds") or ()),
            readers=tuple(access.get("readers") or ()),
            protected_roles=tuple(protected) if protected is not None else None,
            restricting_decisions=tuple(restricted.get("after_decisions") or ()),
            restricted_to=tuple(restricted.get("roles") or ()),
            reopen_roles=frozenset(raw.get("reopen_roles") or ()),
        )
    except (KeyError, TypeError, AttributeError) as exc:
        raise DefinitionError(f"{name} saknar eller har fel på nyckeln {exc}.") from None


def parse_intake(text: bytes, name: str) -> Intake:
    raw = _load_mapping(text, name)
    try:
        return Intake(
            form=str(raw["form"]),
            public_form=str(raw["public_form"]),
            ui_form=raw.get("ui_form"),
            routing_process=str(raw["routing_process"]),
            fallback_area=str(raw["fallback_area"]),
            fallback_area_by_unit_kind=dict(raw.get("fallback_area_by_unit_kind") or {}),
        )
    except (KeyError, TypeError) as exc:
        raise DefinitionError(f"{name} saknar nyckeln {exc}.") from None
