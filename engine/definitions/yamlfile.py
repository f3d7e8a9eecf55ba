"""Definition YAML (area.yaml, intake.yaml, export templates): PyYAML's safe loader only, and no anchors or
aliases. An alias repeats a value wherever it is named, and aliases of aliases grow exponentially: nine lines
under `variables:` became 2.4 GB of case data on the first report. Nothing a process owner writes needs them,
so the validator and the release loader both refuse them (the validator with the line, the loader as a last
guard for whatever reaches it without the validator).
"""

from __future__ import annotations

from typing import Any

import yaml

from engine.errors import DefinitionError

__all__ = ["anchor_line", "load_yaml"]

_SafeLoader: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # libyaml's loader where installed


def anchor_line(text: str | bytes) -> int | None:
    """Line (from 1) of the first anchor (&name) or alias (*name); None if there is none. May raise YAMLError."""
    for event in yaml.parse(text, Loader=_SafeLoader):
        if (isinstance(event, yaml.AliasEvent) or getattr(event, "anchor", None) is not None) and event.start_mark:
            return int(event.start_mark.line) + 1
    return None


def load_yaml(text: str | bytes, name: str) -> Any:
    """yaml.safe_load, refusing anchors and aliases; errors are DefinitionError."""
    try:
        line = anchor_line(text)
        if line is None:
            return yaml.load(text, Loader=_SafeLoader)
    except yaml.YAMLError as exc:
        raise DefinitionError(f"{name} kan inte läsas: {exc}") from None
    raise DefinitionError(f"{name} använder YAML-ankare eller alias (rad {line}), som inte är tillåtna.")
