"""Form arrays whose items are actions (`x-avvik-actions`): an action plan's rows become real actions, with
owner and due date, when the task is completed — so no plan item lives only as text in a closed case.

    "atgarder": {"type": "array", "items": {...},
                 "x-avvik-actions": {"typ": "korrigerande",
                                     "fields": {"titel": "vad", "ansvarig": "vem", "klart_datum": "nar"}}}

`fields` maps the action form's fields (forms/atgard.json) to the item's fields; `typ` is the action type of
every item (or map `typ` to an item field instead). The marked arrays are found with the one schema walker
(engine/definitions/schemawalk.py), behind $refs and in allOf/then branches alike, but not inside another array.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from collections.abc import Iterator

from engine.definitions.schemawalk import Field, Node, fields

__all__ = ["ACTIONS", "ACTION_FIELDS", "ActionList", "action_lists", "marked"]

ACTIONS = "x-avvik-actions"
# the action form's fields an item may fill (forms/atgard.json)
ACTION_FIELDS = ("titel", "typ", "beskrivning", "forvantad_effekt", "ansvarig", "klart_datum")


@dataclass(frozen=True)
class ActionList:
    path: tuple[str, ...]  # property path of the array in the task's data
    fields: tuple[tuple[str, str], ...]  # (action field, item field)
    type: str | None  # the action type of every item, unless `typ` is mapped

    def items(self, data: Any) -> Iterator[tuple[int, dict[str, Any]]]:
        """(index, action data) for each item of the array in `data`."""
        value: Any = data
        for key in self.path:
            value = value.get(key) if isinstance(value, dict) else None
        for index, item in enumerate(value if isinstance(value, list) else []):
            if isinstance(item, dict):
                action = {field: item[source] for field, source in self.fields if item.get(source) not in (None, "")}
                yield index, ({"typ": self.type} if self.type else {}) | action

    def item_field(self, action_field: str) -> str | None:
        """The item field an action field comes from (to report an error where the person typed it)."""
        return next((source for field, source in self.fields if field == action_field), None)


def marked(root: Node) -> Iterator[tuple[Field, Any]]:
    """(field, its x-avvik-actions value) for every field of the form that carries the marker."""
    for field in fields(root):
        if any(ACTIONS in node.schema for node in field.declared):
            yield field, field.keyword(ACTIONS)


def action_lists(root: Node) -> Iterator[ActionList]:
    """The well-formed markers on fields outside arrays (the validator reports the others)."""
    for field, marker in marked(root):
        if all(isinstance(s, str) for s in field.path) and isinstance(marker, dict) \
                and isinstance(marker.get("fields"), dict):
            typ = marker.get("typ")
            yield ActionList(tuple(str(s) for s in field.path),
                             tuple((str(k), str(v)) for k, v in marker["fields"].items()),
                             typ if isinstance(typ, str) else None)
