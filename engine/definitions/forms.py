"""JSON Schema forms: one registry per release, `$ref` by file name, every error with its field path.

The one form model of the engine: the runtime (FormSet, Form) and the validator (the registry readers at the
end: field names, dotted field paths, protected fields, decision kinds) both read forms through it. Each form is
bundled into a self-contained schema when first used; fields are found with the one schema walker
(engine/definitions/schemawalk.py).

Messages are translated to Swedish per failing keyword, because jsonschema's own messages are English and
written for programmers.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any
from collections.abc import Iterable, Iterator, Mapping, Sequence

from jsonschema import Draft202012Validator, FormatChecker, validators
from jsonschema.exceptions import ValidationError
from jsonschema.protocols import Validator
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

from engine.definitions.actionlists import ActionList, action_lists
from engine.definitions.bundle import bundle
from engine.definitions.patterns import pattern_keyword
from engine.definitions.schemawalk import PROTECTED, Node, Walker, children, closure, fields, ref_cycles, subschemas
from engine.errors import DefinitionError

__all__ = ["FormSet", "Form", "MASKED", "DECISION", "PROTECTED", "swedish_errors", "value_at", "build_registry",
           "root_node", "field_names", "has_path", "touches_protected"]

DECISION = "x-avvik-decision"
EVENT_REF = "x-avvik-event-ref"  # an event number; the value names the link type the completed task records
UNIT = "x-avvik-unit"  # a unit id of the same legal entity; "move" moves the area case there
REPORT_EVENT = "x-avvik-report-event"  # a boolean: when true, report a new event linked by a sibling reference

_format_checker = FormatChecker(formats=())
# Patterns are matched in the browser's dialect (engine/definitions/patterns.py), so both sides agree.
_FormValidator = validators.extend(Draft202012Validator, {"pattern": pattern_keyword})


def _is_date(value: object) -> bool:
    return not isinstance(value, str) or bool(date.fromisoformat(value)) and len(value) == 10


def _is_datetime(value: object) -> bool:
    if not isinstance(value, str):
        return True
    parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    return "T" in value and parsed.tzinfo is not None


def _is_email(value: object) -> bool:
    if not isinstance(value, str):
        return True
    local, at, domain = value.partition("@")
    return bool(local and at and "." in domain and not any(c.isspace() for c in value))


# Registered by call rather than as decorators: jsonschema is untyped, and a decorator would hide the signatures.
_format_checker.checks("date", raises=ValueError)(_is_date)
_format_checker.checks("date-time", raises=ValueError)(_is_datetime)
_format_checker.checks("email")(_is_email)


MASKED = "[skyddat]"  # what a protected value is replaced by wherever it must not be shown


@dataclass(frozen=True)
class Form:
    """A form of a release. `schema` is self-contained (engine/definitions/bundle.py): it is what the API
    serves and what `validator` checks, so a client validating with it agrees with the engine."""

    name: str
    schema: dict[str, Any]
    ui_schema: dict[str, Any] | None
    validator: Validator  # Draft 2020-12 with the ECMA-262 `pattern`
    root: Node  # the schema as the walker sees it (engine/definitions/schemawalk.py)
    decision: str | None  # x-avvik-decision declared at the top level
    walker: Walker = field(default_factory=Walker, repr=False, compare=False)
    action_lists: tuple[ActionList, ...] = ()  # arrays whose items become actions (x-avvik-actions)
    event_refs: tuple[tuple[tuple[str, ...], str], ...] = ()  # (path, link type) of x-avvik-event-ref fields
    unit_fields: tuple[tuple[tuple[str, ...], str], ...] = ()  # (path, "unit" | "move") of x-avvik-unit fields
    report_events: tuple[tuple[tuple[str, ...], Any], ...] = ()  # (path, {unit, number}) of x-avvik-report-event

    def values_at(self, marked: tuple[tuple[tuple[str, ...], str], ...], data: Any) -> list[tuple[str, str, Any]]:
        """(slash path, keyword value, field value) of each marked field that data fills."""
        found = [("/".join(path), kind, value_at(data, path)) for path, kind in marked]
        return [(path, kind, value) for path, kind, value in found if value not in (None, "")]

    def protected_values(self, data: Any) -> bool:
        """Does data hold a value in any protected field (however deep: in array items, behind a $ref)?"""
        found: list[bool] = []
        _mask(data, self.walker.closure([self.root]), self.walker, found)
        return bool(found)

    def mask_protected(self, data: Any) -> Any:
        """A copy of data with every non-empty protected value replaced by MASKED: for the change log, which
        must not duplicate patient data, and for callers who may not see it. Fields are found by walking the
        data with the schema, so a protected field inside array items, behind a $ref or in an allOf/oneOf
        branch is masked too; nothing else changes."""
        return _mask(data, self.walker.closure([self.root]), self.walker, [])

    def with_defaults(self, data: dict[str, Any]) -> dict[str, Any]:
        """data plus the schema's `default` for each top-level field left out: conditions may read every field."""
        defaults = {
            key: prop["default"]
            for key, prop in (self.schema.get("properties") or {}).items()
            if isinstance(prop, dict) and "default" in prop
        }
        return {**defaults, **data}


def _mask(value: Any, nodes: tuple[Node, ...], walker: Walker, found: list[bool]) -> Any:
    if not nodes:  # no schema describes this part: nothing below it is declared protected
        return value
    if _protected(nodes):
        if value in (None, "", [], {}):  # nothing to hide
            return value
        found.append(True)
        return MASKED
    if isinstance(value, dict):
        return {key: _mask(item, walker.members(nodes, key), walker, found) for key, item in value.items()}
    if isinstance(value, list):
        return [_mask(item, walker.members(nodes, index), walker, found) for index, item in enumerate(value)]
    return value


class FormSet:
    """All forms of a release. Area forms shadow shared forms of the same file name within their area."""

    def __init__(self, files: Mapping[str, bytes]) -> None:
        self._schemas: dict[str, dict[str, dict[str, Any]]] = {}  # scope ("" = shared, else area) -> name -> schema
        self._ui: dict[str, dict[str, dict[str, Any]]] = {}
        for path, content in files.items():
            parts = path.split("/")
            if parts[0] == "forms" and len(parts) == 2:
                scope = ""
            elif parts[0] == "processes" and len(parts) == 4 and parts[2] == "forms":
                scope = parts[1]
            else:
                continue
            if not parts[-1].endswith(".json"):
                continue
            try:
                loaded = json.loads(content)
            except (ValueError, UnicodeDecodeError):
                raise DefinitionError(f"{path} är inte giltig JSON.") from None
            target = self._ui if parts[-1].endswith(".ui.json") else self._schemas
            target.setdefault(scope, {})[parts[-1]] = loaded
        self._cache: dict[tuple[str, str], Form] = {}

    def get(self, name: str, area: str = "", ui_name: str | None = None) -> Form:
        key = (area, name)
        if key not in self._cache:
            self._cache[key] = self._build(name, area, ui_name)
        return self._cache[key]

    def exists(self, name: str, area: str = "") -> bool:
        return name in self._schemas.get(area, {}) or name in self._schemas.get("", {})

    def _registry(self, area: str) -> Registry:
        merged = {**self._schemas.get("", {}), **self._schemas.get(area, {})}
        return Registry().with_resources(
            (name, Resource.from_contents(schema, default_specification=DRAFT202012)) for name, schema in merged.items()
        )

    def _lookup(self, table: dict[str, dict[str, dict[str, Any]]], name: str, area: str) -> dict[str, Any] | None:
        return table.get(area, {}).get(name) or table.get("", {}).get(name)

    def _build(self, name: str, area: str, ui_name: str | None) -> Form:
        if self._lookup(self._schemas, name, area) is None:
            raise DefinitionError(f"Formuläret {name} finns inte.")
        try:
            schema = bundle(name, self._registry(area))
        except Exception as exc:  # the validator refuses what cannot be resolved; this is the last guard
            raise DefinitionError(f"Formuläret {name} kan inte läsas: en hänvisning ($ref) går inte att följa.") \
                from exc
        own = Registry().with_resource(name, Resource.from_contents(schema, default_specification=DRAFT202012))
        root = Node(schema, own.resolver(base_uri=name), name)
        if next(ref_cycles(n for n in subschemas(root) if "$ref" in n.schema), None) is not None:
            raise DefinitionError(f"Formuläret {name} hänvisar ($ref) i en slinga och kan inte kontrolleras.")
        ui_name = ui_name or name.removesuffix(".json") + ".ui.json"
        return Form(
            name=name,
            schema=schema,
            ui_schema=self._lookup(self._ui, ui_name, area),
            validator=_FormValidator(schema, registry=own, format_checker=_format_checker),
            root=root,
            decision=schema.get(DECISION),
            action_lists=tuple(action_lists(root)),
            event_refs=tuple(_marked(root, EVENT_REF)),
            unit_fields=tuple(_marked(root, UNIT)),
            report_events=tuple(_marked(root, REPORT_EVENT)),
        )


def _marked(root: Node, keyword: str) -> Iterator[tuple[tuple[str, ...], Any]]:
    """(property path, keyword value) of every field outside arrays whose schema carries the keyword, found with
    the one schema walker (behind $refs and in allOf/then branches alike)."""
    for found in fields(root):
        value = found.keyword(keyword)
        if value and all(isinstance(segment, str) for segment in found.path):
            yield tuple(str(segment) for segment in found.path), value


def value_at(data: Any, path: Sequence[str]) -> Any:
    """The value at a property path of form data (None where the path does not lead)."""
    for key in path:
        data = data.get(key) if isinstance(data, dict) else None
    return data


def swedish_errors(form: Form, data: Any) -> list[dict[str, str]]:
    """Every validation error of data against form, as {path, message} in Swedish, sorted by path."""
    errors = [_translate(error) for error in form.validator.iter_errors(data)]
    return sorted(errors, key=lambda e: (e["path"], e["message"]))


def _pointer(parts: Iterable[Any]) -> str:
    return "/".join(str(p) for p in parts)


def _translate(error: ValidationError) -> dict[str, str]:
    path = list(error.absolute_path)
    kind = error.validator
    value = error.validator_value
    if kind == "required":
        missing = error.message.split("'")[1] if "'" in error.message else ""
        return {"path": _pointer([*path, missing]), "message": "Fältet måste fyllas i."}
    if kind == "additionalProperties":
        known = set(error.schema.get("properties", {}))
        extras = sorted(set(error.instance) - known) if isinstance(error.instance, dict) else []
        return {"path": _pointer([*path, *(extras[:1])]), "message": f"Okänt fält: {', '.join(extras)}."}
    messages = {
        "type": "Fel typ av värde.",
        "enum": "Värdet är inte ett av de tillåtna alternativen.",
        "const": "Värdet är inte det tillåtna.",
        "oneOf": "Värdet är inte ett av de tillåtna alternativen.",
        "anyOf": "Värdet är inte ett av de tillåtna alternativen.",
        "minLength": f"För kort: minst {value} tecken.",
        "maxLength": f"För långt: högst {value} tecken.",
        "minItems": f"Välj minst {value}.",
        "maxItems": f"Välj högst {value}.",
        "uniqueItems": "Samma värde får bara väljas en gång.",
        "minimum": f"Lägsta tillåtna värde är {value}.",
        "maximum": f"Högsta tillåtna värde är {value}.",
        "pattern": "Värdet har fel format.",
        "not": "Fältet ska inte fyllas i med de andra svaren.",
        "format": {
            "date": "Ange ett datum (ÅÅÅÅ-MM-DD).",
            "date-time": "Ange datum och tid med tidszon.",
            "email": "Ange en giltig e-postadress.",
        }.get(
            str(value), "Värdet har fel format."
        ),
    }
    return {"path": _pointer(path), "message": messages.get(str(kind), "Värdet är inte giltigt.")}


# --- reading forms through a registry of every form in scope (the validator) -------------------------------

def _protected(nodes: Iterable[Node]) -> bool:
    """Whether a schema describing this value declares it protected."""
    return any(node.schema.get(PROTECTED) is True for node in nodes)


def build_registry(forms: Iterable[tuple[str, Any]]) -> Registry:
    """Forms by file name; a later form of the same name (an area's own) shadows an earlier (shared) one."""
    resources = []
    for name, schema in forms:
        if not isinstance(schema, dict):
            continue
        try:
            resource = Resource.from_contents(schema, default_specification=DRAFT202012)
        except Exception:  # an unknown $schema: still resolvable as 2020-12
            resource = DRAFT202012.create_resource(schema)
        resources.append((name, resource))
    return Registry().with_resources(resources)


def root_node(registry: Registry, form: str) -> Node | None:
    """The form as the schema walker sees it; None if it is not in the registry."""
    try:
        schema = registry.contents(form)
    except Exception:
        return None
    return Node(schema, registry.resolver(base_uri=form), form) if isinstance(schema, dict) else None


def field_names(registry: Registry, form: str) -> set[str]:
    """Top-level field names of a form: they become top-level keys of the case data. Over-approximated on
    purpose (every allOf/anyOf/oneOf/then/else branch counts), as a condition may read a field from any."""
    root = root_node(registry, form)
    return {k for k in children(closure([root])) if isinstance(k, str)} if root else set()


def has_path(registry: Registry, form: str, dotted: str) -> bool:
    """Whether `a.b.c` names a field of the form, descending through object properties and $refs."""
    root = root_node(registry, form)
    level = closure([root]) if root else ()
    for part in dotted.split("."):
        declared = children(level).get(part)
        if not declared:
            return False
        level = closure(declared)
    return True


def touches_protected(registry: Registry, form: str, dotted: str) -> bool:
    """Whether `a.b` is, lies inside or holds a protected field of the form: printing it could show one."""
    root = root_node(registry, form)
    level = closure([root]) if root else ()
    for part in dotted.split("."):
        if _protected(level):
            return True
        declared = children(level).get(part)
        if not declared:
            return False
        level = closure(declared)
    if _protected(level):
        return True
    return any(f.protected for node in level for f in fields(node))
