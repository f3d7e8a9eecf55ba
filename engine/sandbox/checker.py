"""Parsing and checking: a text becomes a syntax tree only if every node, name, call and constant is allowed."""

from __future__ import annotations

import ast
import textwrap
from functools import lru_cache

from engine.errors import SandboxError

from .limits import MAX_DEPTH, MAX_SOURCE_CHARS, _refused
from .whitelist import _EXPRESSION_NODES, _FUNCTIONS, _KEYWORDS, _LABELS, _METHOD_NAMES, _SCRIPT_NODES


def _parse(source: str, mode: str) -> ast.AST:
    """Parse and check `source` ("eval" or "exec" mode); raise SandboxError if anything is not allowed."""
    if not isinstance(source, str):
        raise _refused("Uttrycket saknas eller är inte text.", "syntax_error", expression=repr(source))
    if len(source) > MAX_SOURCE_CHARS:
        raise _refused(f"Uttrycket är längre än {MAX_SOURCE_CHARS} tecken.", "too_complex", expression=source)
    return _parse_checked(source, mode)


@lru_cache(maxsize=2048)  # gateway conditions and DMN cells are evaluated again and again
def _parse_checked(source: str, mode: str) -> ast.AST:
    # BPMN/DMN text often carries the XML's indentation, which Python would reject
    text = source.strip() if mode == "eval" else textwrap.dedent(source)
    try:
        tree = ast.parse(text, mode=mode)
    except SyntaxError as exc:  # never let it escape raw: its lineno may be None
        line = exc.lineno or 1
        raise _refused(f"Uttrycket kan inte tolkas som Python-uttryck (rad {line}).", "syntax_error",
                       expression=source, line=line, detail=exc.msg) from None
    except ValueError:  # NUL bytes, integer literals past Python's digit limit
        raise _refused("Uttrycket kan inte tolkas.", "syntax_error", expression=source) from None
    except (RecursionError, MemoryError):  # nesting too deep for the parser itself
        raise _refused("Uttrycket är för djupt nästlat.", "too_complex", expression=source) from None
    try:
        _check(tree, _SCRIPT_NODES if mode == "exec" else _EXPRESSION_NODES)
    except SandboxError as err:
        err.details["expression"] = source
        raise
    return tree


def _check(tree: ast.AST, allowed: frozenset[type]) -> None:
    """Walk the tree without recursion (it may be deep) and refuse anything not whitelisted."""
    stack: list[tuple[ast.AST, int]] = [(tree, 1)]
    while stack:
        node, depth = stack.pop()
        if depth > MAX_DEPTH:
            raise _refused("Uttrycket är för djupt nästlat.", "too_complex")
        children = list(ast.iter_child_nodes(node))
        if isinstance(node, ast.Name) and node.id.startswith("_"):
            raise _refused(f"Uttrycket använder '{node.id}', som inte är tillåtet.", "forbidden_name")
        if isinstance(node, ast.Attribute):  # only reached when it is not the method of a call
            reason = "forbidden_name" if node.attr.startswith("_") else "forbidden_syntax"
            raise _refused(f"Uttrycket använder '.{node.attr}', som inte är tillåtet.", reason)
        if isinstance(node, ast.Call):
            children = _check_call(node)
        elif isinstance(node, ast.Constant) and not isinstance(node.value, (str, int, float, type(None))):
            raise _refused(f"Värdet {node.value!r} är inte tillåtet.")  # bytes, complex, ...
        elif isinstance(node, (ast.Subscript, ast.Starred)) and not isinstance(node.ctx, ast.Load):
            raise _refused("Ett skript får bara tilldela enkla namn.")
        elif isinstance(node, ast.comprehension) and node.is_async:
            raise _refused("Uttrycket använder async, som inte är tillåtet.")
        elif type(node) not in allowed:
            label = _LABELS.get(type(node), f"konstruktionen '{type(node).__name__}'")
            raise _refused(f"Uttrycket använder {label}, som inte är tillåtet.")
        stack.extend((child, depth + 1) for child in children)


def _check_call(node: ast.Call) -> list[ast.AST]:
    """Only whitelisted functions and methods may be called; return the children still to check."""
    func = node.func
    if isinstance(func, ast.Name):
        if func.id not in _FUNCTIONS:
            reason = "forbidden_name" if func.id.startswith("_") else "forbidden_syntax"
            raise _refused(f"Funktionen '{func.id}' är inte tillåten.", reason)
        children: list[ast.AST] = [*node.args, *node.keywords]  # the function's name is not a data name
    elif isinstance(func, ast.Attribute):
        if func.attr not in _METHOD_NAMES:
            reason = "forbidden_name" if func.attr.startswith("_") else "forbidden_syntax"
            raise _refused(f"Metoden '.{func.attr}()' är inte tillåten.", reason)
        children = [func.value, *node.args, *node.keywords]
    else:
        raise _refused("Bara namngivna funktioner får anropas.")
    for kw in node.keywords:
        if kw.arg not in _KEYWORDS:  # None means **mapping
            raise _refused(f"Argumentet '{kw.arg or '**'}' är inte tillåtet.")
    return children
