"""A revoked API token is refused from the very next request, on every worker (nothing is cached)."""

from __future__ import annotations

from typing import Any

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
