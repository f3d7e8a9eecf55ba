"""A revoked API token is refused from the very next request, on every worker: a worker remembers only whose a
token is (that never changes), and checks that it still counts inside the request's own transaction."""

from __future__ import annotations

from typing import Any
from collections.abc import Iterator

import pytest
from sqlalchemy import event

from engine import Engine

from ..http import API, assert_error


def test_revocation_takes_effect_on_the_next_request(client: Any, demo: Engine) -> None:
    token, other = demo.create_token("anna", "laptop"), demo.create_token("anna", "telefon")
    headers = {"Authorization": f"Bearer {token}"}
    assert client.get(f"{API}/me", headers=headers).status_code == 200
    laptop = next(t for t in demo.list_tokens("anna") if t["label"] == "laptop")
    demo.revoke_token(laptop["id"])
    assert_error(client.get(f"{API}/me", headers=headers), 401, "unauthenticated")
    assert client.get(f"{API}/me", headers={"Authorization": f"Bearer {other}"}).status_code == 200


def test_a_revoked_token_learns_nothing_from_a_request_that_fails_before_the_engine(
    client: Any, demo: Engine
) -> None:
    token = demo.create_token("anna", "laptop")
    headers = {"Authorization": f"Bearer {token}"}
    assert client.get(f"{API}/tasks", headers=headers).status_code == 200  # the worker now knows the token
    demo.revoke_token(demo.list_tokens("anna")[0]["id"])
    invalid = client.post(f"{API}/events", data="inte json", headers={**headers, "Content-Type": "application/json"})
    assert_error(invalid, 401, "unauthenticated")


def test_an_expired_token_is_refused_on_the_next_request(client: Any, demo: Engine) -> None:
    from datetime import timedelta

    token = demo.create_token("anna", "kort", expires_at=demo.clock() + timedelta(hours=1))
    headers = {"Authorization": f"Bearer {token}"}
    assert client.get(f"{API}/tasks", headers=headers).status_code == 200
    later = demo.clock() + timedelta(hours=2)
    demo.clock = lambda: later
    assert_error(client.get(f"{API}/tasks", headers=headers), 401, "unauthenticated")


@pytest.fixture
def transactions(demo: Engine) -> Iterator[list[str]]:
    begun: list[str] = []

    def count(_connection: Any) -> None:
        begun.append("begin")

    event.listen(demo.db.engine, "begin", count)
    yield begun
    event.remove(demo.db.engine, "begin", count)


@pytest.mark.shared_database  # counts the database's own BEGINs, which savepoint isolation does not issue
def test_a_known_token_costs_no_transaction_of_its_own(
    client: Any, demo: Engine, transactions: list[str]
) -> None:
    headers = {"Authorization": f"Bearer {demo.create_token('anna')}"}
    assert client.get(f"{API}/tasks", headers=headers).status_code == 200
    transactions.clear()
    assert client.get(f"{API}/tasks", headers=headers).status_code == 200
    assert len(transactions) == 1  # before: one for the token, one for the worklist
