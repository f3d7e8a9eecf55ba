"""The action (åtgärd) lifecycle: föreslagen → beslutad → pågår → genomförd → effekt utvärderad; avbruten from
any open state, with a motivation."""

from __future__ import annotations

from engine.errors import IllegalTransition, MotivationRequired

__all__ = ["STATUS_LABELS", "TERMINAL_STATUSES", "INITIAL_STATUS", "check_transition"]

STATUS_LABELS = {
    "foreslagen": "Föreslagen",
    "beslutad": "Beslutad",
    "pagar": "Pågår",
    "genomford": "Genomförd",
    "effekt_utvarderad": "Effekt utvärderad",
    "avbruten": "Avbruten",
}
INITIAL_STATUS = "foreslagen"
TERMINAL_STATUSES = frozenset({"genomford", "effekt_utvarderad", "avbruten"})
_NEXT = {
    "foreslagen": {"beslutad", "avbruten"},
    "beslutad": {"pagar", "avbruten"},
    "pagar": {"genomford", "avbruten"},
    "genomford": {"effekt_utvarderad"},
    "effekt_utvarderad": set(),
    "avbruten": set(),
}


def check_transition(current: str, target: str, motivation: str | None) -> None:
    if target not in STATUS_LABELS:
        raise IllegalTransition(f"Okänd status: {target}.", allowed=sorted(_NEXT.get(current, ())))
    if target not in _NEXT.get(current, set()):
        raise IllegalTransition(
            f"En åtgärd kan inte gå från '{STATUS_LABELS.get(current, current)}' till '{STATUS_LABELS[target]}'.",
            allowed=sorted(_NEXT.get(current, ())),
        )
    if target == "avbruten" and not (motivation or "").strip():
        raise MotivationRequired(
            "En avbruten åtgärd måste ha en motivering.",
            errors=[{"path": "note", "message": "Ange varför åtgärden avbryts."}],
        )
