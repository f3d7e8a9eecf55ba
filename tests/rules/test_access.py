"""The access rule as pure functions: role × unit subtree × area, restricted cases and deputies."""

from __future__ import annotations

from typing import Any

from engine.rules.access import AreaAccess, Grant, acting_for, acting_for_case, case_roles, covers, covers_any, roles_at

OMSORG = AreaAccess("omsorg", workers=frozenset({"handlaggare", "sas", "verksamhetschef"}),
                    readers=frozenset({"revisor"}), protected=frozenset({"sas", "verksamhetschef"}),
                    restricting_decisions=frozenset({"lex_sarah"}), restricted_to=frozenset({"sas", "verksamhetschef"}))


def test_a_grant_covers_its_units_subtree_and_nothing_beside_it() -> None:
    assert covers("/rs/ks/", "/rs/ks/ks-akut/") and covers("/rs/ks/", "/rs/ks/")
    assert not covers("/rs/ks/", "/rs/ksx/") and not covers("/rs/ks/ks-akut/", "/rs/ks/")
    grants = [Grant("handlaggare", "ks", "/rs/ks/"), Grant("revisor", "rs", "/rs/")]
    assert roles_at(grants, "/rs/ks/ks-akut/") == {"handlaggare", "revisor"}
    assert roles_at(grants, "/rs/sos/") == {"revisor"}
    assert roles_at(grants, "/rg/") == set()
    assert covers_any(grants, ["/rg/", "/rs/sos/"]) and not covers_any(grants[:1], ["/rg/", "/rs/sos/"])


def test_case_roles_come_from_the_handling_unit_or_where_it_happened() -> None:
    grants = [Grant("kvalitetsansvarig_lab", "ks-klinkem", "/rs/ks/ks-klinkem/"),
              Grant("handlaggare", "ks-akut", "/rs/ks/ks-akut/")]
    assert case_roles(grants, "/rs/ks/ks-klinkem/", "/rs/ks/ks-akut/") == {"kvalitetsansvarig_lab", "handlaggare"}
    assert case_roles(grants, "/rs/sos/", "/rs/sos/") == set()


def test_workers_read_and_write_readers_only_read_others_nothing() -> None:
    assert OMSORG.can_read({"handlaggare"}, {}) and OMSORG.can_write({"handlaggare"}, {})
    assert OMSORG.can_read({"revisor"}, {}) and not OMSORG.can_write({"revisor"}, {})
    assert not OMSORG.can_read({"miljosamordnare"}, {}) and not OMSORG.can_write({"miljosamordnare"}, {})
    assert OMSORG.all_roles == {"handlaggare", "sas", "verksamhetschef", "revisor"}


def test_protected_values_only_for_the_named_roles_that_may_read() -> None:
    assert OMSORG.sees_protected({"sas"}, {}) and not OMSORG.sees_protected({"handlaggare"}, {})
    assert not AreaAccess("x", frozenset(), frozenset(), frozenset({"sas"})).sees_protected({"sas"}, {})


def test_a_recorded_restricting_decision_narrows_readers_to_the_named_roles() -> None:
    restricted = {"lex_sarah": {"varde": "ja"}}
    empties: list[dict[str, Any]] = [{}, {"lex_sarah": None}, {"lex_sarah": {}}, {"lex_sarah": ""}]
    for empty in empties:
        assert not OMSORG.restricted(empty) and OMSORG.can_read({"handlaggare"}, empty)
    assert OMSORG.restricted(restricted)
    assert not OMSORG.can_read({"handlaggare"}, restricted) and not OMSORG.can_read({"revisor"}, restricted)
    assert OMSORG.can_write({"sas"}, restricted) and OMSORG.sees_protected({"verksamhetschef"}, restricted)


def test_a_deputy_acts_for_the_principal_unless_holding_the_role_themselves() -> None:
    deputy = Grant("verksamhetschef", "ks", "/rs/ks/", on_behalf_of="bertil")
    assert acting_for([deputy], "verksamhetschef", "/rs/ks/ks-akut/") == "bertil"
    assert acting_for([deputy, Grant("verksamhetschef", "ks-akut", "/rs/ks/ks-akut/")], "verksamhetschef",
                      "/rs/ks/ks-akut/") is None
    assert acting_for([deputy], "verksamhetschef", "/rs/sos/") is None
    assert acting_for([deputy, Grant("verksamhetschef", "rs", "/rs/", on_behalf_of="adam")], "verksamhetschef",
                      "/rs/ks/") == "adam"  # two principals: the first by id, every time


def test_a_case_change_names_the_principal_only_when_the_users_own_roles_do_not_allow_it() -> None:
    def writes(roles: set[str]) -> bool:
        return "handlaggare" in roles

    own = Grant("handlaggare", "ks", "/rs/ks/")
    for_anna = Grant("handlaggare", "ks", "/rs/ks/", on_behalf_of="anna")
    for_bo = Grant("handlaggare", "sos", "/rs/sos/", on_behalf_of="bo")
    assert acting_for_case([for_anna], writes, "/rs/ks/ks-akut/", "/rs/ks/ks-akut/") == "anna"
    assert acting_for_case([for_anna, own], writes, "/rs/ks/ks-akut/", "/rs/ks/ks-akut/") is None
    # the case moved to sös: bo's deputyship over the handling unit decides, not anna's over where it happened
    assert acting_for_case([for_bo], writes, "/rs/sos/x/", "/rs/ks/ks-akut/") == "bo"
    assert acting_for_case([for_bo, for_anna], writes, "/rs/sos/x/", "/rs/ks/ks-akut/") == "anna"
    assert acting_for_case([Grant("granskare", "ks", "/rs/ks/", on_behalf_of="anna")], writes,
                           "/rs/ks/ks-akut/", "/rs/ks/ks-akut/") is None
