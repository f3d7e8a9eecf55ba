"""A real SMTP server on loopback (aiosmtpd) for delivery tests: it keeps what it receives, or refuses every
message with a transient error while `failing` is set."""

from __future__ import annotations

import socket
from email import message_from_bytes, policy
from email.message import EmailMessage
from typing import Any
from collections.abc import Iterator

import pytest
from aiosmtpd.controller import Controller


class Sink:
    def __init__(self) -> None:
        self.received: list[EmailMessage] = []
        self.raw: list[bytes] = []
        self.failing = False

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        if self.failing:
            return "451 4.3.0 Försök igen senare"
        self.raw.append(envelope.content)
        self.received.append(message_from_bytes(envelope.content, policy=policy.default))  # type: ignore[arg-type]
        return "250 OK"

    def texts(self) -> list[str]:
        """Each message as a person reads it: decoded headers, text and HTML."""
        return [f"{m['Subject']}\n{m['To']}\n{text(m)}\n{html(m)}" for m in self.received]


def text(message: EmailMessage) -> str:
    part = message.get_body(("plain",))
    return part.get_content() if part is not None else ""  # type: ignore[union-attr]


def html(message: EmailMessage) -> str:
    part = message.get_body(("html",))
    return part.get_content() if part is not None else ""  # type: ignore[union-attr]


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture
def smtp_sink() -> Iterator[tuple[Sink, str]]:
    """(sink, AVVIK_SMTP_URL of it)."""
    sink = Sink()
    controller = Controller(sink, hostname="127.0.0.1", port=_free_port())
    controller.start()
    try:
        yield sink, f"smtp://127.0.0.1:{controller.port}"
    finally:
        controller.stop()
