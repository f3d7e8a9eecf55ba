"""Publishing runs the validator's guards, and the release loader repeats the ones that keep a worker alive:
nothing reaches a case by going around `avvik validate`."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from engine import Engine
from engine.definitions.areas import parse_area, parse_intake
from engine.definitions.exports import parse_export
from engine.errors import DefinitionError

from ..definitions import copy_definitions, edit

ALIAS_BOMB = "\n  lol0: &l0 [x, x, x, x, x, x, x, x, x]" + "".join(
    f"\n  lol{i}: &l{i} [{', '.join([f'*l{i - 1}'] * 9)}]" for i in range(1, 9))


def test_publishing_an_area_with_a_yaml_alias_bomb_is_refused_with_its_line(engine: Engine, tmp_path: Path) -> None:
    tree = copy_definitions(tmp_path)
    area = tree / "processes" / "vard" / "area.yaml"
    edit(area, {"variables:": "variables:" + ALIAS_BOMB})
    started = time.monotonic()
    with pytest.raises(DefinitionError) as refused:
        engine.publish_tree(tree)
    assert time.monotonic() - started < 30
    [finding] = [f for f in refused.value.findings if f.code == "yaml.anchor"]
    assert finding.file == "processes/vard/area.yaml"
    assert finding.line == area.read_text().splitlines().index("variables:") + 2


@pytest.mark.parametrize("parse", [parse_area, parse_intake, parse_export])
def test_the_release_loader_refuses_anchors_too(parse: object) -> None:
    with pytest.raises(DefinitionError) as refused:
        parse(b"id: a\nname: &n A\ntitle: *n\n", "processes/a/area.yaml")  # type: ignore[operator]
    assert refused.value.message == "processes/a/area.yaml använder YAML-ankare eller alias (rad 2), som inte är tillåtna."
