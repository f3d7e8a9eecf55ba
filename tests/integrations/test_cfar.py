"""CFAR numbers on units checked against an SCB register extract."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from engine import Engine
from server.cli import main
from engine.errors import InvalidInput

REGISTER = Path(__file__).parent / "data" / "scb_arbetsstallen.csv"


def test_check_reports_missing_unknown_and_ceased_workplaces(demo: Engine) -> None:
    demo.add_unit("ks-avd13", "Vårdavdelning 13", "avdelning", "ks")  # a workplace without CFAR
    demo.add_unit("ks-avd14", "Vårdavdelning 14", "avdelning", "ks", cfar="09999999")
    problems = {(p["unit_id"], p["code"]) for p in demo.cfar_check(REGISTER.read_bytes())}
    assert problems == {("ks-avd13", "missing"), ("ks-avd14", "unknown"), ("rg-aldre", "ceased")}


@pytest.mark.parametrize("register", [b"namn;ort\nx;y\n", b"CFARnr;Benamning\n123;Kort nummer\n"])
def test_a_malformed_register_is_refused(demo: Engine, register: bytes) -> None:
    with pytest.raises(InvalidInput):
        demo.cfar_check(register)


def test_cli_exits_1_and_lists_what_to_fix(demo: Engine, database_url: str) -> None:
    result = CliRunner().invoke(main, ["cfar", "check", str(REGISTER)], env={"AVVIK_DATABASE_URL": database_url})
    assert result.exit_code == 1
    assert "rg-aldre\tceased" in result.output and "1 enheter" in result.output
