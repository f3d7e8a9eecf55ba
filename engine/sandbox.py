"""The sandbox for expressions and small scripts written in definition files.

Process owners write Python-syntax text in BPMN, DMN and YAML files: gateway conditions, DMN cells, timer
expressions, closure-rule conditions and small script tasks. None of it ever reaches eval, exec or compile.
The text is parsed with `ast.parse`, checked against a whitelist of syntax, functions and methods, and then
evaluated node by node by the interpreter below, under a step budget and a time bound; each builtin
call is bounded by its arguments before it runs. What an expression returns, and what a script assigns, must
be storable in a case (engine/storable.py). Every refusal or failure is a `SandboxError` with a Swedish
message for the process owner and an English `reason` (e.g. too_complex, not_storable); SpiffWorkflow's
callers also get the BPMN element (`element_id`) it was evaluated for.
"""

from __future__ import annotations

import ast
import operator
import re
import textwrap
import time
from collections import ChainMap, OrderedDict
from collections.abc import Callable, Iterator, Mapping
from datetime import date, datetime
from functools import lru_cache, partial
from itertools import compress
from typing import Any

from SpiffWorkflow.bpmn.exceptions import WorkflowTaskException
from SpiffWorkflow.bpmn.script_engine import PythonScriptEngine
from SpiffWorkflow.bpmn.script_engine.python_environment import BasePythonScriptEngineEnvironment
from SpiffWorkflow.bpmn.specs.event_definitions.timer import TimerEventDefinition

from .errors import SandboxError
from .storable import unstorable

__all__ = ["check_expression", "check_constants", "names_used", "evaluate", "execute", "SandboxEnvironment",
           "SandboxScriptEngine"]

MAX_SOURCE_CHARS = 10_000  # longer text is not a condition, it is a program
MAX_DEPTH = 100  # keeps the interpreter's recursion far below Python's own limit
MAX_STEPS = 100_000  # nodes evaluated plus comprehension turns, per call
MAX_SECONDS = 0.5  # CPU time of the evaluating thread, checked at every step: a loaded machine
#                    pausing the thread is not the expression's cost, and must not refuse it
MAX_EXPONENT = 1_000
MAX_INT_BITS = 10_000  # products and powers beyond this are refused before they are computed
MAX_LENGTH = 100_000  # longest str/list/tuple an operation may build, checked before building it
MAX_SIZE = 1_000_000  # largest value counting shared parts as copies: [big_list] * 1000 is cheap to build,
#                       but comparing or printing it is not
MAX_RANGE = 10_000
MAX_FORMAT_WIDTH = 1_000  # f"{x:>999999999}" would allocate a gigabyte
MAX_NDIGITS = 1_000  # round(1, -10**9) computes 10**(10**9) before it rounds
MAX_INT_DIGITS = 4_300  # longest text int() reads (Python's own bound for base 10; int('f'*99999, 16) has none)


# --- errors ---------------------------------------------------------------------------------------------

def _refused(message: str, reason: str = "forbidden_syntax", **details: Any) -> SandboxError:
    """The text is not allowed (code 'expression_refused')."""
    return SandboxError(message, reason=reason, **details)


def _failed(message: str, reason: str, **details: Any) -> SandboxError:
    """The text is allowed but failed on this case's data (code 'expression_failed')."""
    err = SandboxError(message, reason=reason, **details)
    err.code = "expression_failed"  # per instance, so SandboxError stays the one class callers catch
    return err


_FAILURES: list[tuple[type[Exception], str, str]] = [
    (ZeroDivisionError, "zero_division", "Uttrycket delar med noll."),
    (KeyError, "missing_key", "Nyckeln {arg} finns inte i datat."),
    (IndexError, "missing_index", "Det finns inget element på den platsen."),
    (OverflowError, "overflow", "Ett tal blev för stort."),
    (TypeError, "wrong_type", "Värdena har fel typ för den här beräkningen."),
    (ValueError, "bad_value", "Ett värde har fel form."),
]


def _as_sandbox_error(exc: Exception) -> SandboxError:
    """Translate a Python runtime error into a SandboxError a process owner can read."""
    if isinstance(exc, SandboxError):
        return exc
    if isinstance(exc, (RecursionError, MemoryError)):
        return _refused("Uttrycket är för komplext att beräkna.", "too_complex")
    arg = _shown(exc.args[0]) if exc.args else "?"
    # str(KeyError(k)) is repr(k): a key too large to show would take as long to print as to build
    detail = f"{type(exc).__name__}: {arg if isinstance(exc, KeyError) else exc}"
    for kind, reason, message in _FAILURES:
        if isinstance(exc, kind):
            return _failed(message.format(arg=arg), reason, detail=detail)
    return _failed("Uttrycket kunde inte beräknas.", "runtime_error", detail=detail)


class _SandboxSyntaxError(SandboxError, SyntaxError):
    """A syntax refusal that is also a SyntaxError; raised only by SandboxScriptEngine.validate.

    SpiffWorkflow's DMNEngine.needs_eq tells `"vard"` from `>= 5` by catching SyntaxError from validate().
    lineno is always set: SpiffWorkflow's error formatter crashes on a SyntaxError whose lineno is None.
    """


# --- the whitelist --------------------------------------------------------------------------------------

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
    return (moment + TimerEventDefinition.get_timedelta_from_start(parsed, moment)).isoformat()


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


# --- parsing and checking -------------------------------------------------------------------------------

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


# --- size guards ----------------------------------------------------------------------------------------

_NESTED = frozenset({str, list, tuple, dict, set, frozenset, OrderedDict})
_FORMAT_SPEC = re.compile(r"(?:.?[<>=^])?[+\- ]?z?#?0?(?P<width>\d*)[,_]?(?:\.(?P<prec>\d+))?[bcdeEfFgGnosxX%]?",
                          re.DOTALL)


def _check_length(length: int) -> None:
    if length > MAX_LENGTH:
        raise _refused(f"Resultatet skulle bli längre än {MAX_LENGTH} element.", "too_complex")


def _check_size(value: Any) -> None:
    """Refuse a built value whose size, counting shared parts as copies, exceeds MAX_SIZE."""
    total, stack = 0, [value]
    while stack:  # C-level filtering keeps this fast on long flat lists
        item = stack.pop()
        if isinstance(item, str):
            total += len(item)
            continue
        members = list(item.items()) if isinstance(item, dict) else item
        total += len(members)
        if total > MAX_SIZE:
            raise _refused("Uttrycket bygger ett för stort värde.", "too_complex")
        stack.extend(compress(members, map(_NESTED.__contains__, map(type, members))))


def _check_text(value: Any, limit: int = MAX_LENGTH) -> None:
    """Refuse, before converting it, a value whose text would exceed `limit` characters: str() of a list of
    3 000-digit numbers is cheap to ask for and takes seconds to make. Stops counting at the limit."""
    total, stack = 0, [value]
    while stack:
        item = stack.pop()
        if isinstance(item, str):
            total += len(item) + 2
        elif isinstance(item, int):
            total += item.bit_length() * 30103 // 100_000 + 2  # decimal digits: bits × log10(2)
        elif isinstance(item, dict):
            total += 4 * len(item)
            stack.extend(item.keys())
            stack.extend(item.values())
        elif isinstance(item, (list, tuple, set, frozenset)):
            total += 2 * len(item)
            stack.extend(item)
        else:
            total += 32  # float, None and the like
        if total > limit:
            raise _refused(f"Texten skulle bli längre än {limit} tecken.", "too_complex")


def _shown(value: Any) -> str:
    """repr() of a value for a message, or its type's name when that would be long."""
    try:
        _check_text(value, 200)
    except SandboxError:
        return f"({type(value).__name__})"
    return repr(value)


def _check_result(value: Any) -> None:
    """What any operator or call may give: ints within MAX_INT_BITS, text within MAX_LENGTH, no complex."""
    kind = type(value)
    if kind is int and value.bit_length() > MAX_INT_BITS:
        raise _refused("Ett heltal blir för stort.", "too_complex")
    if kind is str:
        _check_length(len(value))
    elif kind is complex:  # (-1) ** 0.5
        raise _refused("Beräkningen ger inget reellt tal (t.ex. roten ur ett negativt tal).", "not_storable")


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


# --- the interpreter ------------------------------------------------------------------------------------

# Nodes that build a new container: the only places a value can outgrow MAX_SIZE.
_BUILDERS = (ast.BinOp, ast.List, ast.Tuple, ast.Set, ast.Dict, ast.ListComp, ast.SetComp, ast.DictComp,
             ast.GeneratorExp)
# Nodes whose result a builtin computed: bounded by _check_result (containers they build are no larger
# than their arguments, which were bounded when they were built).
_COMPUTED = (ast.BinOp, ast.UnaryOp, ast.Call)
_CONVERSIONS: dict[int, Callable[[Any], str]] = {ord("s"): str, ord("r"): repr, ord("a"): ascii}


class _Interpreter:
    """Evaluates a checked tree; one instance per call carries the step budget and the deadline."""

    def __init__(self) -> None:
        self.steps = 0
        self.deadline = time.thread_time() + MAX_SECONDS

    def tick(self) -> None:
        self.steps += 1
        if self.steps > MAX_STEPS:
            raise _refused("Uttrycket kräver för många beräkningssteg.", "too_complex")
        if time.thread_time() >= self.deadline:
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
                for op, comparator in zip(ops, comparators):
                    following = self.visit(comparator, scope)
                    if not _OPERATORS[type(op)](current, following):
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
                result = self.visit(value, scope)
                if conversion in _CONVERSIONS:
                    _check_text(result)
                    result = _CONVERSIONS[conversion](result)
                return _format(result, "" if spec is None else self.visit(spec, scope))
            case ast.Call(func=ast.Attribute(value=owner, attr=attr), args=args, keywords=keywords):
                function = self.method(self.visit(owner, scope), attr)
                return function(*self.elements(args, scope), **{k.arg: self.visit(k.value, scope) for k in keywords})
            case ast.Call(func=ast.Name(id=name), args=args, keywords=keywords):
                function = _FUNCTIONS[name]  # never looked up in the data
                return function(*self.elements(args, scope), **{k.arg: self.visit(k.value, scope) for k in keywords})
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

    def iterate(self, generators: list[ast.comprehension], scope: Mapping[str, Any]) -> Iterator[ChainMap]:
        """Yield one scope per combination of a comprehension's for/if clauses; each turn costs a step."""
        first, rest = generators[0], generators[1:]
        for item in self.iterable(self.visit(first.iter, scope)):
            self.tick()
            inner = ChainMap({}, scope)  # comprehension variables do not leak, as in Python 3
            self.bind(first.target, item, inner.maps[0])
            if all(self.visit(condition, inner) for condition in first.ifs):
                yield from self.iterate(rest, inner) if rest else [inner]

    def bind(self, target: ast.AST, value: Any, scope: dict[str, Any]) -> None:
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


# --- public API -----------------------------------------------------------------------------------------

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


def names_used(source: str, *, script: bool = False) -> set[str]:
    """The data names `source` reads: not the functions it calls, nor names it binds before reading."""
    tree = _parse(source, "exec" if script else "eval")
    used: set[str] = set()
    if isinstance(tree, ast.Module):
        _script_names(tree.body, set(), used)
    else:
        _free_names(tree, frozenset(), used)
    return used


def _bound_by(nodes: list[ast.AST]) -> set[str]:
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


# --- SpiffWorkflow --------------------------------------------------------------------------------------

class SandboxEnvironment(BasePythonScriptEngineEnvironment):
    """A SpiffWorkflow script environment that evaluates through the sandbox instead of eval/exec."""

    def __init__(self) -> None:
        super().__init__({})  # no injectable globals: the sandbox's functions are fixed

    def evaluate(self, expression: str, context: dict[str, Any],
                 external_context: Mapping[str, Any] | None = None) -> Any:
        """Evaluate with the task data over the external context (DMN's input value, data objects)."""
        return evaluate(expression, ChainMap(context, dict(external_context or {})))

    def execute(self, script: str, context: dict[str, Any],
                external_context: Mapping[str, Any] | None = None) -> bool:
        """Run a script task; the task data changes only where the script assigned or deleted."""
        external = dict(external_context or {})
        scope = {**external, **context}
        execute(script, scope)
        for name in [name for name in context if name not in scope]:
            del context[name]
        context.update({name: value for name, value in scope.items()
                        if name in context or name not in external or value is not external[name]})
        return True


class SandboxScriptEngine(PythonScriptEngine):
    """The script engine for avvik's workflows: every expression and script runs in the sandbox.

    Errors reach SpiffWorkflow's callers as WorkflowTaskException, which keeps only the wrapped error's class
    name, so it is raised `from` the SandboxError: callers find it as the exception's __cause__.
    """

    def __init__(self) -> None:
        super().__init__(environment=SandboxEnvironment())

    def validate(self, expression: str) -> None:
        """Check an expression; a syntax error is raised as a SandboxError that is also a SyntaxError."""
        try:
            check_expression(expression)
        except SandboxError as err:
            if err.details.get("reason") != "syntax_error":
                raise
            error = _SandboxSyntaxError(err.message, **err.details)
            error.lineno, error.offset, error.text = err.details.get("line", 1), 1, expression
            raise error from None

    def evaluate(self, task: Any, expression: str, external_context: Mapping[str, Any] | None = None) -> Any:
        """Evaluate an expression against the task's data."""
        try:
            return self.environment.evaluate(expression, task.data, external_context)
        except SandboxError as err:
            _locate(err, task)
            raise WorkflowTaskException(err.message, task=task, exception=err) from err

    def execute(self, task: Any, script: str, external_context: Mapping[str, Any] | None = None) -> bool:
        """Run a script task against the task's data."""
        try:
            return self.environment.execute(script, task.data, external_context)
        except SandboxError as err:
            _locate(err, task)
            line = err.details.get("line")
            error_line = textwrap.dedent(script).splitlines()[line - 1] if line else ""
            raise WorkflowTaskException(err.message, task=task, exception=err, line_number=line,
                                        error_line=error_line) from err


def _locate(err: SandboxError, task: Any) -> None:
    """Name the BPMN element the expression belongs to (a gateway's condition is evaluated by the gateway)."""
    err.details.setdefault("element_id", task.task_spec.bpmn_id)
    if task.task_spec.bpmn_name:
        err.details.setdefault("element_name", task.task_spec.bpmn_name)
