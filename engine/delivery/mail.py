"""A notification as an e-mail: Swedish plain text with the link made absolute, and a Message-ID derived from the
notification's id, so a message sent again after a crash is recognisable as the same one."""

from __future__ import annotations

from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import formataddr
from urllib.parse import urlsplit

__all__ = ["Outgoing", "compose", "message_id"]


@dataclass(frozen=True)
class Outgoing:
    id: int
    to: str | None  # None: the person has no address (or is inactive); the app still shows it
    name: str
    subject: str
    body: str
    link: str  # a path in the web application


def message_id(notification_id: int, public_url: str) -> str:
    host = urlsplit(public_url).hostname or "avvik.localhost"
    return f"<notification-{notification_id}@{host}>"


def compose(item: Outgoing, sender: str, public_url: str) -> EmailMessage:
    assert item.to is not None
    message = EmailMessage()
    message["From"] = sender
    message["To"] = formataddr((item.name, item.to))
    message["Subject"] = item.subject
    message["Message-ID"] = message_id(item.id, public_url)
    message["Auto-Submitted"] = "auto-generated"  # RFC 3834: no out-of-office replies to a robot
    message.set_content(f"{item.body}\n\nÖppna i avvik: {public_url.rstrip('/')}{item.link}\n\n"
                        "Det här är ett automatiskt meddelande från avvik. Svara inte på det.\n")
    return message
