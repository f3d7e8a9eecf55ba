"""docs/operations.md is the one reference of the configuration: every AVVIK_* variable the code reads is in its
table, every variable in the table is read, and the deploy example sets only documented ones."""

from __future__ import annotations

import re
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
VARIABLE = re.compile(r"AVVIK_[A-Z0-9_]+")


def read_by_code() -> set[str]:
    return {name for folder in ("engine", "server") for path in (REPO / folder).rglob("*.py")
            for name in VARIABLE.findall(path.read_text(encoding="utf-8"))}


def documented() -> set[str]:
    text = (REPO / "docs" / "operations.md").read_text(encoding="utf-8")
    table = text.split("## Configuration reference", 1)[1].split("\n## ", 1)[0]
    return {match for line in table.splitlines() if line.startswith("| `AVVIK_")
            for match in VARIABLE.findall(line.split("|")[1])}


def test_every_variable_the_code_reads_is_documented_and_nothing_else() -> None:
    code, docs = read_by_code(), documented()
    assert code, "the scan found no variables: the pattern or the folders are wrong"
    assert code - docs == set(), "read by the code but missing from docs/operations.md"
    assert docs - code == set(), "documented in docs/operations.md but no longer read by engine/ or server/"


def test_the_deploy_environment_example_sets_documented_variables_only() -> None:
    example = (REPO / "deploy" / "avvik.env.example").read_text(encoding="utf-8")
    names = {line.split("=", 1)[0] for line in example.splitlines() if line and not line.startswith("#")}
    assert names and names <= documented()
