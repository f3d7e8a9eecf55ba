"""The `avvik` command as an operator uses it: every command against the test database, errors without
tracebacks."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from engine import Database, Engine
from server.cli import main
from engine.errors import AuthenticationFailed

from ..conftest import DEFINITIONS

pytestmark = pytest.mark.shared_database  # the CLI opens its own connection


@pytest.fixture
def avvik(db: Database) -> Any:
    runner = CliRunner()

    def run(*args: str) -> Any:
        return runner.invoke(main, list(args), env={"AVVIK_DATABASE_URL": db.url}, catch_exceptions=False)

    return run


def test_operator_sets_up_an_organisation_and_a_token_that_authenticates(avvik: Any, db: Database) -> None:
    published = avvik("release", "publish", str(DEFINITIONS), "--label", "första")
    assert published.exit_code == 0 and "avvik release activate" in published.output
    again = avvik("release", "publish", str(DEFINITIONS))
    assert again.exit_code == 0 and "fanns redan" in again.output
    assert "första" in avvik("release", "list").output
    assert avvik("unit", "add", "rg", "Region Gotland", "region").exit_code == 0
    assert avvik("unit", "add", "rg-vc", "Vårdcentral Visby", "vardcentral", "--parent", "rg",
                 "--cfar", "01234567").exit_code == 0
    assert avvik("user", "add", "ulla", "--name", "Ulla Handläggare").exit_code == 0
    assert avvik("role", "grant", "ulla", "handlaggare", "rg").exit_code == 0
    token = avvik("token", "create", "ulla", "--expires-days", "30").output.strip()
    engine = Engine(db)
    assert engine.authenticate(token) == "ulla"
    grant = {"role": "handlaggare", "unit_id": "rg", "unit_name": "Region Gotland", "on_behalf_of": None}
    assert engine.me("ulla")["grants"] == [{**grant, "reads": [], "works_in": [], "protected": []}]  # nothing runs
    release_hash = engine.list_releases()[0]["hash"]
    activated = avvik("release", "activate", release_hash, "--unit", "rg")
    assert activated.exit_code == 0 and "aktiv på rg" in activated.output
    areas = ["omsorg", "tandvard", "vard"]  # the areas where handlaggare is a lane role
    assert engine.me("ulla")["grants"] == [{**grant, "reads": areas, "works_in": areas, "protected": areas}]
    assert {u["id"]: u["cfar"] for u in engine.list_units()}["rg-vc"] == "01234567"


@pytest.mark.parametrize(
    "args",
    [
        ("role", "grant", "okand", "handlaggare", "rs"),
        ("token", "create", "okand"),
        ("unit", "add", "x", "X", "avdelning", "--parent", "finns-inte"),
        ("unit", "add", "y", "Y", "avdelning", "--cfar", "123"),
    ],
)
def test_operator_errors_are_plain_messages(avvik: Any, args: tuple[str, ...]) -> None:
    result = avvik(*args)
    assert result.exit_code == 2
    assert result.output.startswith("Fel: ") and "Traceback" not in result.output


def test_validate_exits_0_on_the_repo_and_1_with_json_findings_on_a_broken_file(avvik: Any, tmp_path: Path) -> None:
    assert avvik("validate", str(DEFINITIONS)).exit_code == 0
    broken = tmp_path / "trasig.bpmn"
    broken.write_text("<bpmn:definitions")
    result = avvik("validate", str(broken), "--format", "json")
    assert result.exit_code == 1
    findings = json.loads(result.output)
    findings = findings["findings"] if isinstance(findings, dict) else findings
    assert findings and all(f["file"].endswith("trasig.bpmn") and f["message"] for f in findings)


def test_publishing_a_broken_tree_is_refused_with_findings(avvik: Any, tmp_path: Path) -> None:
    (tmp_path / "processes" / "x").mkdir(parents=True)
    (tmp_path / "processes" / "x" / "area.yaml").write_text("id: [")
    result = avvik("release", "publish", str(tmp_path))
    assert result.exit_code == 1 and "area.yaml" in result.output and "Traceback" not in result.output


@pytest.mark.parametrize(
    "args",
    [
        ("user", "add", "anna\n"),
        ("user", "add", "anna", "--name", "An\x00na"),
        ("unit", "add", "rs\n", "Region", "region"),
        ("unit", "add", "z", "Enhet \ud800", "avdelning"),
        ("unit", "add", "z", "Enhet", "avdelning", "--cfar", "12345678\n"),
        ("role", "grant", "anna", "handlaggare\n", "rs"),
    ],
)
def test_identifiers_match_whole_and_names_hold_only_storable_text(
    avvik: Any, demo: Engine, args: tuple[str, ...]
) -> None:
    units = {u["id"] for u in demo.list_units()}
    result = avvik(*args)
    assert result.exit_code == 2 and result.output.startswith("Fel: "), result.output
    assert {u["id"] for u in demo.list_units()} == units and "z" not in units
    assert [(g["role"], g["unit_id"]) for g in demo.me("anna")["grants"]] == [("handlaggare", "ks")]
    with pytest.raises(AuthenticationFailed):
        demo.me("anna\n")  # no second anna


def test_tokens_are_listed_without_secrets_and_revoked(avvik: Any, demo: Engine) -> None:
    first = avvik("token", "create", "anna", "--label", "laptop").output.strip()
    second = avvik("token", "create", "anna", "--expires-days", "7").output.strip()
    listing = avvik("token", "list", "anna")
    assert listing.exit_code == 0
    rows = [line.split("\t") for line in listing.output.strip().splitlines()[1:]]
    assert [(r[1], r[4]) for r in rows] == [("laptop", "-"), ("-", "-")] and rows[1][3] != "-"
    assert first not in listing.output and second not in listing.output
    assert avvik("token", "revoke", rows[0][0]).exit_code == 0
    assert avvik("token", "list", "anna").output.splitlines()[1].split("\t")[4] != "-"
    assert demo.authenticate(second) == "anna"
    for args in (("token", "revoke", "999999"), ("token", "list", "okand")):
        result = avvik(*args)
        assert result.exit_code == 2 and result.output.startswith("Fel: ")
