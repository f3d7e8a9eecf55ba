"""Delivery configuration from the environment, read by `avvik worker` (never at import)."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from datetime import timedelta
from urllib.parse import urlsplit

from engine.delivery.smtp import Transport, transport_from_url
from engine.outbox import RetryPolicy

__all__ = ["DeliverySettings"]


@dataclass(frozen=True)
class DeliverySettings:
    transport: Transport
    public_url: str = "http://localhost:8000"  # links in messages point into the web application here
    sender: str = "avvik <noreply@localhost>"
    policy: RetryPolicy = field(default_factory=RetryPolicy)

    @classmethod
    def from_env(cls) -> DeliverySettings:
        """AVVIK_SMTP_URL (unset: messages go to the log), AVVIK_PUBLIC_URL, AVVIK_MAIL_FROM,
        AVVIK_NOTIFY_MAX_ATTEMPTS (default 8), AVVIK_NOTIFY_BACKOFF_SECONDS (default 60, doubled per try)."""
        env = os.environ
        public_url = env.get("AVVIK_PUBLIC_URL") or cls.public_url
        host = urlsplit(public_url).hostname or "localhost"
        return cls(
            transport=transport_from_url(env.get("AVVIK_SMTP_URL")),
            public_url=public_url,
            sender=env.get("AVVIK_MAIL_FROM") or f"avvik <noreply@{host}>",
            policy=RetryPolicy(
                max_attempts=int(_number("AVVIK_NOTIFY_MAX_ATTEMPTS", 8)),
                backoff=timedelta(seconds=_number("AVVIK_NOTIFY_BACKOFF_SECONDS", 60)),
            ),
        )


def _number(name: str, default: float) -> float:
    value = os.environ.get(name)
    if not value:
        return default
    try:
        return float(value) if "." in value else int(value)
    except ValueError:
        raise ValueError(f"{name} ska vara ett tal, inte '{value}'") from None
