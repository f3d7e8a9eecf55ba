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


def _engine_calls(statements: list[ast.stmt]) -> list[int]:
    """The `engine()` calls of these statements and of each block nested in them (an if's branches, a loop's
    body, …), counted per block: a view answers from one branch or another, with one call in each."""
    here, nested = 0, []
    for statement in statements:
        blocks = [getattr(statement, name) for name in ("body", "orelse", "finalbody")
                  if getattr(statement, name, None)]
        blocks += [handler.body for handler in getattr(statement, "handlers", [])]
        shallow = [statement] if not blocks else [
            child for child in ast.iter_child_nodes(statement) if isinstance(child, ast.expr)]
        here += sum(isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "engine"
                    for part in shallow for node in ast.walk(part))
        for block in blocks:
            nested += _engine_calls(block)
    return [here, *nested]


def test_each_http_view_is_one_engine_call() -> None:
    """A view that needs two answers of the engine gets them from one Engine method, in one transaction."""
    views = []
    for path in sorted((REPO / "server" / "routes").glob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.FunctionDef) and any(
                    isinstance(d, ast.Call) and isinstance(d.func, ast.Name) and d.func.id == "endpoint"
                    for d in node.decorator_list):
                views.append((path.name, node.name, _engine_calls(node.body)))
    assert len(views) > 50
    assert [(file, view) for file, view, counts in views if max(counts) > 1] == []
