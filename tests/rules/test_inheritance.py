"""Settings inherited down the org tree: the nearest unit with its own value wins; pure."""

from __future__ import annotations

from engine.rules.inheritance import Resolved, ancestry, merged_variables, nearest
from engine.rules.legal_entity import INSTALLATION, legal_entity


def test_ancestry_runs_from_the_root_to_the_unit() -> None:
    assert ancestry("/rs/ks/ks-akut/") == ["rs", "ks", "ks-akut"]
    assert ancestry("/") == []


def test_the_deepest_unit_with_a_setting_wins() -> None:
    chain = ["rs", "ks", "ks-akut"]
    assert nearest(chain, {"rs": "P5D", "ks": "P3D"}) == Resolved("P3D", "ks")
    assert nearest(chain, {"rs": "P5D", "ks-akut": "P1D", "ks": "P3D"}) == Resolved("P1D", "ks-akut")
    assert nearest(chain, {"sos": "P1D"}) is None


def test_variables_take_the_release_default_unless_a_unit_above_overrides() -> None:
    merged = merged_variables(["rs", "ks", "ks-akut"], {"sla_triage": "P5D", "sla_av": "PT8H"},
                              {"ks": {"sla_triage": "P3D", "okand": "x"}, "sos": {"sla_av": "PT1H"}})
    assert merged == {"sla_triage": Resolved("P3D", "ks"), "sla_av": Resolved("PT8H", None)}


def test_a_units_legal_entity_is_its_root() -> None:
    assert legal_entity("/rs/ks/ks-akut/") == "rs" and legal_entity("/rg/") == "rg"
    assert legal_entity(None) == legal_entity("/") == legal_entity("") == INSTALLATION
