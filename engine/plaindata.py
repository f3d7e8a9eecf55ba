"""Reading plain data whose shape is not checked yet (parsed YAML, case data): a member of the expected kind,
or an empty one, so a reader needs no second lookup and the type checker knows what it holds."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

__all__ = ["list_at", "mapping_at"]


def mapping_at(data: Mapping[str, Any], key: str) -> dict[Any, Any]:
    """data[key] if it is a mapping, else an empty one."""
    value = data.get(key)
    return value if isinstance(value, dict) else {}


def list_at(data: Mapping[str, Any], key: str) -> list[Any]:
    """data[key] if it is a list, else an empty one."""
    value = data.get(key)
    return value if isinstance(value, list) else []
