"""The action (åtgärd) lifecycle: föreslagen → beslutad → pågår → genomförd → effekt utvärderad; avbruten from
any open state, with a motivation. Evaluating the effect records a result (effektiv, delvis, ej effektiv), and
anything short of effektiv says what was seen."""

from __future__ import annotations

from engine.errors import IllegalTransition, InvalidInput, MotivationRequired

__all__ = ["STATUS_LABELS", "EFFECT_LABELS", "TERMINAL_STATUSES", "INITIAL_STATUS", "check_transition"]

STATUS_LABELS = {
    "foreslagen": "Föreslagen",
    "beslutad": "Beslutad",
    "pagar": "Pågår",
    "genomford": "Genomförd",
    "effekt_utvarderad": "Effekt utvärderad",
    "avbruten": "Avbruten",
}
EFFECT_LABELS = {"effektiv": "Effektiv", "delvis": "Delvis effektiv", "ej_effektiv": "Ej effektiv"}
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


def check_transition(current: str, target: str, motivation: str | None, result: str | None = None) -> None:
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
    if target == "effekt_utvarderad":
        _check_effect(result, motivation)
    elif result is not None:
        raise InvalidInput("Ett effektresultat hör till statusen Effekt utvärderad.",
                           errors=[{"path": "result", "message": "Ange resultat bara när effekten utvärderas."}])


def _check_effect(result: str | None, note: str | None) -> None:
    if result not in EFFECT_LABELS:
        raise InvalidInput(
            "Ange effektutvärderingens resultat.",
            errors=[{"path": "result", "message": f"Välj ett av {', '.join(EFFECT_LABELS)}."}],
        )
    if result != "effektiv" and not (note or "").strip():
        raise MotivationRequired(
            "Beskriv vad utvärderingen visade.",
            errors=[{"path": "note", "message": "Skriv vad som inte fungerade."}],
        )
