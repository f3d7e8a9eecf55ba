"""Transports: SMTP through the standard library, configured by one URL, or the log for a demo without a mail
server.

AVVIK_SMTP_URL: `smtp://user:pass@host:port` (plain; `?starttls=1` to upgrade), `smtps://...` (TLS from the
start). User and password are percent-decoded; without them nothing is authenticated.
"""

from __future__ import annotations

import logging
import smtplib
import ssl
from dataclasses import dataclass
from email.message import Message
from typing import Protocol
from urllib.parse import parse_qs, unquote, urlsplit

__all__ = ["Transport", "SmtpTransport", "LogTransport", "transport_from_url"]

_log = logging.getLogger("avvik.notifications")


class Transport(Protocol):
    def send(self, messages: list[Message]) -> list[str | None]:
        """Send each message; per message None when sent, else why not."""


@dataclass(frozen=True)
class SmtpTransport:
    host: str
    port: int
    tls: bool = False
    starttls: bool = False
    user: str | None = None
    password: str | None = None
    timeout: float = 30.0

    def _connect(self) -> smtplib.SMTP:
        # a TLS context only when TLS is asked for: loading the system's CA store costs more than a batch of mail
        if self.tls:
            client: smtplib.SMTP = smtplib.SMTP_SSL(self.host, self.port, timeout=self.timeout,
                                                    context=ssl.create_default_context())
        else:
            client = smtplib.SMTP(self.host, self.port, timeout=self.timeout)
            if self.starttls:
                client.starttls(context=ssl.create_default_context())
        if self.user:
            client.login(self.user, self.password or "")
        return client

    def send(self, messages: list[Message]) -> list[str | None]:
        """One connection for the batch; a failure to connect fails every message, one refused fails one."""
        if not messages:
            return []
        try:
            client = self._connect()
        except (OSError, smtplib.SMTPException) as exc:
            return [_reason(exc)] * len(messages)
        results: list[str | None] = []
        with client:
            for message in messages:
                try:
                    client.send_message(message)
                    results.append(None)
                except (OSError, smtplib.SMTPException) as exc:
                    results.append(_reason(exc))
        return results


def _reason(exc: Exception) -> str:
    return f"{type(exc).__name__}: {exc}"


class LogTransport:
    """No mail server configured: each message goes to the log, so `make run` shows what would be sent."""

    def send(self, messages: list[Message]) -> list[str | None]:
        for message in messages:
            text = next((part for part in message.walk() if part.get_content_type() == "text/plain"), None)
            body = text.get_payload(decode=True) if text is not None else b""
            _log.info("E-post till %s: %s\n%s", message["To"], message["Subject"],
                      body.decode("utf-8") if isinstance(body, bytes) else "")
        return [None] * len(messages)


def transport_from_url(url: str | None) -> Transport:
    if not url:
        return LogTransport()
    parts = urlsplit(url)
    if parts.scheme not in ("smtp", "smtps") or not parts.hostname:
        raise ValueError("AVVIK_SMTP_URL ska ha formen smtp://användare:lösenord@värd:port eller smtps://...")
    query = parse_qs(parts.query)
    tls = parts.scheme == "smtps"
    return SmtpTransport(
        host=parts.hostname,
        port=parts.port or (465 if tls else 25),
        tls=tls,
        starttls=query.get("starttls", ["0"])[0] in ("1", "true", "yes"),
        user=unquote(parts.username) if parts.username else None,
        password=unquote(parts.password) if parts.password else None,
    )
