"""Definition trees for tests that change them: a copy of the suite's processes/ and forms/ to edit, a published
copy with a changed clock, and firing the due timers the way production does (`avvik worker --once`)."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any
from unittest import mock

from click.testing import CliRunner, Result

from engine import Engine
from server.cli import main
from server.demo import REGION_ROOTS

from .conftest import DEFINITIONS


def copy_definitions(tmp_path: Path) -> Path:
    """Copy the suite's definition tree (processes/ and forms/, honouring AVVIK_TEST_DEFINITIONS) into tmp_path."""
    for top in ("processes", "forms"):
        shutil.copytree(DEFINITIONS / top, tmp_path / top)
    return tmp_path


def edit(path: Path, replacements: dict[str, str]) -> None:
    """Replace each old text in the file by its new one; every old text must be there."""
    text = path.read_text()
    for old, new in replacements.items():
        assert old in text, f"{old!r} is not in {path}"
        text = text.replace(old, new)
    path.write_text(text)


def publish_with(
    engine: Engine, tmp_path: Path, area: str, replacements: dict[str, str], label: str
) -> dict[str, Any]:
    """Publish a copy of the definitions whose processes/<area>/area.yaml has the replacements (a shorter clock)
    and run it on both demo regions."""
    tree = copy_definitions(tmp_path)
    edit(tree / "processes" / area / "area.yaml", replacements)
    return activate_everywhere(engine, engine.publish_tree(tree, label=label))


def activate_everywhere(engine: Engine, published: dict[str, Any]) -> dict[str, Any]:
    """Bind a published release at every demo region root, as a region's process owner would."""
    for root in REGION_ROOTS:
        engine.activate_release(published["hash"], root)
    return published


def fire_due_timers(engine: Engine) -> Result:
    """Run `avvik worker --once` on this engine (its database and its clock), which must succeed; return the CLI
    result."""
    with mock.patch("server.cli._engine", return_value=engine):
        result = CliRunner().invoke(main, ["worker", "--once"])
    assert result.exit_code == 0, (result.output, result.exception)
    return result
