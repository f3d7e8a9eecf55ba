"""The one-way seams of docs/architecture.md, read from the source with `ast` (every import, also those inside
functions and under TYPE_CHECKING): a module that crosses one fails here with its file and line."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]


def _imports(package: str) -> list[tuple[str, int, str]]:
    """(file relative to the repo, line, imported module) for every import in the package's modules."""
    found = []
    for path in sorted((REPO / package).rglob("*.py")):
        relative = path.relative_to(REPO).as_posix()
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), relative)):
            if isinstance(node, ast.Import):
                found += [(relative, node.lineno, alias.name) for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                # `from engine import x` imports the module engine.x when there is one
                found += [(relative, node.lineno, f"{node.module}.{alias.name}") for alias in node.names]
    return found


def _within(module: str, package: str) -> bool:
    return module == package or module.startswith(package + ".")


def test_the_engine_imports_nothing_of_the_server() -> None:
    assert [found for found in _imports("engine") if _within(found[2], "server")] == []


@pytest.mark.parametrize("package", ["engine", "server"])
def test_only_the_store_and_the_use_case_context_import_sqlalchemy(package: str) -> None:
    crossing = [(path, line, module) for path, line, module in _imports(package) if _within(module, "sqlalchemy")
                and not path.startswith("engine/store/") and path != "engine/context.py"]
    assert crossing == []


def test_the_adapters_reach_the_engine_only_through_engine_api() -> None:
    """server/ (the HTTP adapter, the `avvik` command, the demo organisation) imports engine.api and no other
    engine module."""
    crossing = [(path, line, module) for path, line, module in _imports("server")
                if _within(module, "engine") and not _within(module, "engine.api")]
    assert crossing == []


def test_definitions_never_import_the_validator() -> None:
    assert [found for found in _imports("engine/definitions") if _within(found[2], "engine.validation")] == []
