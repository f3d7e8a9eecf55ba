"""A notification as an e-mail: the text and HTML rendered from the release's templates when the notification was
written, and a Message-ID derived from the notification (or, for a digest, the person and day), so a message
sent again after a crash is recognisable as the same one."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from email.charset import QP, Charset
from email.header import Header
from email.message import Message
from email.mime.multipart import MIMEMultipart
from email.mime.text import MIMEText
from email.utils import formataddr
from urllib.parse import urlsplit

__all__ = ["Outgoing", "compose", "message_id", "single_key", "digest_key"]


@dataclass(frozen=True)
class Outgoing:
    ids: tuple[int, ...]  # the notifications this mail carries: one, or a person's digest of the day
    to: str | None  # None: no address (or inactive, or e-mail off for the kind); the app still shows it
    name: str
    subject: str
    body: str
    html: str | None
    key: str  # the local part of the Message-ID: the same for every try of this mail


# quoted-printable, not base64: the raw message stays readable (and searchable) where a mail is inspected
_UTF8 = Charset("utf-8")
_UTF8.body_encoding = QP


def single_key(notification_id: int) -> str:
    return f"notification-{notification_id}"


def digest_key(user_id: str, day: str) -> str:
    """The person is hashed: a user id is an identifier, not something to spread in mail headers."""
    return f"digest-{day.replace('-', '')}-{hashlib.sha256(user_id.encode()).hexdigest()[:16]}"


def message_id(key: str, public_url: str) -> str:
    host = urlsplit(public_url).hostname or "avvik.localhost"
    return f"<{key}@{host}>"


def compose(item: Outgoing, sender: str, public_url: str) -> Message:
    """The standard library's MIME classes (the compat32 policy), not EmailMessage: the modern policy parses
    every header it is given and costs several times as much per message, which the worker's throughput feels."""
    assert item.to is not None
    footer = "Det här är ett automatiskt meddelande från avvik. Svara inte på det."
    text = MIMEText(f"{item.body.rstrip()}\n\n{footer}\n", "plain", _UTF8)  # type: ignore[arg-type]  # typeshed omits Charset, which MIMEText takes
    if item.html:
        message: Message = MIMEMultipart("alternative")
        message.attach(text)
        message.attach(MIMEText(f"<!DOCTYPE html><html lang=\"sv\"><body>{item.html}<p><small>{footer}</small></p>"
                                "</body></html>", "html", _UTF8))  # type: ignore[arg-type]  # as above
    else:
        message = text
    message["From"] = sender
    message["To"] = formataddr((item.name, item.to), charset="utf-8") if item.name else item.to
    message["Subject"] = Header(item.subject, "utf-8")  # type: ignore[assignment]
    message["Message-ID"] = message_id(item.key, public_url)
    message["Auto-Submitted"] = "auto-generated"  # RFC 3834: no out-of-office replies to a robot
    return message
