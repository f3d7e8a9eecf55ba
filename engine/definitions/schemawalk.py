"""The one walker over form schemas (JSON Schema 2020-12), used by the validator and the runtime alike.

A value in a form's data is described by several schemas at once: the one declaring it, what its `$ref`
points to (in the same file or another: `common.json#/$defs/datumtid`), the members of allOf/anyOf/oneOf and
the then/else branches (`if` only states a condition). `closure` gathers them; `members` and `children` give
the schemas describing a value's parts (`properties`, `additionalProperties`, `items`, `prefixItems`). Every
branch counts, on purpose: a field protected in any branch is protected. Each schema is visited once per
value, so reference cycles end. `ref_cycles` finds the loops of references that never reach a part of the
value, on which validation itself would never end (RecursionError on the first submission).

Schemas are looked up through a `referencing` resolver, as jsonschema does when it validates.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any
from urllib.parse import unquote, urljoin

__all__ = ["PROTECTED", "DATA_KEYS", "ANY_ITEM", "ANY_KEY", "Node", "Field", "Walker", "closure", "members",
           "children", "fields", "subschemas", "ref_cycles", "json_pointer"]

PROTECTED = "x-avvik-protected"


class Wildcard:
    """A path segment standing for many: any array element, or any undeclared key."""

    def __init__(self, label: str) -> None:
        self.label = label

    def __repr__(self) -> str:
        return self.label


ANY_ITEM = Wildcard("[*]")  # any element of an array (`items`)
ANY_KEY = Wildcard("{*}")  # any key not declared in `properties` (`additionalProperties`)
Segment = str | int | Wildcard  # a property name, a prefixItems index, or a wildcard
DATA_KEYS = frozenset({"const", "enum", "default", "examples"})  # values here are data, never schemas
MAX_DEPTH = 32  # forms are a few levels deep; a schema nested deeper is not walked further
_DESCRIBING = ("allOf", "anyOf", "oneOf")
_BRANCHES = ("then", "else")


def json_pointer(*parts: Any) -> str:
    """A JSON pointer suffix for `parts`, e.g. json_pointer("properties", "a/b") == "/properties/a~1b"."""
    return "".join("/" + str(p).replace("~", "~0").replace("/", "~1") for p in parts)


@dataclass(frozen=True)
class Node:
    """One schema object, where it is written (form file and JSON pointer), and how its $refs resolve."""

    schema: dict[str, Any]
    resolver: Any  # referencing.Resolver at this schema's base URI
    file: str
    pointer: str = ""

    def at(self, *parts: Any) -> Node | None:
        """The subschema at `parts` below this one, if it is a schema object."""
        value: Any = self.schema
        for part in parts:
            if isinstance(value, dict):
                value = value.get(part)
            elif isinstance(value, list) and isinstance(part, int) and 0 <= part < len(value):
                value = value[part]
            else:
                return None
        if not isinstance(value, dict):
            return None
        return Node(value, self.resolver, self.file, self.pointer + json_pointer(*parts))

    def follow(self) -> Node | None:
        """The target of this schema's $ref; None if it has none or it cannot be resolved (the validator says
        which)."""
        ref = self.schema.get("$ref")
        if not isinstance(ref, str):
            return None
        try:
            resolved = self.resolver.lookup(ref)
        except Exception:  # referencing raises several kinds for a missing file, pointer or anchor
            return None
        if not isinstance(resolved.contents, dict):
            return None
        base, _, fragment = ref.partition("#")
        file = urljoin(self.file, base) if base else self.file
        return Node(resolved.contents, resolved.resolver, file, unquote(fragment) if fragment.startswith("/") else "")


def _in_place(node: Node, conditions: bool = False) -> Iterator[Node]:
    """The schemas that apply to the very value `node` applies to; with conditions=True also `if`, `not` and
    dependentSchemas, which validation evaluates without describing the value."""
    for key in _DESCRIBING:
        for index in range(len(node.schema[key]) if isinstance(node.schema.get(key), list) else 0):
            if (member := node.at(key, index)) is not None:
                yield member
    for key in (*_BRANCHES, "if", "not") if conditions else _BRANCHES:
        if (branch := node.at(key)) is not None:
            yield branch
    dependent = node.schema.get("dependentSchemas") if conditions else None
    for name in dependent if isinstance(dependent, dict) else ():
        if (schema := node.at("dependentSchemas", name)) is not None:
            yield schema
    if (target := node.follow()) is not None:
        yield target


def closure(nodes: Iterable[Node]) -> tuple[Node, ...]:
    """`nodes` and every schema applying to the same value through them, each once."""
    found: dict[int, Node] = {}
    stack = list(nodes)
    while stack:
        node = stack.pop()
        if id(node.schema) not in found:
            found[id(node.schema)] = node
            stack.extend(_in_place(node))
    return tuple(found.values())


def members(nodes: Iterable[Node], key: str | int) -> tuple[Node, ...]:
    """The schemas describing the member `key` of a value the closed set `nodes` describes: a property name
    of an object, or an index of an array."""
    return closure(_declaring(nodes, key))


def _declaring(nodes: Iterable[Node], key: str | int) -> Iterator[Node]:
    for node in nodes:
        if isinstance(key, str):
            declared = isinstance(node.schema.get("properties"), dict) and key in node.schema["properties"]
            member = node.at("properties", key) if declared else node.at("additionalProperties")
        else:
            prefix = node.schema.get("prefixItems")
            member = node.at("prefixItems", key) if isinstance(prefix, list) and key < len(prefix) else node.at("items")
        if member is not None:
            yield member


class Walker:
    """closure() and members() remembered by schema object, for walking many documents with one form (the
    engine masks every submission). The schemas must live as long as the walker, as a Form's do."""

    MAX_REMEMBERED = 10_000  # member names come from data; beyond this they are computed, not remembered

    def __init__(self) -> None:
        self._closures: dict[int, tuple[Node, ...]] = {}
        self._members: dict[tuple[frozenset[int], str | int], tuple[Node, ...]] = {}

    def closure(self, nodes: Iterable[Node]) -> tuple[Node, ...]:
        found: dict[int, Node] = {}
        for node in nodes:
            if id(node.schema) not in self._closures:
                self._closures[id(node.schema)] = closure([node])
            found.update((id(n.schema), n) for n in self._closures[id(node.schema)])
        return tuple(found.values())

    def members(self, nodes: tuple[Node, ...], key: str | int) -> tuple[Node, ...]:
        if not isinstance(key, str) and not any(isinstance(n.schema.get("prefixItems"), list) for n in nodes):
            key = 0  # every element of the array has the same schemas
        remembered = (frozenset(id(n.schema) for n in nodes), key)
        if remembered not in self._members:
            if len(self._members) >= self.MAX_REMEMBERED:
                return self.closure(_declaring(nodes, key))
            self._members[remembered] = self.closure(_declaring(nodes, key))
        return self._members[remembered]


def children(nodes: Iterable[Node]) -> dict[Segment, list[Node]]:
    """Every part the closed set `nodes` declares, by path segment (a property name, a prefixItems index,
    ANY_ITEM or ANY_KEY), with the schemas declaring it."""
    found: dict[Segment, list[Node]] = {}
    for node in nodes:
        properties = node.schema.get("properties")
        for name in properties if isinstance(properties, dict) else ():
            if (child := node.at("properties", name)) is not None:
                found.setdefault(name, []).append(child)
        prefix = node.schema.get("prefixItems")
        for index in range(len(prefix) if isinstance(prefix, list) else 0):
            if (child := node.at("prefixItems", index)) is not None:
                found.setdefault(index, []).append(child)
        for key, segment in (("items", ANY_ITEM), ("additionalProperties", ANY_KEY)):
            if (child := node.at(key)) is not None:
                found.setdefault(segment, []).append(child)
    return found


@dataclass(frozen=True)
class Field:
    """A part of a form's data: its path, the schemas declaring it, and every schema describing its value."""

    path: tuple[Segment, ...]
    declared: tuple[Node, ...]
    nodes: tuple[Node, ...]

    @property
    def protected(self) -> bool:
        return any(node.schema.get(PROTECTED) is True for node in self.nodes)

    def keyword(self, key: str) -> Any:
        """The first value of `key` among the describing schemas, the declaring ones first (a title beside a
        $ref wins over the target's)."""
        return next((n.schema[key] for n in self.nodes if key in n.schema), None)


def fields(root: Node) -> Iterator[Field]:
    """Every part a schema declares, from the top down. A schema recurring below itself (a list of persons,
    each with a list of persons) is walked once on that path: deeper levels repeat the same fields."""
    stack: list[tuple[tuple[Segment, ...], tuple[Node, ...], frozenset[int]]] = []
    top = closure([root])
    stack.append(((), top, frozenset(id(n.schema) for n in top)))
    while stack:
        path, nodes, above = stack.pop()
        for segment, declared in reversed(list(children(nodes).items())):  # popped in declaration order
            described = closure(declared)
            yield Field((*path, segment), tuple(declared), described)
            ids = {id(n.schema) for n in described}
            if not ids & above and len(path) < MAX_DEPTH:
                stack.append(((*path, segment), described, above | ids))


def subschemas(root: Node) -> Iterator[Node]:
    """`root` and every object written below it where a schema may be (not inside const, enum and the like),
    without following $refs: what one file says, with each object's pointer."""
    stack: list[tuple[Any, str]] = [(root.schema, root.pointer)]
    while stack:
        value, pointer = stack.pop()
        if isinstance(value, dict):
            yield Node(value, root.resolver, root.file, pointer)
            stack.extend((v, pointer + json_pointer(k)) for k, v in value.items() if k not in DATA_KEYS)
        elif isinstance(value, list):
            stack.extend((v, pointer + json_pointer(i)) for i, v in enumerate(value))


def ref_cycles(starts: Iterable[Node]) -> Iterator[tuple[Node, ...]]:
    """Loops of schemas applying to the same value ($ref back to a schema that led to it, through allOf,
    if/then/else and the like, never through a property or an item), each as the schemas along it."""
    state: dict[int, int] = {}  # id(schema) -> 1 on the current path, 2 done
    for start in starts:
        if id(start.schema) in state:
            continue
        path, pending = [start], [iter(list(_in_place(start, conditions=True)))]
        state[id(start.schema)] = 1
        while pending:
            node = next(pending[-1], None)
            if node is None:
                state[id(path.pop().schema)] = 2
                pending.pop()
            elif state.get(id(node.schema)) == 1:
                ids = [id(n.schema) for n in path]
                yield tuple(path[ids.index(id(node.schema)):])
            elif id(node.schema) not in state:
                state[id(node.schema)] = 1
                path.append(node)
                pending.append(iter(list(_in_place(node, conditions=True))))
