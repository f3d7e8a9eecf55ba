"""The action lifecycle as a pure rule: which moves are allowed, and what each move must carry."""

from __future__ import annotations

import pytest

from engine.errors import IllegalTransition, InvalidInput, MotivationRequired
from engine.rules.lifecycle import INITIAL_STATUS, STATUS_LABELS, TERMINAL_STATUSES, check_transition

FORWARD = [("foreslagen", "beslutad"), ("beslutad", "pagar"), ("pagar", "genomford")]


@pytest.mark.parametrize(("current", "target"), FORWARD)
def test_an_action_moves_one_step_forward(current: str, target: str) -> None:
    check_transition(current, target, None)


@pytest.mark.parametrize(("current", "target"), [
    ("foreslagen", "pagar"), ("foreslagen", "genomford"), ("pagar", "beslutad"), ("genomford", "pagar"),
    ("avbruten", "beslutad"), ("effekt_utvarderad", "avbruten"), ("genomford", "avbruten")])
def test_skipping_going_back_or_leaving_an_end_state_is_refused_naming_the_allowed_moves(
    current: str, target: str
) -> None:
    with pytest.raises(IllegalTransition) as refused:
        check_transition(current, target, "skäl", "effektiv" if target == "effekt_utvarderad" else None)
    assert STATUS_LABELS[target] in refused.value.message
    assert target not in refused.value.details["allowed"]


def test_an_unknown_status_is_refused() -> None:
    with pytest.raises(IllegalTransition) as refused:
        check_transition("foreslagen", "klar", None)
    assert refused.value.details["allowed"] == ["avbruten", "beslutad"]


@pytest.mark.parametrize("current", ["foreslagen", "beslutad", "pagar"])
def test_cancelling_any_open_action_needs_a_motivation(current: str) -> None:
    for blank in (None, "", "   "):
        with pytest.raises(MotivationRequired) as refused:
            check_transition(current, "avbruten", blank)
        assert refused.value.details["errors"][0]["path"] == "note"
    check_transition(current, "avbruten", "Ersätts av regionens rutin.")


def test_evaluating_the_effect_needs_a_result_and_a_note_unless_effective() -> None:
    with pytest.raises(InvalidInput) as no_result:
        check_transition("genomford", "effekt_utvarderad", "bra", None)
    assert no_result.value.details["errors"][0]["path"] == "result"
    with pytest.raises(InvalidInput):
        check_transition("genomford", "effekt_utvarderad", "bra", "utmarkt")
    check_transition("genomford", "effekt_utvarderad", None, "effektiv")
    for partly in ("delvis", "ej_effektiv"):
        with pytest.raises(MotivationRequired):
            check_transition("genomford", "effekt_utvarderad", " ", partly)
        check_transition("genomford", "effekt_utvarderad", "Ett förråd saknar invallning.", partly)


def test_a_result_belongs_only_to_the_effect_evaluation() -> None:
    with pytest.raises(InvalidInput) as refused:
        check_transition("pagar", "genomford", None, "effektiv")
    assert refused.value.details["errors"][0]["path"] == "result"


def test_the_lifecycle_starts_proposed_and_ends_in_three_states() -> None:
    assert INITIAL_STATUS == "foreslagen"
    assert TERMINAL_STATUSES == {"genomford", "effekt_utvarderad", "avbruten"}
