"""What the sandbox lets a text use: the functions, methods, operators and syntax nodes, each bounded."""

from __future__ import annotations

import ast
import operator
from collections.abc import Callable
from datetime import date, datetime, timedelta
from typing import Any

from SpiffWorkflow.bpmn.specs.event_definitions.timer import TimerEventDefinition

from .limits import MAX_INT_DIGITS, MAX_LENGTH, MAX_NDIGITS, MAX_RANGE, _check_text, _refused


def _range(*args: int) -> list[int]:
    """range() as a list (so task data stays serialisable), refused beyond MAX_RANGE numbers."""
    numbers = range(*args)
    try:
        too_long = len(numbers) > MAX_RANGE
    except OverflowError:  # wider than sys.maxsize
        too_long = True
    if too_long:
        raise _refused(f"range() får ge högst {MAX_RANGE} tal.", "too_complex")
    return list(numbers)


def _sum(values: Any, start: int | float = 0) -> Any:
    """sum() of numbers only: sum(lists, []) would concatenate past every length check."""
    if not isinstance(start, (int, float)):
        raise TypeError("sum() start must be a number")
    return sum(values, start)


def _round(number: Any, ndigits: int | None = None) -> Any:
    """round(), refused beyond MAX_NDIGITS digits either side of the point."""
    if isinstance(ndigits, int) and abs(ndigits) > MAX_NDIGITS:
        raise _refused(f"round() får avrunda till högst {MAX_NDIGITS} siffror.", "too_complex")
    return round(number, ndigits)


def _int(value: Any = 0, base: int | None = None) -> int:
    """int(), reading at most MAX_INT_DIGITS characters of text (the result's size is checked after)."""
    if isinstance(value, str) and len(value) > MAX_INT_DIGITS:
        raise _refused(f"int() får läsa högst {MAX_INT_DIGITS} tecken.", "too_complex")
    return int(value) if base is None else int(value, base)


def _str(value: Any = "") -> str:
    """str(), refused before converting a value whose text would be too long (a list of huge numbers)."""
    _check_text(value)
    return str(value)


def _index_of(method: Callable[..., int]) -> Callable[..., int]:
    """list.index / tuple.index: the error for a missing value shows it, so it must be short enough to show."""
    def index(sequence: Any, value: Any, *bounds: int) -> int:
        _check_text(value)
        return method(sequence, value, *bounds)
    return index


def _days_between(start: str, end: str) -> int:
    """Whole days from start to end, both ISO dates or datetimes ("2024-05-01", "2024-05-01T10:00:00Z")."""
    return (datetime.fromisoformat(end).date() - datetime.fromisoformat(start).date()).days


def _add_duration(start: str, duration: str) -> str:
    """The ISO datetime an ISO 8601 duration after start, for a timeDate clock that runs from an earlier moment
    (a complaint's answer is due four weeks from receipt, whenever the answering task starts)."""
    moment = datetime.fromisoformat(start)
    parsed = TimerEventDefinition.parse_iso_duration(duration)
    delta: timedelta = TimerEventDefinition.get_timedelta_from_start(parsed, moment)
    return (moment + delta).isoformat()


_FUNCTIONS: dict[str, Callable[..., Any]] = {
    "len": len, "min": min, "max": max, "sum": _sum, "abs": abs, "round": _round, "int": _int, "float": float,
    "str": _str, "bool": bool, "sorted": sorted, "any": any, "all": all, "list": list, "dict": dict, "set": set,
    "tuple": tuple, "range": _range, "days_between": _days_between, "add_duration": _add_duration,
    "today": lambda: date.today().isoformat(),  # server-local date, e.g. "2024-05-01"
}
# No `key=` and no **mapping: nothing in the sandbox may be called except the functions above.
_KEYWORDS = frozenset({"default", "reverse", "start", "sep", "maxsplit", "ndigits"})


def _join(sep: str, items: Any) -> str:
    items = list(items)
    if sum(len(i) for i in items if isinstance(i, str)) + len(sep) * max(len(items) - 1, 0) > MAX_LENGTH:
        raise _refused(f"Texten skulle bli längre än {MAX_LENGTH} tecken.", "too_complex")
    return sep.join(items)


def _replace(text: str, old: str, new: str, count: int = -1) -> str:
    hits = text.count(old) if count < 0 else min(text.count(old), count)
    if len(text) + hits * (len(new) - len(old)) > MAX_LENGTH:
        raise _refused(f"Texten skulle bli längre än {MAX_LENGTH} tecken.", "too_complex")
    return text.replace(old, new, count)


# Methods are called through the base type (str.lower(x), not x.lower()) so no subclass can substitute its
# own, and dict views become lists so results stay plain data. No str.format/format_map: their templates
# reach attributes ("{0.__class__}"). No ljust/center/zfill: they pad to any width.
_METHODS: dict[type, dict[str, Callable[..., Any]]] = {
    str: {"lower": str.lower, "upper": str.upper, "strip": str.strip, "lstrip": str.lstrip, "rstrip": str.rstrip,
          "startswith": str.startswith, "endswith": str.endswith, "split": str.split, "replace": _replace,
          "join": _join, "title": str.title, "capitalize": str.capitalize, "isdigit": str.isdigit,
          "count": str.count, "find": str.find},
    dict: {"get": dict.get, "keys": lambda d: list(d.keys()), "values": lambda d: list(d.values()),
           "items": lambda d: list(d.items())},
    list: {"count": list.count, "index": _index_of(list.index)},
    tuple: {"count": tuple.count, "index": _index_of(tuple.index)},
}
_METHOD_NAMES = frozenset(name for table in _METHODS.values() for name in table)

_OPERATORS: dict[type, Callable[..., Any]] = {
    ast.Add: operator.add, ast.Sub: operator.sub, ast.Mult: operator.mul, ast.Div: operator.truediv,
    ast.FloorDiv: operator.floordiv, ast.Mod: operator.mod, ast.Pow: operator.pow,
    ast.Eq: operator.eq, ast.NotEq: operator.ne, ast.Lt: operator.lt, ast.LtE: operator.le, ast.Gt: operator.gt,
    ast.GtE: operator.ge, ast.Is: operator.is_, ast.IsNot: operator.is_not,
    ast.In: lambda a, b: a in b, ast.NotIn: lambda a, b: a not in b,
    ast.USub: operator.neg, ast.UAdd: operator.pos, ast.Not: operator.not_,
}
_EXPRESSION_NODES = frozenset({
    ast.Expression, ast.Constant, ast.Name, ast.Load, ast.Store, ast.Tuple, ast.List, ast.Dict, ast.Set,
    ast.BinOp, ast.UnaryOp, ast.BoolOp, ast.And, ast.Or, ast.Compare, ast.IfExp, ast.Subscript, ast.Slice,
    ast.JoinedStr, ast.FormattedValue, ast.Call, ast.keyword, ast.Starred, ast.ListComp, ast.SetComp,
    ast.DictComp, ast.GeneratorExp, ast.comprehension, *_OPERATORS,
})
_SCRIPT_NODES = _EXPRESSION_NODES | {ast.Module, ast.Assign, ast.AugAssign, ast.If, ast.Pass, ast.Delete, ast.Del}
_LABELS: dict[type, str] = {
    ast.Lambda: "lambda", ast.NamedExpr: "':='", ast.While: "loopar", ast.For: "loopar", ast.Import: "import",
    ast.ImportFrom: "import", ast.FunctionDef: "funktionsdefinitioner", ast.ClassDef: "klassdefinitioner",
    ast.Try: "try", ast.With: "with", ast.Global: "global", ast.Nonlocal: "nonlocal",
    ast.Expr: "fristående uttryck (ett skript får bara tilldela och välja med if)",
}
