"""What forms provide to the rest of a definition set: field names, dotted field paths, decision kinds.

Forms refer to each other by file name ($ref "common.json#/$defs/datum"), so everything here reads through a
`referencing` registry of all forms in scope, the same way the engine validates submitted data.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any

from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

__all__ = ["build_registry", "resolve", "properties", "field_names", "has_path", "DECISION", "PROTECTED"]

DECISION = "x-avvik-decision"
PROTECTED = "x-avvik-protected"
_MAX_REFS = 20  # a longer $ref chain is a cycle
_MAX_DEPTH = 30  # forms are a few levels deep; this only stops pathological nesting


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


def resolve(node: Any, resolver: Any) -> tuple[dict[str, Any], Any]:
    """Follow a $ref chain; keywords beside the $ref (e.g. a title) win over the target's. May raise."""
    for _ in range(_MAX_REFS):
        if not isinstance(node, dict) or not isinstance(node.get("$ref"), str):
            break
        resolved = resolver.lookup(node["$ref"])
        target = resolved.contents if isinstance(resolved.contents, dict) else {}
        node, resolver = {**target, **{k: v for k, v in node.items() if k != "$ref"}}, resolved.resolver
    return (node if isinstance(node, dict) else {}), resolver


def properties(node: Any, resolver: Any, depth: int = 0) -> Iterator[tuple[str, dict[str, Any], Any]]:
    """(name, schema, resolver) of every property a value of this schema may have, through $ref and the
    combinators; an over-approximation on purpose, as a condition may read a field from any branch."""
    if depth > _MAX_DEPTH:
        return
    try:
        node, resolver = resolve(node, resolver)
    except Exception:
        return
    for name, child in (node.get("properties") or {}).items():
        if isinstance(child, dict):
            yield name, child, resolver
    for key in ("allOf", "anyOf", "oneOf"):
        for member in node.get(key) or []:
            yield from properties(member, resolver, depth + 1)
    for key in ("then", "else"):
        if isinstance(node.get(key), dict):
            yield from properties(node[key], resolver, depth + 1)


def field_names(registry: Registry, form: str) -> set[str]:
    """Top-level field names of a form: they become top-level keys of the case data."""
    try:
        schema = registry.contents(form)
    except Exception:
        return set()
    return {name for name, _, _ in properties(schema, registry.resolver(base_uri=form))}


def has_path(registry: Registry, form: str, dotted: str) -> bool:
    """Whether `a.b.c` names a field of the form, descending through object properties and $refs."""
    try:
        schema = registry.contents(form)
    except Exception:
        return False
    level = [(schema, registry.resolver(base_uri=form))]
    for part in dotted.split("."):
        level = [(child, res) for node, resolver in level for name, child, res in properties(node, resolver)
                 if name == part]
        if not level:
            return False
    return True
