"""IDM sync from a SCIM 2.0 export: idempotent, owns only what it created, deactivates leavers."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from engine import Engine
from server.cli import main
from engine.errors import AuthenticationFailed, InvalidInput

DATA = Path(__file__).parent / "data"
FEED = (DATA / "gotland_scim.json").read_bytes()
MAPPING = (DATA / "gotland_mapping.yaml").read_bytes()


def grants(engine: Engine, user: str) -> list[tuple[str, str]]:
    return sorted((g["role"], g["unit_id"]) for g in engine.me(user)["grants"])


def test_sync_creates_users_with_mapped_grants_and_leaves_local_accounts_alone(demo: Engine) -> None:
    dry = demo.idm_sync(FEED, MAPPING, dry_run=True)
    assert dry["users_created"] == ["gunilla.visby", "stefan.sas"]
    with pytest.raises(AuthenticationFailed):
        demo.me("gunilla.visby")  # a dry run changes nothing
    report = demo.idm_sync(FEED, MAPPING)
    assert report["users_created"] == dry["users_created"]
    assert report["grants_added"] == dry["grants_added"] == [
        "gunilla.visby:handlaggare@rg-vs", "stefan.sas:sas@rg"]
    assert report["unmapped_groups"] == ["ALLA-ANSTALLDA"]
    assert grants(demo, "gunilla.visby") == [("handlaggare", "rg-vs")]
    assert grants(demo, "david") == [("handlaggare", "rg")]  # a manual account is not the feed's to change
    again = demo.idm_sync(FEED, MAPPING)
    assert again["users_created"] == again["grants_added"] == again["grants_removed"] == []


def test_leaving_a_group_or_the_feed_removes_only_idm_grants(demo: Engine) -> None:
    demo.idm_sync(FEED, MAPPING)
    demo.grant_role("gunilla.visby", "revisor", "rg")  # given by hand: the sync must keep it
    feed = json.loads(FEED)
    feed["Resources"] = [r for r in feed["Resources"] if r["userName"] != "stefan.sas"]
    feed["Resources"][0]["groups"] = []
    report = demo.idm_sync(json.dumps(feed).encode(), MAPPING)
    assert report["grants_removed"] == ["gunilla.visby:handlaggare@rg-vs", "stefan.sas:sas@rg"]
    assert report["users_deactivated"] == ["stefan.sas"]
    assert grants(demo, "gunilla.visby") == [("revisor", "rg")]
    with pytest.raises(AuthenticationFailed):
        demo.me("stefan.sas")


@pytest.mark.parametrize(
    ("feed", "mapping"),
    [
        (b"{not json", MAPPING),
        (b'{"Resources": [{"name": {}}]}', MAPPING),
        (FEED, b"groups: [1, 2]"),
        (FEED, b"groups:\n  X: [{role: sas, unit: finns-inte}]"),
    ],
)
def test_bad_feeds_and_mappings_are_refused_before_any_change(demo: Engine, feed: bytes, mapping: bytes) -> None:
    with pytest.raises(InvalidInput):
        demo.idm_sync(feed, mapping)
    with pytest.raises(AuthenticationFailed):
        demo.me("gunilla.visby")


def test_cli_sync(demo: Engine, database_url: str) -> None:
    result = CliRunner().invoke(
        main, ["idm", "sync", str(DATA / "gotland_scim.json"), "--mapping", str(DATA / "gotland_mapping.yaml")],
        env={"AVVIK_DATABASE_URL": database_url},
    )
    assert result.exit_code == 0, result.output
    report: dict[str, Any] = json.loads(result.output)
    assert report["users_created"] == ["gunilla.visby", "stefan.sas"]


@pytest.mark.parametrize("user, name", [("gunilla.visby\n", "Gunilla"), ("gunilla.visby", "Gunilla \u0000"),
                                        ("gunilla.visby", "Gunilla \ud800")])
def test_a_feed_with_a_malformed_user_name_or_unstorable_text_is_refused_whole(
    demo: Engine, user: str, name: str
) -> None:
    feed = json.dumps({"Resources": [{"userName": user, "displayName": name}]}).encode()
    with pytest.raises(InvalidInput):
        demo.idm_sync(feed, MAPPING)
    with pytest.raises(AuthenticationFailed):
        demo.me(user)
