"""What forms provide to the rest of a definition set: field names, dotted field paths, decision kinds.

Forms refer to each other by file name ($ref "common.json#/$defs/datum"), so everything here reads through a
`referencing` registry of all forms in scope, with the engine's own schema walker (engine/definitions/
schemawalk.py).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

from engine.definitions.schemawalk import PROTECTED, Node, children, closure, fields

__all__ = ["build_registry", "root_node", "field_names", "has_path", "touches_protected", "DECISION", "PROTECTED"]

DECISION = "x-avvik-decision"


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
        if any(node.schema.get(PROTECTED) is True for node in level):
            return True
        declared = children(level).get(part)
        if not declared:
            return False
        level = closure(declared)
    if any(node.schema.get(PROTECTED) is True for node in level):
        return True
    return any(f.protected for node in level for f in fields(node))
