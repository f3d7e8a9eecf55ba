"""Who is calling: `Authorization: Bearer <token>`, either an avvik API token or, when configured, an OIDC
JWT verified against the issuer's keys. Nothing else authenticates: no trusted user headers."""

from __future__ import annotations

import functools
from contextlib import AbstractContextManager
from typing import Any, TypeVar
from collections.abc import Callable

import jwt
from flask import current_app, g, request

from engine.api import TOKEN_PREFIX, AuthenticationFailed, Engine
from server.config import Settings

__all__ = ["login_required", "current_user", "OidcVerifier"]

F = TypeVar("F", bound=Callable[..., Any])


class OidcVerifier:
    """Verifies RS/ES-signed JWTs against a JWKS (fetched and cached by PyJWT), issuer and audience."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self._jwks = jwt.PyJWKClient(settings.oidc_jwks_url) if settings.oidc_jwks_url else None

    @property
    def enabled(self) -> bool:
        return bool(self._jwks and self.settings.oidc_issuer and self.settings.oidc_audience)

    @staticmethod
    def _signing_key(jwks: jwt.PyJWKClient, token: str) -> jwt.PyJWK:
        """The key the token names; a token without `kid` (optional, RFC 7515) fits only a JWKS of one key."""
        if "kid" in jwt.get_unverified_header(token):
            return jwks.get_signing_key_from_jwt(token)
        keys = jwks.get_signing_keys()
        if len(keys) != 1:
            raise jwt.InvalidTokenError("token without kid, JWKS with several keys")
        return keys[0]

    def user_id(self, token: str) -> str:
        if not self.enabled or self._jwks is None:
            raise AuthenticationFailed()
        try:
            key = self._signing_key(self._jwks, token)
            claims = jwt.decode(
                token,
                key.key,
                algorithms=["RS256", "RS384", "RS512", "ES256", "ES384", "PS256"],
                audience=self.settings.oidc_audience,
                issuer=self.settings.oidc_issuer,
                options={"require": ["exp", "iss", "aud"]},
            )
        except (jwt.PyJWTError, jwt.PyJWKClientError):
            raise AuthenticationFailed("Inloggningen kunde inte verifieras.") from None
        user = claims.get(self.settings.oidc_user_claim)
        if not isinstance(user, str) or not user:
            raise AuthenticationFailed("Inloggningen saknar användar-id.")
        return user


def _caller() -> AbstractContextManager[str]:
    """The caller's credential, checked inside the request's first use case (engine/callers.py): no transaction
    of its own per request, and a revoked token is still refused from the very next request."""
    header = request.headers.get("Authorization", "")
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise AuthenticationFailed()
    token = token.strip()
    engine: Engine = current_app.extensions["avvik.engine"]
    if token.startswith(TOKEN_PREFIX):
        return engine.token_caller(token)
    # the JWT must name a known, active avvik user
    return engine.user_caller(current_app.extensions["avvik.oidc"].user_id(token))


def login_required(view: F) -> F:
    @functools.wraps(view)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        with _caller() as user_id:
            g.user_id = user_id
            return view(*args, **kwargs)

    return wrapper  # type: ignore[return-value]


def current_user() -> str:
    return str(g.user_id)
