"""Self-contained form schemas: every external `$ref` copied into the form's own `$defs`.

Forms refer to shared definitions by file name (`common.json#/$defs/datumtid`), which only avvik's registry
can resolve. The schema the engine validates with and the API serves is bundled instead: each schema another
file provides is copied under `$defs` (named after its file and pointer, e.g. `common.datumtid`) and every
reference to it rewritten to `#/$defs/common.datumtid`, so any JSON Schema 2020-12 validator (jsonschema, ajv
in the browser) checks data exactly as the engine does, with no network and no file access.
"""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import urljoin

from referencing import Registry

from engine.definitions.schemawalk import Node, json_pointer, subschemas

__all__ = ["bundle"]

_RESOURCE_KEYS = ("$id", "$schema", "$defs")  # a copy is a definition in the bundle, not a document of its own


def bundle(name: str, registry: Registry) -> dict[str, Any]:
    """The form `name` (a resource of `registry`) with every schema of another file copied into its $defs."""
    # a copy: the registry's schemas stay as written
    root: dict[str, Any] = json.loads(json.dumps(registry.contents(name)))
    names: dict[tuple[str, str], str] = {}  # (file, fragment) -> name of its copy under $defs
    defs = root.setdefault("$defs", {}) if isinstance(root.get("$defs", {}), dict) else {}
    pending: list[tuple[Any, str]] = [(root, name)]  # (schema whose $refs to rewrite, the file it came from)
    while pending:
        schema, file = pending.pop()
        for node in [n.schema for n in subschemas(Node(schema, None, file))]:
            ref = node.get("$ref")
            if not isinstance(ref, str):
                continue
            base, _, fragment = ref.partition("#")
            target = urljoin(file, base) if base else file
            if target == name:
                node["$ref"] = "#" + fragment
                continue
            key = (target, fragment)
            if key not in names:
                names[key] = _fresh_name(target, fragment, defs)
                copied = json.loads(json.dumps(registry.resolver(base_uri=target).lookup("#" + fragment).contents))
                if isinstance(copied, dict):
                    for resource_key in _RESOURCE_KEYS:
                        copied.pop(resource_key, None)
                defs[names[key]] = copied
                pending.append((copied, target))
            node["$ref"] = "#" + json_pointer("$defs", names[key])
    if not defs:
        root.pop("$defs", None)
    return root


def _fresh_name(file: str, fragment: str, taken: dict[str, Any]) -> str:
    """`common.datumtid` for common.json#/$defs/datumtid, `riskbedomning` for riskbedomning.json; never one
    of the names already in $defs."""
    parts = [p for p in fragment.split("/") if p and p != "$defs"]
    candidate = ".".join([file.rsplit("/", 1)[-1].removesuffix(".json"), *parts]).replace("~", "_")
    while candidate in taken:
        candidate += "_"
    return candidate
