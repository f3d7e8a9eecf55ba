"""Form arrays marked `x-avvik-actions` (their items become actions): the marker's shape, and that it maps
the action form's fields to fields the items have (engine/definitions/actionlists.py reads it at run time)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from referencing import Registry

from engine.definitions.actionlists import ACTION_FIELDS, ACTIONS
from engine.validation.findings import ERROR, Finding
from engine.validation.formindex import properties, resolve
from engine.validation.jsonlines import pointer

__all__ = ["action_list_findings"]

_ACTION_FORM = "atgard.json"
_EXAMPLE = ('Skriv t.ex. "x-avvik-actions": {"typ": "korrigerande", "fields": {"titel": "vad", "ansvarig": "vem", '
            '"klart_datum": "nar"}} på en lista (type: array) vars rader har de fälten.')


def _markers(schema: dict[str, Any]) -> Iterator[tuple[dict[str, Any], str]]:
    stack: list[tuple[Any, str]] = [(schema, "")]
    while stack:
        node, ptr = stack.pop()
        if isinstance(node, list):
            stack.extend((v, ptr + pointer(i)) for i, v in enumerate(node))
        elif isinstance(node, dict):
            if ACTIONS in node:
                yield node, ptr
            stack.extend((v, ptr + pointer(k)) for k, v in node.items() if k not in ("const", "enum", "default"))


def _action_types(registry: Registry) -> set[str] | None:
    try:
        typ = registry.contents(_ACTION_FORM)["properties"]["typ"]
        return {str(choice["const"]) for choice in typ["oneOf"]}
    except Exception:  # the action form is not here (a form validated alone)
        return None


def _problems(node: dict[str, Any], resolver: Any, registry: Registry) -> Iterator[str]:
    marker = node[ACTIONS]
    if not isinstance(marker, dict) or not isinstance(marker.get("fields"), dict):
        yield f"{ACTIONS} ska ha fields: vilka av radens fält som blir åtgärdens fält."
        return
    if node.get("type") != "array" or not isinstance(node.get("items"), dict):
        yield f"{ACTIONS} hör till en lista (type: array med items)."
        return
    fields = marker["fields"]
    try:
        items, item_resolver = resolve(node["items"], resolver)
        known = {name for name, _, _ in properties(items, item_resolver)}
    except Exception:
        known = set()
    if "titel" not in fields:
        yield "fields: måste ange vilket fält som blir åtgärdens titel (titel)."
    for field, source in fields.items():
        if field not in ACTION_FIELDS:
            yield f"'{field}' är inget fält i en åtgärd (fälten är {', '.join(ACTION_FIELDS)})."
        elif not isinstance(source, str) or source not in known:
            yield f"Raderna har inget fält '{source}' att hämta åtgärdens {field} från."
    types = _action_types(registry)
    typ = marker.get("typ")
    if "typ" not in fields and typ is None:
        yield "Ange åtgärdstypen med typ: (eller hämta den från ett fält i fields)."
    elif typ is not None and types is not None and typ not in types:
        yield f"Åtgärdstypen '{typ}' finns inte (välj en av {', '.join(sorted(types))})."


def action_list_findings(form: Any, registry: Registry) -> Iterator[Finding]:
    """Findings for every x-avvik-actions marker in one form file (a FormFile with parsed content)."""
    resolver = registry.resolver(base_uri=form.name)
    for node, ptr in _markers(form.content):
        for message in _problems(node, resolver, registry):
            yield Finding(ERROR, "form.actions_invalid", form.file, message, _EXAMPLE,
                          line=form.line(ptr + pointer(ACTIONS)), element_id=ptr + pointer(ACTIONS))
