"""One self-contained JSON Schema document per form, for clients that cannot resolve `$ref` across files.

The forms refer to each other by file name (`common.json#/$defs/datum`). A browser form renderer only follows
local pointers, so every file a form reaches is embedded under `$defs["<file name>"]` (without its `$id`, so it
keeps the root's base URI) and every reference is rewritten to a local pointer. Validation on the server keeps
using the original files; the bundle is what clients render and pre-check with.
"""

from __future__ import annotations

from typing import Any, Callable

__all__ = ["bundle"]


def bundle(name: str, lookup: Callable[[str], dict[str, Any] | None]) -> dict[str, Any]:
    """The schema `name` with every file it references, transitively, embedded and all `$ref`s local."""
    embedded: dict[str, Any] = {}

    def local(ref: str, current: str) -> str:
        file, _, fragment = ref.partition("#")
        target = file or current
        if target == name:
            return "#" + fragment
        if target not in embedded:
            schema = lookup(target)
            if schema is None:  # unknown file: the release validator reports it; leave the reference as written
                return ref
            embedded[target] = None  # placeholder first: a file that refers back to itself must not recurse
            embedded[target] = {k: v for k, v in rewrite(schema, target).items() if k not in ("$id", "$schema")}
        return f"#/$defs/{target.replace('~', '~0').replace('/', '~1')}{fragment}"

    def rewrite(node: Any, current: str) -> Any:
        if isinstance(node, list):
            return [rewrite(item, current) for item in node]
        if not isinstance(node, dict):
            return node
        copy = {key: rewrite(value, current) for key, value in node.items()}
        if isinstance(node.get("$ref"), str):
            copy["$ref"] = local(node["$ref"], current)
        return copy

    root = lookup(name)
    if root is None:
        raise KeyError(name)
    result = rewrite(root, name)
    if embedded:
        result["$defs"] = {**result.get("$defs", {}), **embedded}
    return result
