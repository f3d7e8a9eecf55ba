"""The sandbox's bounds and its errors: what a text may cost, and how a refusal or failure is worded."""

from __future__ import annotations

from collections import OrderedDict
from itertools import compress
from typing import Any

from engine.errors import SandboxError

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


# --- size guards ----------------------------------------------------------------------------------------

_NESTED = frozenset({str, list, tuple, dict, set, frozenset, OrderedDict})


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
