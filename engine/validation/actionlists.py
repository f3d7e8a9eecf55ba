"""Form arrays marked `x-avvik-actions` (their items become actions): the marker's shape, and that it maps
the action form's fields to fields the items have (engine/definitions/actionlists.py reads it at run time)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from referencing import Registry

from engine.definitions.actionlists import ACTION_FIELDS, ACTIONS, marked
from engine.definitions.schemawalk import Field, Node, children, json_pointer, members
from engine.validation.findings import ERROR, Finding

__all__ = ["action_list_findings"]

_ACTION_FORM = "atgard.json"
_EXAMPLE = ('Skriv t.ex. "x-avvik-actions": {"typ": "korrigerande", "fields": {"titel": "vad", "ansvarig": "vem", '
            '"klart_datum": "nar"}} på en lista (type: array) vars rader har de fälten.')


def _action_types(registry: Registry) -> set[str] | None:
    try:
        typ = registry.contents(_ACTION_FORM)["properties"]["typ"]
        return {str(choice["const"]) for choice in typ["oneOf"]}
    except Exception:  # the action form is not here (a form validated alone)
        return None


def _problems(field: Field, marker: Any, registry: Registry) -> Iterator[str]:
    if not isinstance(marker, dict) or not isinstance(marker.get("fields"), dict):
        yield f"{ACTIONS} ska ha fields: vilka av radens fält som blir åtgärdens fält."
        return
    if not all(isinstance(s, str) for s in field.path):
        yield f"{ACTIONS} kan inte stå i en lista som själv ligger i en lista."
        return
    items = members(field.nodes, 0)
    if field.keyword("type") != "array" or not items:
        yield f"{ACTIONS} hör till en lista (type: array med items)."
        return
    known = {name for name in children(items) if isinstance(name, str)}
    mapping = marker["fields"]
    if "titel" not in mapping:
        yield "fields: måste ange vilket fält som blir åtgärdens titel (titel)."
    for action_field, source in mapping.items():
        if action_field not in ACTION_FIELDS:
            yield f"'{action_field}' är inget fält i en åtgärd (fälten är {', '.join(ACTION_FIELDS)})."
        elif source not in known:
            yield f"Raderna har inget fält '{source}' att hämta åtgärdens {action_field} från."
    types, typ = _action_types(registry), marker.get("typ")
    if "typ" not in mapping and typ is None:
        yield "Ange åtgärdstypen med typ: (eller hämta den från ett fält i fields)."
    elif typ is not None and types is not None and typ not in types:
        yield f"Åtgärdstypen '{typ}' finns inte (välj en av {', '.join(sorted(types))})."


def action_list_findings(form: Any, root: Node, registry: Registry) -> Iterator[Finding]:
    """Findings for every x-avvik-actions marker written in one form file (a FormFile with parsed content)."""
    for field, marker in marked(root):
        sites = [n for n in field.declared if n.file == form.name and ACTIONS in n.schema]
        for site in sites[:1]:
            ptr = site.pointer + json_pointer(ACTIONS)
            for message in _problems(field, marker, registry):
                yield Finding(ERROR, "form.actions_invalid", form.file, message, _EXAMPLE, line=form.line(ptr),
                              element_id=ptr)
