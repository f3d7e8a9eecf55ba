"""`avvik audit verify`: walk every legal entity's log chains and report the first broken link of each."""

from __future__ import annotations

from typing import Any

from engine.context import Context
from engine.store import chain

__all__ = ["verify"]


def verify(ctx: Context, entity: str | None = None) -> dict[str, Any]:
    breaks = chain.verify(ctx.session, entity)
    return {
        "ok": not breaks,
        "breaks": [b.to_dict() for b in breaks],
        # the heads to note down elsewhere (an anchor): a chain rewritten from the start would change them
        "heads": [{"entity": h.entity, "audit_id": h.audit_id, "audit_hash": h.audit_hash, "read_id": h.read_id,
                   "read_hash": h.read_hash} for h in chain.heads(ctx.session, entity)],
    }
