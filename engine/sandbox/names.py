"""Names analysis: which data names a text reads, and which of its parts read none (constants)."""

from __future__ import annotations

import ast
from collections.abc import Iterator, Sequence

from .checker import _parse


def names_used(source: str, *, script: bool = False) -> set[str]:
    """The data names `source` reads: not the functions it calls, nor names it binds before reading."""
    tree = _parse(source, "exec" if script else "eval")
    used: set[str] = set()
    if isinstance(tree, ast.Module):
        _script_names(tree.body, set(), used)
    else:
        _free_names(tree, frozenset(), used)
    return used


def _bound_by(nodes: Sequence[ast.AST]) -> set[str]:
    return {n.id for node in nodes for n in ast.walk(node) if isinstance(n, ast.Name)}


def _free_names(node: ast.AST, bound: frozenset[str], used: set[str]) -> None:
    if isinstance(node, ast.Name):
        used |= {node.id} - bound
    elif isinstance(node, (ast.ListComp, ast.SetComp, ast.GeneratorExp, ast.DictComp)):
        for generator in node.generators:
            _free_names(generator.iter, bound, used)
            bound = bound | _bound_by([generator.target])
            for condition in generator.ifs:
                _free_names(condition, bound, used)
        for part in [node.key, node.value] if isinstance(node, ast.DictComp) else [node.elt]:
            _free_names(part, bound, used)
    else:
        children = [*node.args, *node.keywords] if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) \
            else ast.iter_child_nodes(node)  # a called name is a function, not data
        for child in children:
            _free_names(child, bound, used)


def _script_names(statements: list[ast.stmt], bound: set[str], used: set[str]) -> set[str]:
    """Collect names read where they may not yet be assigned; return the names surely assigned after."""
    for stmt in statements:
        if isinstance(stmt, ast.Assign):
            _free_names(stmt.value, frozenset(bound), used)
            bound |= _bound_by(stmt.targets)
        elif isinstance(stmt, ast.AugAssign):
            used |= _bound_by([stmt.target]) - bound
            _free_names(stmt.value, frozenset(bound), used)
            bound |= _bound_by([stmt.target])
        elif isinstance(stmt, ast.If):
            _free_names(stmt.test, frozenset(bound), used)
            bound = _script_names(stmt.body, set(bound), used) & _script_names(stmt.orelse, set(bound), used)
        elif isinstance(stmt, ast.Delete):
            used |= _bound_by(stmt.targets) - bound
            bound -= _bound_by(stmt.targets)
    return bound


def _constant_parts(tree: ast.AST) -> Iterator[tuple[ast.expr, bool]]:
    """The largest subexpressions that read no data, each with whether it is a whole value."""
    if isinstance(tree, ast.Expression):
        stack: list[tuple[ast.AST, bool]] = [(tree.body, True)]
    else:
        stack = [(stmt, False) for stmt in reversed(tree.body)]  # type: ignore[attr-defined]  # ast.Module
    while stack:
        node, whole = stack.pop()
        if isinstance(node, ast.Assign):
            stack.append((node.value, True))
            continue
        if isinstance(node, ast.expr) and not isinstance(node, (ast.Starred, ast.Slice)):
            used: set[str] = set()
            _free_names(node, frozenset(), used)
            if not used:
                if whole or not isinstance(node, ast.Constant):  # a literal costs nothing to evaluate
                    yield node, whole
                continue
        children = [child for child in ast.iter_child_nodes(node)
                    if not isinstance(child, (ast.expr_context, ast.operator, ast.cmpop, ast.unaryop, ast.boolop))]
        stack.extend((child, False) for child in reversed(children))  # in reading order
