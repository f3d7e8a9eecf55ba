"""The sandbox for expressions and small scripts written in definition files.

Process owners write Python-syntax text in BPMN, DMN and YAML files: gateway conditions, DMN cells, timer
expressions, closure-rule conditions and small script tasks. None of it ever reaches eval, exec or compile.
The text is parsed with `ast.parse`, checked against a whitelist of syntax, functions and methods, and then
evaluated node by node by the interpreter (interpreter.py), under a step budget and a time bound; each builtin
call is bounded by its arguments before it runs. What an expression returns, and what a script assigns, must
be storable in a case (engine/storable.py). Every refusal or failure is a `SandboxError` with a Swedish
message for the process owner and an English `reason` (e.g. too_complex, not_storable); SpiffWorkflow's
callers also get the BPMN element (`element_id`) it was evaluated for.
"""

from __future__ import annotations

import ast
from collections.abc import Callable, Mapping
from typing import Any

from engine.storable import unstorable

from .checker import _parse
from .interpreter import _Interpreter
from .limits import _as_sandbox_error, _refused
from .names import _constant_parts, names_used

__all__ = ["check_expression", "check_constants", "names_used", "evaluate", "execute"]


def _run(source: str, mode: str, action: Callable[[Any], Any]) -> Any:
    """Parse, check and run; every error leaves as a SandboxError that names the expression."""
    tree = _parse(source, mode)
    try:
        return action(tree)
    except Exception as exc:  # translated and re-raised, never swallowed
        err = _as_sandbox_error(exc)
        err.details.setdefault("expression", source)
        if err is exc:
            raise
        raise err from exc


def check_expression(source: str, *, script: bool = False) -> None:
    """Parse `source` and check it against the whitelist; raise SandboxError if it is refused.

    With script=True the text is checked as a script (what `execute` runs) instead of as an expression.
    """
    _parse(source, "exec" if script else "eval")


def _check_storable(value: Any, name: str | None = None) -> Any:
    """`value` if a case can store it; otherwise refused, naming the script variable that holds it."""
    problem = unstorable(value)
    if problem is not None:
        what = f"Skriptet ger {name} ett värde" if name else "Uttrycket ger ett värde"
        raise _refused(f"{what} som inte kan sparas i ärendet: {problem}.", "not_storable",
                       **({"name": name} if name else {}))
    return value


def check_constants(source: str, *, script: bool = False) -> None:
    """Evaluate every constant part of `source` (one that reads no data: `10**10**10`, `round(1, -10**9)`)
    under the run-time bounds, and raise the SandboxError it would raise on every case (details["part"] says
    which part). A constant that is the whole value (the expression, or what a script assigns) must also be
    storable. For the validator: what fails here fails on every case, so it is refused at publishing."""
    def run(tree: ast.AST) -> None:
        for node, whole in _constant_parts(tree):
            try:
                value = _Interpreter().visit(node, {})
                if whole:
                    _check_storable(value)
            except Exception as exc:  # translated and re-raised by _run, with the part that failed
                err = _as_sandbox_error(exc)
                if not (isinstance(tree, ast.Expression) and node is tree.body):
                    err.details["part"] = ast.unparse(node)[:200]
                err.details.setdefault("line", node.lineno)
                raise err from exc

    _run(source, "exec" if script else "eval", run)


def evaluate(source: str, names: Mapping[str, Any]) -> Any:
    """Evaluate the expression `source` with `names` as its variables; the value must be storable."""
    return _run(source, "eval", lambda tree: _check_storable(_Interpreter().visit(tree, names)))


def execute(source: str, names: dict[str, Any]) -> None:
    """Run the script `source`, assigning into `names`; on any error `names` is left unchanged. Every value it
    assigns must be storable."""
    scope = dict(names)  # a copy, so a failure halfway leaves the case data untouched

    def run(tree: ast.Module) -> None:
        _Interpreter().run(tree.body, scope)
        for name, value in scope.items():
            if name not in names or value is not names[name]:
                _check_storable(value, name)

    _run(source, "exec", run)
    for name in [name for name in names if name not in scope]:
        del names[name]
    names.update(scope)
