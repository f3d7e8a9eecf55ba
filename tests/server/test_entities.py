"""Two legal entities in one installation: their own numbers, public channels, releases and logs, and nothing of
Gotland's reaches a Stockholm user of any role through any list or read endpoint."""

from __future__ import annotations

import io
import re
import zipfile
from typing import Any

import pytest

from engine import Engine
from server.demo import USERS
from engine.errors import InvalidInput

from ..conftest import DEFINITIONS
from ..http import API, assert_error, error_paths, open_task, submit
from ..records.test_attachments import PNG
from ..scenarios.test_synpunkter import COMPLAINT
from .test_releases_bindings import zipped

GOTLAND_REPORT = {"rubrik": "Fall i korridoren på Visby lasarett", "beskrivning": "Patienten föll vid toaletten.",
                  "hande_tid": "2026-11-20T14:30:00+01:00", "handelsetyp": "negativ_handelse",
                  "drabbade": ["patient"]}
STOCKHOLM_USERS = [user for user, _, grants in USERS if grants and all(unit.startswith(("rs", "ks", "sos"))
                                                                      for _, unit in grants)]


def _own_release(client: Any, headers: dict[str, str], label: str) -> str:
    """Publish a release only this process owner's entity owns (its files differ by one comment)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(zipped(DEFINITIONS))) as source, zipfile.ZipFile(buffer, "w") as archive:
        for name in source.namelist():
            content = source.read(name)
            if name.endswith("processes/vard/area.yaml"):
                content += f"\n# {label}\n".encode()
            archive.writestr(name, content)
    archive_bytes = buffer.getvalue()
    response = client.post(f"{API}/releases?label={label}", data=archive_bytes, content_type="application/zip",
                           headers=headers)
    assert response.status_code == 201, response.get_json()
    return response.get_json()["hash"]


@pytest.fixture
def gotland(client: Any, auth: Any) -> dict[str, str]:
    """A Gotland event with an open task and an action, a Gotland complaint, and a Gotland-only release."""
    david = auth("david")
    number = submit(client, auth("eva"), GOTLAND_REPORT, unit="rg-akut")["number"]
    task = open_task(client, david, number, "triage")["id"]
    action = client.post(f"{API}/events/{number}/actions", headers=david,
                         json={"data": {"titel": "Halkskydd", "typ": "korrigerande", "ansvarig": "david"}})
    assert action.status_code == 201, action.get_json()
    receipt = client.post(f"{API}/public/rg/feedback", json={"data": COMPLAINT}).get_json()["receipt"]
    release = _own_release(client, auth("per"), "gotland-pilot")
    upload = {"file": (io.BytesIO(PNG), "korridoren.png"), "classification": "allman"}
    attachment = client.post(f"{API}/events/{number}/attachments", headers=david, data=upload,
                             content_type="multipart/form-data")
    assert attachment.status_code == 201, attachment.get_json()
    return {"number": number, "task": task, "action": str(action.get_json()["id"]), "receipt": receipt,
            "release": release, "attachment": str(attachment.get_json()["id"])}


def test_each_entity_numbers_its_own_events_and_its_complaints_reach_its_own_handler(
    client: Any, auth: Any, demo: Engine
) -> None:
    stockholm = submit(client, auth("eva"), GOTLAND_REPORT, unit="ks-akut")["number"]
    gotland = submit(client, auth("eva"), GOTLAND_REPORT, unit="rg-akut")["number"]
    assert stockholm.startswith("RS-") and stockholm.endswith("-000001")
    assert gotland.startswith("RG-") and gotland.endswith("-000001")  # a series per entity: no shared volume

    assert client.get(f"{API}/public/entities").get_json() == [
        {"id": "rg", "name": "Region Gotland"}, {"id": "rs", "name": "Region Stockholm"}]
    sent = client.post(f"{API}/public/rg/feedback", json={"data": COMPLAINT})
    assert sent.status_code == 201 and set(sent.get_json()) == {"receipt", "secret", "message"}
    [task] = client.get(f"{API}/tasks", headers=auth("ingrid")).get_json()
    assert task["unit_id"] == "rg-klagomal" and task["event_number"].startswith("RG-")
    assert client.get(f"{API}/tasks", headers=auth("klara")).get_json() == []  # Stockholm's handler: nothing
    assert_error(client.post(f"{API}/public/xx/feedback", json={"data": COMPLAINT}), 404, "not_found")


def test_public_receipts_are_random_and_say_nothing_of_volume(client: Any) -> None:
    receipts = [client.post(f"{API}/public/rs/feedback", json={"data": COMPLAINT}).get_json()["receipt"]
                for _ in range(3)]
    assert len(set(receipts)) == 3
    for receipt in receipts:
        assert re.fullmatch(r"K-[A-HJ-NP-Z2-9]{4}-[A-HJ-NP-Z2-9]{4}-[A-HJ-NP-Z2-9]{4}", receipt)
    # consecutive receipts share no more than chance would: not a counter in disguise
    same = sum(a == b for a, b in zip(receipts[0], receipts[1]))
    assert same < 10


def test_a_prefix_is_the_administrators_and_a_new_one_starts_its_own_series(
    client: Any, auth: Any, demo: Engine
) -> None:
    first = submit(client, auth("eva"), GOTLAND_REPORT, unit="rg-akut")["number"]
    assert demo.configure_entity("rg", prefix="GOT")["prefix"] == "GOT"
    second = submit(client, auth("eva"), GOTLAND_REPORT, unit="rg-akut")["number"]
    assert second.startswith("GOT-") and second.endswith("-000001")
    assert client.get(f"{API}/events/{first}", headers=auth("david")).status_code == 200  # old numbers resolve
    with pytest.raises(InvalidInput):
        demo.configure_entity("rg", prefix="RS")  # taken by Stockholm
    with pytest.raises(InvalidInput):
        demo.configure_entity("rg", complaints_unit="rs-klagomal")  # a unit of the other entity


def test_a_process_owner_binds_and_lists_only_releases_of_their_own_entity(
    client: Any, auth: Any, gotland: dict[str, str]
) -> None:
    petra, per = auth("petra"), auth("per")
    assert gotland["release"] not in {r["hash"] for r in client.get(f"{API}/releases", headers=petra).get_json()}
    assert gotland["release"] in {r["hash"] for r in client.get(f"{API}/releases", headers=per).get_json()}
    body = {"release": gotland["release"], "variant": "standard"}
    assert error_paths(client.put(f"{API}/units/ks/bindings/vard", json=body, headers=petra)) == {"release"}
    assert_error(client.put(f"{API}/units/rg/bindings/vard", json=body, headers=petra), 403, "forbidden")
    assert client.put(f"{API}/units/rg-vs/bindings/vard", json=body, headers=per).status_code == 200
    assert_error(client.put(f"{API}/units/ks/bindings/vard", json=body, headers=per), 403, "forbidden")


def _get_operations(client: Any) -> list[str]:
    paths = client.get(f"{API}/openapi.json").get_json()["paths"]
    return sorted(path for path, operations in paths.items() if "get" in operations)


# Shared configuration, the same for everyone (the org directory reporters pick from, the roles and forms of the
# definitions): not case data of either entity.
SHARED = {f"{API}/units", f"{API}/roles", f"{API}/forms/{{which}}", f"{API}/forms/feedback", f"{API}/health",
          f"{API}/openapi.json", f"{API}/public/entities", f"{API}/session/config"}


def _concrete(path: str, gotland: dict[str, str]) -> list[str]:
    """The path with Gotland's things filled in, and list endpoints with the filters that could find them."""
    fills = {"{number}": gotland["number"], "{task_id}": gotland["task"], "{action_id}": gotland["action"],
             "{receipt}": gotland["receipt"], "{unit_id}": "rg", "{area}": "vard", "{which}": "intake",
             "{export_id}": "fk_arbetsskada", "{attachment_id}": gotland["attachment"],
             "{release}": gotland["release"]}
    for template, value in fills.items():
        path = path.replace(template, value)
    assert "{" not in path, f"give {path} a Gotland value"
    extra = {f"{API}/events": [f"?text={gotland['number']}", "?unit=rg"],
             f"{API}/audit": [f"?event={gotland['number']}"],
             f"{API}/tasks": ["?scope=available", "?scope=mine"], f"{API}/stats": ["?unit=rg", ""],
             f"{API}/annual-figures": ["?entity=rg"],
             f"{API}/releases/{gotland['release']}/file": ["?path=processes/vard/area.yaml"]}
    return [path + query for query in extra.get(path, [""])]


def _found(client: Any, headers: dict[str, str], gotland: dict[str, str]) -> list[str]:
    """Every read answer that holds something of Gotland's (or fails other than a refusal)."""
    secrets = [gotland["number"], gotland["receipt"], gotland["release"], "Fall i korridoren", "RG-"]
    found = []
    for template in _get_operations(client):
        if template in SHARED:
            continue
        for path in _concrete(template, gotland):
            response = client.get(path, headers=headers)
            body = response.get_data()  # bytes: a download (an attachment, a PDF) is no text
            if response.status_code < 400 and any(s.encode() in body for s in secrets):
                found.append(path)
            elif response.status_code >= 400 and response.status_code not in (400, 403, 404, 422, 429):
                found.append(f"{path}: unexpected {response.status_code}")
    return found


@pytest.mark.parametrize("persona", STOCKHOLM_USERS)
def test_a_stockholm_user_of_any_role_finds_nothing_of_gotlands_through_any_read(
    persona: str, client: Any, auth: Any, gotland: dict[str, str]
) -> None:
    assert _found(client, auth(persona), gotland) == []


def test_the_same_reads_do_find_gotlands_things_for_gotlands_own_people(
    client: Any, auth: Any, gotland: dict[str, str]
) -> None:
    """The probe can fail: Gotland's handler finds the event, its task and action; its owner the release."""
    found = set(_found(client, auth("david"), gotland))
    assert {f"{API}/events/{gotland['number']}", f"{API}/tasks/{gotland['task']}",
            f"{API}/actions/{gotland['action']}", f"{API}/events?text={gotland['number']}"} <= found
    assert f"{API}/releases" in _found(client, auth("per"), gotland)
