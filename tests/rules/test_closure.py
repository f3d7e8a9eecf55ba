"""Closure rules as a pure function: each rule met or not, whether it applies, and the actions that block."""

from __future__ import annotations

from engine.definitions.areas import ClosureRule
from engine.rules.closure import ActionState, RuleResult, evaluate_rules, unmet

ACTIONS = ClosureRule("atgarder", "actions_terminal", "Alla åtgärder klara.")
FIELDS = ClosureRule("begransning", "fields_filled", "Begränsningen dokumenterad.",
                     fields=("begransning.sammanfattning", "begransning.datum"))
DECISION = ClosureRule("lex_maria", "decision_recorded", "Lex Maria beslutad.", decision="lex_maria")
SERIOUS_ONLY = ClosureRule("analys", "fields_filled", "Händelseanalys gjord.", fields=("utredning.niva",),
                           when='riskbedomning["konsekvens_potentiell"] >= 3')


def _met(results: list[RuleResult]) -> dict[str, tuple[bool, bool]]:
    return {r.id: (r.met, r.applies) for r in results}


def test_fields_count_only_when_filled_with_something() -> None:
    for begransning, met in (({"sammanfattning": "Återkallat.", "datum": "2026-11-20"}, True),
                             ({"sammanfattning": "Återkallat.", "datum": ""}, False),
                             ({"sammanfattning": [], "datum": "2026-11-20"}, False),
                             ({"sammanfattning": "Återkallat."}, False),
                             ("inte ett objekt", False)):
        assert _met(evaluate_rules([FIELDS], {"begransning": begransning}, [], [])) == {"begransning": (met, True)}
    assert _met(evaluate_rules([FIELDS], {"begransning": {"sammanfattning": 0, "datum": False}}, [], [])) == {
        "begransning": (True, True)}  # zero and no are answers


def test_a_decision_rule_is_met_once_that_decision_is_recorded() -> None:
    assert _met(evaluate_rules([DECISION], {}, ["lex_sarah"], [])) == {"lex_maria": (False, True)}
    assert _met(evaluate_rules([DECISION], {}, ["lex_sarah", "lex_maria"], [])) == {"lex_maria": (True, True)}


def test_open_actions_block_and_are_named_terminal_ones_do_not() -> None:
    done = ActionState(1, "Invallning", "genomford", "mikael")
    cancelled = ActionState(2, "Skylt", "avbruten", None)
    open_ = ActionState(3, "Kanylburk", "pagar", "karin")
    [result] = evaluate_rules([ACTIONS], {}, [], [done, cancelled, open_])
    assert (result.met, result.blocking) == (False, (open_,))
    assert result.to_dict()["actions"] == [
        {"id": 3, "title": "Kanylburk", "status": "pagar", "status_label": "Pågår", "owner": "karin"}]
    [result] = evaluate_rules([ACTIONS], {}, [], [done, cancelled])
    assert result.met and result.to_dict()["actions"] == []


def test_a_rule_whose_condition_does_not_hold_is_met_and_says_it_does_not_apply() -> None:
    minor = {"riskbedomning": {"konsekvens_potentiell": 2}}
    serious = {"riskbedomning": {"konsekvens_potentiell": 3}}
    assert _met(evaluate_rules([SERIOUS_ONLY], minor, [], [])) == {"analys": (True, False)}
    assert _met(evaluate_rules([SERIOUS_ONLY], serious, [], [])) == {"analys": (False, True)}
    assert _met(evaluate_rules([SERIOUS_ONLY], {**serious, "utredning": {"niva": "handelseanalys"}}, [], [])) == {
        "analys": (True, True)}


def test_a_condition_over_data_not_there_yet_does_not_apply() -> None:
    assert _met(evaluate_rules([SERIOUS_ONLY], {}, [], [])) == {"analys": (True, False)}
    assert _met(evaluate_rules([SERIOUS_ONLY], {"riskbedomning": {}}, [], [])) == {"analys": (True, False)}


def test_an_unknown_kind_never_passes_silently() -> None:
    assert _met(evaluate_rules([ClosureRule("x", "okand", "?")], {}, [], [])) == {"x": (False, True)}


def test_unmet_lists_only_the_rules_not_met_in_their_order() -> None:
    results = evaluate_rules([FIELDS, DECISION, ACTIONS], {}, ["lex_maria"], [])
    assert [r["id"] for r in unmet(results)] == ["begransning"]
    assert unmet(results)[0] == {"id": "begransning", "met": False, "applies": True,
                                 "message": "Begränsningen dokumenterad."}
