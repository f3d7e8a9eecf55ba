"""Server settings, from the environment unless a test passes its own mapping to create_app."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from typing import Any
from collections.abc import Mapping

__all__ = ["Settings"]


@dataclass(frozen=True)
class Settings:
    database_url: str | None = None  # AVVIK_DATABASE_URL; None: the SQLite default under var/
    max_body_bytes: int = 1_000_000  # AVVIK_MAX_BODY_BYTES: larger requests are refused with 413
    public_rate_limit: int = 10  # AVVIK_PUBLIC_RATE_LIMIT: public submissions per client address per window
    public_rate_window_s: int = 600  # AVVIK_PUBLIC_RATE_WINDOW
    oidc_issuer: str | None = None  # AVVIK_OIDC_ISSUER, with AVVIK_OIDC_AUDIENCE and AVVIK_OIDC_JWKS_URL
    oidc_audience: str | None = None
    oidc_jwks_url: str | None = None
    oidc_user_claim: str = "preferred_username"  # AVVIK_OIDC_USER_CLAIM: the claim that names an avvik user
    oidc_client_id: str | None = None  # AVVIK_OIDC_CLIENT_ID: the web app's public client (code + PKCE)
    demo: bool = False  # AVVIK_DEMO=1 (set by `make run` only): the web app lists demo users and logs them in
    idm_mapping: str | None = None  # AVVIK_IDM_MAPPING: the group mapping (YAML); set, it serves SCIM at /scim/v2
    web_dist: str | None = None  # AVVIK_WEB_DIST: the built web app; None: web/dist beside the server package
    public_url: str = "http://localhost:8000"  # AVVIK_PUBLIC_URL: the web app as people reach it (mail links)
    metrics_token: str | None = None  # AVVIK_METRICS_TOKEN: /metrics answers `Authorization: Bearer <token>`
    metrics_bind: str | None = None  # AVVIK_METRICS_BIND (host:port): an internal listener where /metrics is open
    extra: dict[str, Any] = field(default_factory=dict)

    @classmethod
    def from_env(cls, env: Mapping[str, str] = os.environ) -> Settings:
        def number(name: str, default: int) -> int:
            if not env.get(name):
                return default
            try:
                return int(env[name])
            except ValueError:
                raise ValueError(f"{name} ska vara ett heltal, inte '{env[name]}'") from None

        return cls(
            database_url=env.get("AVVIK_DATABASE_URL") or None,
            max_body_bytes=number("AVVIK_MAX_BODY_BYTES", cls.max_body_bytes),
            public_rate_limit=number("AVVIK_PUBLIC_RATE_LIMIT", cls.public_rate_limit),
            public_rate_window_s=number("AVVIK_PUBLIC_RATE_WINDOW", cls.public_rate_window_s),
            oidc_issuer=env.get("AVVIK_OIDC_ISSUER") or None,
            oidc_audience=env.get("AVVIK_OIDC_AUDIENCE") or None,
            oidc_jwks_url=env.get("AVVIK_OIDC_JWKS_URL") or None,
            oidc_user_claim=env.get("AVVIK_OIDC_USER_CLAIM") or cls.oidc_user_claim,
            oidc_client_id=env.get("AVVIK_OIDC_CLIENT_ID") or None,
            demo=env.get("AVVIK_DEMO") == "1",
            web_dist=env.get("AVVIK_WEB_DIST") or None,
            public_url=env.get("AVVIK_PUBLIC_URL") or cls.public_url,
            metrics_token=env.get("AVVIK_METRICS_TOKEN") or None,
            metrics_bind=env.get("AVVIK_METRICS_BIND") or None,
            idm_mapping=env.get("AVVIK_IDM_MAPPING") or None,
        )
