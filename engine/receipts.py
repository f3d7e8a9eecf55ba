"""The public channel's receipt: a complainant follows their case without logging in.

Submitting gives a receipt code (not the event number, which is sequential and guessable) and a secret shown
once; only the secret's SHA-256 is stored. Both together read the status and, once given, the answer. A wrong
secret and an unknown code are the same NotFound, so neither can be probed.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from typing import Any

from engine import entities, events
from engine.cases import EVENT_STATUS_LABELS
from engine.context import Context
from engine.errors import NotFound
from engine.store import events as event_store
from engine.store.models import Event

__all__ = ["submit", "follow"]

_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O or 1/I: the code is read aloud and typed by hand


def _code() -> str:
    chars = "".join(secrets.choice(_ALPHABET) for _ in range(12))  # 60 bits
    return f"K-{chars[:4]}-{chars[4:8]}-{chars[8:]}"


def _digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def submit(ctx: Context, entity_id: str, data: Any) -> dict[str, Any]:
    """Report from the entity's public form to its complaints unit; the receipt code and the secret are returned
    once. The answer holds neither the event number nor anything else that counts reports."""
    unit = entities.complaints_unit(ctx, entity_id)
    summary = events.report_event(ctx, None, unit.id, data, channel="allmanhet")
    event = event_store.event_by_number(ctx.session, summary["number"])
    assert event is not None  # just written in this transaction
    secret = secrets.token_urlsafe(24)
    event.public_receipt, event.public_secret_hash = _code(), _digest(secret)
    return {"receipt": event.public_receipt, "secret": secret,
            "message": "Tack! Ditt ärende är mottaget. Spara kvittokoden och lösenordet för att följa det."}


def follow(ctx: Context, receipt: str, secret: str) -> dict[str, Any]:
    event = event_store.event_by_receipt(ctx.session, receipt)
    if event is None or not hmac.compare_digest(event.public_secret_hash or "", _digest(secret or "")):
        raise NotFound("Kvittot finns inte, eller så stämmer inte lösenordet.")
    return {
        "receipt": receipt,
        "title": event.title,
        "status": event.status,
        "status_label": EVENT_STATUS_LABELS.get(event.status, event.status),
        "received_at": event.created_at.isoformat(),
        "answer": _answer(event),
    }


def _answer(event: Event) -> dict[str, Any] | None:
    """The answer sent to the complainant (svar.json), once it has been sent."""
    for case in event.area_cases:
        answer = case.data.get("svar")
        if isinstance(answer, dict) and answer.get("status") == "skickat":
            return {"explanation": answer.get("forklaring"), "measures": answer.get("atgarder"),
                    "date": answer.get("datum")}
    return None
