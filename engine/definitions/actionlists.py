"""Form arrays whose items are actions (`x-avvik-actions`): an action plan's rows become real actions, with
owner and due date, when the task is completed — so no plan item lives only as text in a closed case.

    "atgarder": {"type": "array", "items": {...},
                 "x-avvik-actions": {"typ": "korrigerande",
                                     "fields": {"titel": "vad", "ansvarig": "vem", "klart_datum": "nar"}}}

`fields` maps the action form's fields (forms/atgard.json) to the item's fields; `typ` is the action type of
every item (or map `typ` to an item field instead).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Iterator

if TYPE_CHECKING:
    from referencing._core import Resolver

__all__ = ["ACTIONS", "ACTION_FIELDS", "ActionList", "action_lists"]

ACTIONS = "x-avvik-actions"
# the action form's fields an item may fill (forms/atgard.json)
ACTION_FIELDS = ("titel", "typ", "beskrivning", "forvantad_effekt", "ansvarig", "klart_datum")
_MAX_DEPTH = 20


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


def action_lists(node: dict[str, Any], resolver: Resolver, prefix: tuple[str, ...] = (),
                 depth: int = 0) -> Iterator[ActionList]:
    """Every array marked x-avvik-actions among the form's (nested object) properties, through $ref."""
    if depth > _MAX_DEPTH:
        return
    for _ in range(_MAX_DEPTH):  # a longer $ref chain is a cycle; the validator reports it
        if "$ref" not in node:
            break
        resolved = resolver.lookup(node["$ref"])
        node, resolver = {**resolved.contents, **{k: v for k, v in node.items() if k != "$ref"}}, resolved.resolver
    marker = node.get(ACTIONS)
    if isinstance(marker, dict) and isinstance(marker.get("fields"), dict):
        yield ActionList(prefix, tuple((str(k), str(v)) for k, v in marker["fields"].items()), marker.get("typ"))
        return
    for key, child in (node.get("properties") or {}).items():
        if isinstance(child, dict):
            yield from action_lists(child, resolver, prefix + (key,), depth + 1)
