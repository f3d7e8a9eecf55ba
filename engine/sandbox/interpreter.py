"""The interpreter: evaluates a checked tree node by node under a step budget and a time bound."""

from __future__ import annotations

import ast
import gc
import re
import threading
import time
from collections import ChainMap
from collections.abc import Callable, Iterator, Mapping, MutableMapping
from functools import partial
from typing import Any, cast

from .limits import (MAX_EXPONENT, MAX_FORMAT_WIDTH, MAX_INT_BITS, MAX_SECONDS, MAX_STEPS, _NESTED, _check_length,
                     _as_sandbox_error, _check_result, _check_size, _check_text, _failed,
                     _refused)
from .whitelist import _FUNCTIONS, _METHODS, _OPERATORS


_FORMAT_SPEC = re.compile(r"(?:.?[<>=^])?[+\- ]?z?#?0?(?P<width>\d*)[,_]?(?:\.(?P<prec>\d+))?[bcdeEfFgGnosxX%]?",
                          re.DOTALL)


def _binop(op: type, left: Any, right: Any) -> Any:
    """Apply a binary operator, refusing first what would exhaust memory or time."""
    sequences = (str, list, tuple)
    if op is ast.Pow and isinstance(right, (int, float)):
        if abs(right) > MAX_EXPONENT or (isinstance(left, int) and right > 0
                                         and left.bit_length() * right > MAX_INT_BITS):
            raise _refused("Potensen blir för stor.", "too_complex")
    elif op is ast.Mult and isinstance(left, int) and isinstance(right, int):
        if left.bit_length() + right.bit_length() > MAX_INT_BITS:
            raise _refused("Produkten blir för stor.", "too_complex")
    elif op is ast.Mult and isinstance(left, sequences) and isinstance(right, int):
        _check_length(len(left) * right)
    elif op is ast.Mult and isinstance(right, sequences) and isinstance(left, int):
        _check_length(len(right) * left)
    elif op is ast.Add and isinstance(left, sequences) and isinstance(right, sequences):
        _check_length(len(left) + len(right))
    elif op is ast.Mod and isinstance(left, str):  # "%0999999999d" % 1 would slip past the format check
        raise _refused("Formatering med % är inte tillåten; använd f-strängar.")
    return _OPERATORS[op](left, right)


def _format(value: Any, spec: str) -> str:
    match = _FORMAT_SPEC.fullmatch(spec)
    if match is None:
        raise _refused(f"Formatet '{spec}' stöds inte.")
    if int(match["width"] or 0) > MAX_FORMAT_WIDTH or int(match["prec"] or 0) > 100:
        raise _refused("Formatet ger för lång text.", "too_complex")
    _check_text(value)
    return format(value, spec)


# Nodes that build a new container: the only places a value can outgrow MAX_SIZE.
_BUILDERS = (ast.BinOp, ast.List, ast.Tuple, ast.Set, ast.Dict, ast.ListComp, ast.SetComp, ast.DictComp,
             ast.GeneratorExp)
# Nodes whose result a builtin computed: bounded by _check_result (containers they build are no larger
# than their arguments, which were bounded when they were built).
_COMPUTED = (ast.BinOp, ast.UnaryOp, ast.Call)
_CONVERSIONS: dict[int, Callable[[Any], str]] = {ord("s"): str, ord("r"): repr, ord("a"): ascii}


class _CollectorTime(threading.local):
    """CPU seconds this thread spent in the garbage collector: a collection that an allocation inside an
    expression happens to trigger walks the whole process's objects (a long test run's, or a worker's), which is
    not the expression's cost, so the time bound leaves it out."""

    seconds = 0.0
    started: float | None = None

    def __call__(self, phase: str, _info: dict[str, int]) -> None:
        if phase == "start":
            self.started = time.thread_time()
        elif self.started is not None:
            self.seconds += time.thread_time() - self.started
            self.started = None


_COLLECTOR_TIME = _CollectorTime()
gc.callbacks.append(_COLLECTOR_TIME)


class _Interpreter:
    """Evaluates a checked tree; one instance per call carries the step budget and the deadline."""

    def __init__(self) -> None:
        self.steps = 0
        self.deadline = time.thread_time() - _COLLECTOR_TIME.seconds + MAX_SECONDS

    def tick(self) -> None:
        self.steps += 1
        if self.steps > MAX_STEPS:
            raise _refused("Uttrycket kräver för många beräkningssteg.", "too_complex")
        if time.thread_time() - _COLLECTOR_TIME.seconds >= self.deadline:
            raise _refused("Uttrycket tar för lång tid att beräkna.", "too_complex")

    def visit(self, node: ast.AST, scope: Mapping[str, Any]) -> Any:
        self.tick()
        value = self._eval(node, scope)
        if isinstance(node, _BUILDERS) and type(value) in _NESTED:
            _check_size(value)
        if isinstance(node, _COMPUTED):
            _check_result(value)
        return value

    def _eval(self, node: ast.AST, scope: Mapping[str, Any]) -> Any:
        match node:
            case ast.Expression(body=body):
                return self.visit(body, scope)
            case ast.Constant(value=value):
                return value
            case ast.Name(id=name):
                return self.lookup(name, scope)
            case ast.Tuple(elts=elts):
                return tuple(self.elements(elts, scope))
            case ast.List(elts=elts):
                return self.elements(elts, scope)
            case ast.Set(elts=elts):
                return set(self.elements(elts, scope))
            case ast.Dict(keys=keys, values=values):
                result: dict[Any, Any] = {}
                for key, value in zip(keys, values):
                    if key is None:  # {**other}: only a dict may be unpacked
                        other = self.visit(value, scope)
                        if not isinstance(other, dict):
                            raise TypeError(f"{type(other).__name__} cannot be unpacked with **")
                        result.update(other)
                    else:
                        result[self.visit(key, scope)] = self.visit(value, scope)
                return result
            case ast.BinOp(left=left, op=op, right=right):
                return _binop(type(op), self.visit(left, scope), self.visit(right, scope))
            case ast.UnaryOp(op=op, operand=operand):
                return _OPERATORS[type(op)](self.visit(operand, scope))
            case ast.BoolOp(op=op, values=values):  # short-circuits and returns the deciding value, as Python
                for value in values:
                    result = self.visit(value, scope)
                    if bool(result) == isinstance(op, ast.Or):
                        break
                return result
            case ast.Compare(left=left, ops=ops, comparators=comparators):
                current = self.visit(left, scope)
                for comparison, comparator in zip(ops, comparators):
                    following = self.visit(comparator, scope)
                    if not _OPERATORS[type(comparison)](current, following):
                        return False
                    current = following
                return True
            case ast.IfExp(test=test, body=body, orelse=orelse):
                return self.visit(body if self.visit(test, scope) else orelse, scope)
            case ast.Subscript(value=value, slice=index):
                container = self.visit(value, scope)
                if not isinstance(container, (dict, list, tuple, str)):
                    raise TypeError(f"{type(container).__name__} cannot be indexed")
                if not isinstance(index, ast.Slice):
                    return container[self.visit(index, scope)]
                bounds = [None if part is None else self.visit(part, scope)
                          for part in (index.lower, index.upper, index.step)]
                if not all(bound is None or isinstance(bound, int) for bound in bounds):
                    raise TypeError("slice bounds must be whole numbers")
                return container[slice(*bounds)]
            case ast.JoinedStr(values=values):
                parts: list[str] = []
                for value in values:
                    parts.append(self.visit(value, scope))
                    _check_length(sum(map(len, parts)))
                return "".join(parts)
            case ast.FormattedValue(value=value, conversion=conversion, format_spec=spec):
                shown = self.visit(value, scope)
                if conversion in _CONVERSIONS:
                    _check_text(shown)
                    shown = _CONVERSIONS[conversion](shown)
                return _format(shown, "" if spec is None else self.visit(spec, scope))
            case ast.Call(func=ast.Attribute(value=owner, attr=attr), args=args, keywords=keywords):
                function = self.method(self.visit(owner, scope), attr)
                return function(*self.elements(args, scope), **self.keywords(keywords, scope))
            case ast.Call(func=ast.Name(id=name), args=args, keywords=keywords):
                function = _FUNCTIONS[name]  # never looked up in the data
                return function(*self.elements(args, scope), **self.keywords(keywords, scope))
            case ast.ListComp(elt=elt, generators=gens) | ast.GeneratorExp(elt=elt, generators=gens):
                return [self.visit(elt, inner) for inner in self.iterate(gens, scope)]  # eager: bounded by steps
            case ast.SetComp(elt=elt, generators=gens):
                return {self.visit(elt, inner) for inner in self.iterate(gens, scope)}
            case ast.DictComp(key=key, value=value, generators=gens):
                return {self.visit(key, inner): self.visit(value, inner) for inner in self.iterate(gens, scope)}
        raise _refused(f"Konstruktionen '{type(node).__name__}' är inte tillåten här.")

    @staticmethod
    def lookup(name: str, scope: Mapping[str, Any]) -> Any:
        try:  # indexing, not `in`: a caller's dict subclass may read missing fields as None via __missing__
            return scope[name]
        except KeyError:
            raise _failed(f"Namnet '{name}' finns inte i ärendets data.", "unknown_name", name=name) from None

    @staticmethod
    def iterable(value: Any) -> Any:
        if not isinstance(value, (list, tuple, str, dict, set, frozenset)):
            raise TypeError(f"{type(value).__name__} cannot be iterated")
        return value

    @staticmethod
    def method(owner: Any, name: str) -> Callable[..., Any]:
        for kind, table in _METHODS.items():
            if isinstance(owner, kind) and name in table:
                return partial(table[name], owner)
        raise _failed(f"Metoden '.{name}()' finns inte för värdet ({type(owner).__name__}).", "wrong_type")

    def elements(self, nodes: list[ast.expr], scope: Mapping[str, Any]) -> list[Any]:
        """Evaluate display or argument items, expanding *starred ones, within MAX_LENGTH."""
        result: list[Any] = []
        for node in nodes:
            if isinstance(node, ast.Starred):
                result.extend(self.iterable(self.visit(node.value, scope)))
            else:
                result.append(self.visit(node, scope))
            _check_length(len(result))
        return result

    def keywords(self, keywords: list[ast.keyword], scope: Mapping[str, Any]) -> dict[str, Any]:
        # the checker refused **mapping (a keyword without a name)
        return {k.arg: self.visit(k.value, scope) for k in keywords if k.arg is not None}

    def iterate(self, generators: list[ast.comprehension],
                scope: Mapping[str, Any]) -> Iterator[ChainMap[str, Any]]:
        """Yield one scope per combination of a comprehension's for/if clauses; each turn costs a step."""
        first, rest = generators[0], generators[1:]
        for item in self.iterable(self.visit(first.iter, scope)):
            self.tick()
            # comprehension variables do not leak, as in Python 3; ChainMap writes only to its first map
            inner: ChainMap[str, Any] = ChainMap({}, cast(MutableMapping[str, Any], scope))
            self.bind(first.target, item, inner.maps[0])
            if all(self.visit(condition, inner) for condition in first.ifs):
                yield from self.iterate(rest, inner) if rest else [inner]

    def bind(self, target: ast.AST, value: Any, scope: MutableMapping[str, Any]) -> None:
        if isinstance(target, ast.Name):
            scope[target.id] = value
            return
        values, targets = list(self.iterable(value)), target.elts  # type: ignore[attr-defined]  # Tuple/List
        if len(values) != len(targets):
            raise ValueError(f"expected {len(targets)} values to unpack, got {len(values)}")
        for part, item in zip(targets, values):
            self.bind(part, item, scope)

    def run(self, statements: list[ast.stmt], scope: dict[str, Any]) -> None:
        for stmt in statements:
            self.tick()
            try:
                self.statement(stmt, scope)
            except Exception as exc:  # translated and re-raised with the line, never swallowed
                err = _as_sandbox_error(exc)
                err.details.setdefault("line", stmt.lineno)  # the innermost statement sets it first
                if err is exc:
                    raise
                raise err from exc

    def statement(self, stmt: ast.stmt, scope: dict[str, Any]) -> None:
        match stmt:
            case ast.Assign(targets=targets, value=value):
                result = self.visit(value, scope)
                for target in targets:
                    self.bind(target, result, scope)
            case ast.AugAssign(target=ast.Name(id=name), op=op, value=value):
                # x = x + y, never in place: `items += [1]` must not mutate a list shared with the case
                scope[name] = result = _binop(type(op), self.lookup(name, scope), self.visit(value, scope))
                if type(result) in _NESTED:
                    _check_size(result)
            case ast.If(test=test, body=body, orelse=orelse):
                self.run(body if self.visit(test, scope) else orelse, scope)
            case ast.Delete(targets=targets):
                for name in [n.id for t in targets for n in ast.walk(t) if isinstance(n, ast.Name)]:
                    self.lookup(name, scope)
                    del scope[name]
            case ast.Pass():
                pass
            case _:
                raise _refused("Ett skript får bara tilldela och välja med if.")
