"""OIDC: a JWT signed by the configured issuer's key, for the configured audience, names an avvik user."""

from __future__ import annotations

import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from collections.abc import Iterator

import jwt
import pytest
from cryptography.hazmat.primitives.asymmetric import rsa

from engine import Engine
from server.app import create_app
from server.config import Settings

ISSUER, AUDIENCE = "https://idp.region.example", "avvik"


@pytest.fixture
def keys() -> Iterator[tuple[Any, str]]:
    """A signing key and a JWKS endpoint for it, served on loopback like an identity provider would."""
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    jwk = json.loads(jwt.algorithms.RSAAlgorithm.to_jwk(key.public_key()))
    body = json.dumps({"keys": [{**jwk, "kid": "k1", "use": "sig", "alg": "RS256"}]}).encode()

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802 (http.server's name)
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: Any) -> None:
            pass

    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield key, f"http://127.0.0.1:{httpd.server_address[1]}/jwks.json"
    httpd.shutdown()


@pytest.fixture
def oidc_client(demo: Engine, keys: tuple[Any, str]) -> Any:
    settings = Settings(database_url=demo.db.url, oidc_issuer=ISSUER, oidc_audience=AUDIENCE, oidc_jwks_url=keys[1])
    return create_app(settings, engine=demo).test_client()


def token(key: Any, kid: str | None = "k1", **claims: Any) -> str:
    now = int(time.time())
    body = {"iss": ISSUER, "aud": AUDIENCE, "iat": now, "exp": now + 300, "preferred_username": "anna", **claims}
    return jwt.encode(body, key, algorithm="RS256", headers={"kid": kid} if kid else None)


def test_valid_jwt_maps_to_the_user(oidc_client: Any, keys: tuple[Any, str]) -> None:
    response = oidc_client.get("/api/v1/me", headers={"Authorization": f"Bearer {token(keys[0])}"})
    assert response.status_code == 200 and response.get_json()["id"] == "anna"


@pytest.mark.parametrize(
    "claims",
    [
        {"aud": "other"},
        {"iss": "https://evil.example"},
        {"exp": int(time.time()) - 60},
        {"preferred_username": "nobody"},
    ],
)
def test_wrong_audience_issuer_expiry_or_unknown_user_is_401(
    oidc_client: Any, keys: tuple[Any, str], claims: dict[str, Any]
) -> None:
    response = oidc_client.get("/api/v1/me", headers={"Authorization": f"Bearer {token(keys[0], **claims)}"})
    assert response.status_code == 401 and response.get_json()["code"] == "unauthenticated"


def test_jwt_signed_by_another_key_is_401(oidc_client: Any) -> None:
    stranger = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    response = oidc_client.get("/api/v1/me", headers={"Authorization": f"Bearer {token(stranger)}"})
    assert response.status_code == 401


def test_a_token_without_kid_is_verified_with_the_only_key(oidc_client: Any, keys: tuple[Any, str]) -> None:
    """Some providers (and oidc-provider-mock) leave `kid` out when they have one key."""
    response = oidc_client.get("/api/v1/me", headers={"Authorization": f"Bearer {token(keys[0], kid=None)}"})
    assert response.status_code == 200 and response.get_json()["id"] == "anna"
    forged = token(rsa.generate_private_key(public_exponent=65537, key_size=2048), kid=None)
    assert oidc_client.get("/api/v1/me", headers={"Authorization": f"Bearer {forged}"}).status_code == 401
