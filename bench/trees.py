"""The definition trees the bench runs: the repo's own (processes/ + forms/) and the bench-only rework tree."""

from __future__ import annotations

from pathlib import Path

from engine.definitions.files import read_tree
from engine.definitions.release import AreaDefinition
from engine.releases import build_release

__all__ = ["REPO_TREE", "REWORK_TREE", "REWORK_AREA", "area_definition"]

REPO_TREE = Path(__file__).resolve().parents[1]
REWORK_TREE = Path(__file__).resolve().with_name("definitions")
REWORK_AREA = "omarbete"


def area_definition(root: Path, area: str) -> AreaDefinition:
    """The standard variant of `area` from the tree at root, validated and parsed as a release would be."""
    return build_release(read_tree(root)).areas[area]
