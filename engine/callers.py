"""Who calls: a bearer's credential is checked inside the first use case's own transaction, not in one of its own.

A token never changes owner, so the map token hash → user id is kept per process (bounded) and a known token
costs no query to resolve. Whether it still counts — not revoked, not expired, its user active — is asked on
every request, as the first statement of the request's first use case; a request whose view ran no use case (or
failed before one) is checked when it ends. A revoked token is therefore refused from the very next request.
"""

from __future__ import annotations

import threading
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from collections.abc import Callable, Iterator

from engine import org
from engine.context import Context
from engine.errors import AuthenticationFailed
from engine.store import org as org_store

__all__ = ["Caller", "TokenOwners", "pending", "calling", "check"]

_OWNERS_MAX = 10_000  # tokens remembered per process; beyond that the map starts again (one query each)


@dataclass
class Caller:
    user_id: str
    token_hash: str | None  # None: an OIDC user, whose JWT the server verified; only the user is checked
    checked: bool = False


_pending: ContextVar[Caller | None] = ContextVar("avvik_caller", default=None)


def pending() -> Caller | None:
    """The current request's caller if its credential has not been checked yet."""
    caller = _pending.get()
    return caller if caller is not None and not caller.checked else None


def check(ctx: Context, caller: Caller) -> None:
    """AuthenticationFailed unless the credential still counts, now."""
    if not org_store.credential_counts(ctx.session, caller.user_id, caller.token_hash, ctx.clock()):
        raise AuthenticationFailed()
    caller.checked = True


class TokenOwners:
    """token hash → user id, per process; only ever filled from a successful authentication."""

    def __init__(self) -> None:
        self._owners: dict[str, str] = {}
        self._lock = threading.Lock()

    def get(self, token_hash: str) -> str | None:
        return self._owners.get(token_hash)

    def put(self, token_hash: str, user_id: str) -> None:
        with self._lock:
            if len(self._owners) >= _OWNERS_MAX:
                self._owners.clear()
            self._owners[token_hash] = user_id

    def forget(self, token_hash: str) -> None:
        with self._lock:
            self._owners.pop(token_hash, None)


@contextmanager
def calling(caller: Caller, check_alone: Callable[[Caller], None]) -> Iterator[str]:
    """Within: use cases check `caller` first (once). On leaving unchecked — no use case ran, or the view failed
    before one — `check_alone` checks it in its own transaction; an invalid credential then wins over the
    view's own error, so a refused caller learns nothing from it."""
    reset = _pending.set(caller)
    try:
        try:
            yield caller.user_id
        except BaseException:
            if not caller.checked:
                check_alone(caller)
            raise
        if not caller.checked:
            check_alone(caller)
    finally:
        _pending.reset(reset)


def token_hash(token: str) -> str:
    return org.hash_token(token)
