"""An authority's reference on a recorded decision, added after filing.

The decision form takes the e-service's receipt when the handler records "ja"; the authority's own case number
(IVO's diarienummer for a lex Maria or lex Sarah notification) arrives later by letter. It is written onto the
same decision by someone who may change the decision's area, and the change log keeps what it replaced.
"""

from __future__ import annotations

from typing import Any

from engine.access import acting_as, event_access
from engine.context import Context
from engine.errors import InvalidInput, NotFound
from engine.store import audit as audit_store
from engine.store import cases as case_store
from engine.views import decision_view

__all__ = ["record_reference"]

MAX_LENGTH = 200  # the column's length


def record_reference(ctx: Context, number: str, decision_id: int, reference: str, actor_id: str) -> dict[str, Any]:
    access = event_access(ctx, number, actor_id)
    access.require_handler()
    decision = next((d for d in case_store.decisions_for_event(ctx.session, access.event.id) if d.id == decision_id),
                    None)
    case = next((c for c in access.readable if decision is not None and c.case.id == decision.area_case_id), None)
    if decision is None or case is None:
        raise NotFound("Beslutet finns inte på händelsen, eller så saknar du behörighet.")
    acting_as(ctx, access.writer(case.case.area))  # 403 for a reader of the area
    reference = reference.strip()
    if not reference or len(reference) > MAX_LENGTH:
        raise InvalidInput(f"Ange referensen (diarienummer), högst {MAX_LENGTH} tecken.",
                           errors=[{"path": "reference", "message": "Referensen saknas eller är för lång."}])
    before = decision.reference
    decision.reference = reference
    audit_store.record_change(
        ctx.session, actor_id=actor_id, on_behalf_of=ctx.on_behalf_of,
        entity="decision", entity_id=decision.id, operation="reference",
        event=access.event, before={"reference": before}, after={"kind": decision.kind, "reference": reference},
    )
    return decision_view(decision)
