"""The SCIM 2.0 endpoint: an IDM pushes a user and a group, the user gets the mapped grants at once; a leaver is
deactivated and their open tasks return to the pool; scim2-tester finds no failure against a running server."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from httpx2 import Client
from scim2_client.engines.httpx2 import SyncSCIMClient
from scim2_tester import Status, check_server

from engine import Engine
from server.app import create_app
from server.config import Settings
from tests.live import serve

from ..http import API, submit

MAPPING = Path(__file__).parent / "data" / "gotland_mapping.yaml"
SCIM = "application/scim+json"
REPORT = {"rubrik": "Fall på akuten i Visby", "beskrivning": "Patienten föll.",
          "hande_tid": "2026-11-20T14:30:00+01:00", "handelsetyp": "negativ_handelse", "drabbade": ["patient"]}


@pytest.fixture
def scim(demo: Engine) -> tuple[Any, dict[str, str]]:
    app = create_app(Settings(database_url=demo.db.url, idm_mapping=str(MAPPING)), engine=demo)
    return app.test_client(), {"Authorization": f"Bearer {demo.create_scim_token('Gotlands IDM')}",
                               "Content-Type": SCIM}


def _grants(demo: Engine, user: str) -> list[tuple[str, str]]:
    return sorted((g["role"], g["unit_id"]) for g in demo.me(user)["grants"])


def test_a_pushed_user_and_group_become_grants_and_a_leaver_hands_back_their_tasks(
    scim: tuple[Any, dict[str, str]], demo: Engine, auth: Any
) -> None:
    client, headers = scim
    assert client.get("/scim/v2/Users").status_code == 401  # the IDM's own token only
    person = {"Authorization": f"Bearer {demo.create_token('anna')}"}
    assert client.get("/scim/v2/Users", headers=person).status_code == 401
    user = client.post("/scim/v2/Users", headers=headers, json={
        "schemas": ["urn:ietf:params:scim:schemas:core:2.0:User"], "userName": "gunilla.visby",
        "name": {"formatted": "Gunilla Visby"}, "emails": [{"value": "gunilla@gotland.example", "primary": True}]})
    assert user.status_code == 201, user.get_json()
    user_id = user.get_json()["id"]
    group = client.post("/scim/v2/Groups", headers=headers, json={
        "schemas": ["urn:ietf:params:scim:schemas:core:2.0:Group"], "displayName": "AVVIK-HANDLAGGARE-VISBY",
        "members": [{"value": user_id}]})
    assert group.status_code == 201, group.get_json()
    assert _grants(demo, "gunilla.visby") == [("handlaggare", "rg-vs")]
    found = client.get('/scim/v2/Users?filter=userName eq "gunilla.visby"', headers=headers).get_json()
    assert [r["id"] for r in found["Resources"]] == [user_id]

    tasks_client = create_app(Settings(database_url=demo.db.url), engine=demo).test_client()
    number = submit(tasks_client, auth("eva"), REPORT, unit="rg-akut")["number"]
    gunilla = {"Authorization": f"Bearer {demo.create_token('gunilla.visby')}"}
    [task] = [t for t in tasks_client.get(f"{API}/tasks", headers=gunilla).get_json() if t["event_number"] == number]
    assert tasks_client.post(f"{API}/tasks/{task['id']}/claim", headers=gunilla).status_code == 200

    left = client.patch(f"/scim/v2/Users/{user_id}", headers=headers, json={
        "schemas": ["urn:ietf:params:scim:api:messages:2.0:PatchOp"],
        "Operations": [{"op": "replace", "path": "active", "value": False}]})
    assert left.status_code in (200, 204), left.get_data(as_text=True)
    assert tasks_client.get(f"{API}/me", headers=gunilla).status_code == 401  # deactivated
    [back] = [t for t in tasks_client.get(f"{API}/tasks", headers=auth("david")).get_json() if t["id"] == task["id"]]
    assert back["assignee"] is None  # in the pool of the role again

    bad = client.post("/scim/v2/Users", headers=headers, json={
        "schemas": ["urn:ietf:params:scim:schemas:core:2.0:User"], "userName": "inte giltig/namn"})
    assert bad.status_code == 400 and bad.get_json()["scimType"] == "invalidValue"


@pytest.mark.shared_database
def test_scim2_tester_finds_no_failure_against_the_running_server(demo: Engine) -> None:
    token = demo.create_scim_token("scim2-tester")
    with serve(demo.db.url, AVVIK_IDM_MAPPING=str(MAPPING)) as origin:
        http = Client(base_url=f"{origin}/scim/v2", headers={"Authorization": f"Bearer {token}"}, timeout=30)
        results = check_server(SyncSCIMClient(http))
    failures = [f"{r.title}: {r.reason}" for r in results if r.status in (Status.ERROR, Status.CRITICAL)]
    assert failures == []
    assert sum(r.status == Status.SUCCESS for r in results) >= 100  # Users and Groups fully exercised (135 here)
