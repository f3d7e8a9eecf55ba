"""The studio's API: what a unit runs, a release's files, an edited tree validated without publishing, published
as a new release, and piloted on one unit after a dry-run diff of its configuration and open cases."""

from __future__ import annotations

import json
from typing import Any

from ..http import API, assert_error, event, submit

TRIAGE = "processes/vard/forms/vard_triage.json"
AREA = "processes/vard/area.yaml"


def definitions(client: Any, petra: dict[str, str], unit: str = "ks-akut") -> dict[str, Any]:
    response = client.get(f"{API}/units/{unit}/definitions", headers=petra)
    assert response.status_code == 200, response.get_json()
    return {a["area"]: a for a in response.get_json()["areas"]}


def read(client: Any, petra: dict[str, str], release: str, path: str) -> str:
    response = client.get(f"{API}/releases/{release}/file", query_string={"path": path}, headers=petra)
    assert response.status_code == 200, response.get_json()
    return response.get_json()["content"]


def edited_files(client: Any, petra: dict[str, str], release: str) -> dict[str, str]:
    """A new triage title and a shorter triage SLA: what a process owner changes in the done-when test."""
    form = json.loads(read(client, petra, release, TRIAGE))
    form["properties"]["triage"]["title"] = "Triage (pilot)"
    area = read(client, petra, release, AREA).replace("sla_triage: P5D", "sla_triage: P3D")
    return {TRIAGE: json.dumps(form, ensure_ascii=False, indent=2), AREA: area}


def test_a_unit_lists_its_areas_files_and_declared_variables(
    client: Any, auth: Any, published: dict[str, Any]
) -> None:
    areas = definitions(client, auth("petra"))
    assert {"intake", "vard", "arbetsmiljo", "synpunkter"} <= set(areas)
    vard = areas["vard"]
    assert (vard["release"], vard["variant"], vard["name"]) == (published["hash"], "standard", "Vård")
    paths = {f["path"]: f["kind"] for f in vard["files"]}
    assert paths["processes/vard/vard.bpmn"] == "bpmn" and paths[TRIAGE] == "form" and paths[AREA] == "yaml"
    assert all(p.startswith("processes/vard/") for p in paths)
    sla = next(v for v in vard["variables"] if v["key"] == "sla_triage")
    assert (sla["type"], sla["default"], sla["max"]) == ("duration", "P5D", "P1Y")
    intake = {f["path"] for f in areas["intake"]["files"]}
    assert {"processes/intake.yaml", "processes/routing.dmn", "forms/intake.json"} <= intake
    assert read(client, auth("petra"), published["hash"], "processes/vard/vard.bpmn").startswith("<?xml")


def test_only_a_process_owner_reads_definitions(client: Any, auth: Any, published: dict[str, Any]) -> None:
    assert_error(client.get(f"{API}/units/ks-akut/definitions", headers=auth("anna")), 403, "forbidden")
    assert_error(client.get(f"{API}/releases/{published['hash']}/file", query_string={"path": AREA},
                            headers=auth("anna")), 403, "forbidden")
    assert_error(client.get(f"{API}/releases/{published['hash']}/file",
                            query_string={"path": "processes/finns_inte.yaml"}, headers=auth("petra")),
                 404, "not_found")
    assert_error(client.get(f"{API}/releases/{'0' * 64}/file", query_string={"path": AREA},
                            headers=auth("petra")), 404, "not_found")


def test_validate_answers_located_swedish_findings_and_stores_nothing(
    client: Any, auth: Any, published: dict[str, Any]
) -> None:
    petra = auth("petra")
    bpmn = read(client, petra, published["hash"], "processes/vard/vard.bpmn")
    broken = bpmn.replace('name="handlaggare"', 'name="okand_roll"', 1)
    response = client.post(f"{API}/releases/{published['hash']}/validate",
                           json={"files": {"processes/vard/vard.bpmn": broken}}, headers=petra)
    assert response.status_code == 200, response.get_json()
    body = response.get_json()
    assert body["errors"] >= 1
    finding = next(f for f in body["findings"] if f["severity"] == "error")
    assert finding["file"] == "processes/vard/vard.bpmn" and finding["line"] and finding["element_id"]
    assert "okand_roll" in finding["message"]
    clean = client.post(f"{API}/releases/{published['hash']}/validate",
                        json={"files": edited_files(client, petra, published["hash"])}, headers=petra).get_json()
    assert clean["errors"] == 0, clean["findings"]
    assert len(client.get(f"{API}/releases", headers=petra).get_json()) == 1  # nothing was published


def test_an_edit_outside_the_tree_or_out_of_bounds_is_refused(
    client: Any, auth: Any, published: dict[str, Any]
) -> None:
    petra = auth("petra")
    url = f"{API}/releases/{published['hash']}/validate"
    outside = client.post(url, json={"files": {"../etc/passwd.yaml": "x: 1"}}, headers=petra)
    assert_error(outside, 422, "validation_failed")
    area = read(client, petra, published["hash"], AREA).replace("sla_triage: P5D", "sla_triage: P2Y")
    body = client.post(url, json={"files": {AREA: area}}, headers=petra).get_json()
    assert any(f["file"] == AREA and f["severity"] == "error" for f in body["findings"]), body
    assert_error(client.post(f"{API}/releases/{published['hash']}/edits", json={"files": {AREA: area}},
                             headers=petra), 422, "definition_invalid")
    assert_error(client.post(url, json={"files": {}}, headers=auth("anna")), 403, "forbidden")


def test_publish_then_pilot_on_one_unit_after_a_dry_run_diff(
    client: Any, auth: Any, published: dict[str, Any], report: dict[str, Any]
) -> None:
    petra = auth("petra")
    before = submit(client, auth("eva"), report, unit="ks-akut")["number"]  # an open case on the old release
    created = client.post(f"{API}/releases/{published['hash']}/edits",
                          json={"files": edited_files(client, petra, published["hash"]), "label": "pilot"},
                          headers=petra)
    assert created.status_code == 201, created.get_json()
    new = created.get_json()["hash"]
    assert new != published["hash"] and created.get_json()["label"] == "pilot"

    url = f"{API}/releases/{new}/pilot"
    dry = client.post(url, json={"units": ["ks-akut"]}, headers=petra).get_json()
    assert dry["dry_run"] is True
    unit = dry["units"][0]
    vard = next(a for a in unit["areas"] if a["area"] == "vard")
    assert (vard["from_release"], vard["to_release"]) == (published["hash"], new)
    assert {(f["path"], f["change"]) for f in vard["files"]} == {(TRIAGE, "changed"), (AREA, "changed")}
    assert vard["variables"] == [{"key": "sla_triage", "before": "P5D", "after": "P3D", "from_unit": None}]
    assert [c["event_number"] for c in vard["migration"]] == [before]
    assert vard["migration"][0]["safe"] is True
    untouched = next(a for a in unit["areas"] if a["area"] == "miljo")
    assert untouched["files"] == [] and untouched["variables"] == []
    # the dry run changed nothing: a report still starts on the old release
    again = submit(client, auth("eva"), report, unit="ks-akut")["number"]
    assert {a["release"] for a in event(client, auth("anna"), again)["areas"]} == {published["hash"]}

    done = client.post(url, json={"units": ["ks-akut"], "dry_run": False}, headers=petra)
    assert done.status_code == 200, done.get_json()
    piloted = submit(client, auth("eva"), report, unit="ks-akut")["number"]
    assert {a["release"] for a in event(client, auth("anna"), piloted)["areas"] if a["area"] == "vard"} == {new}
    sibling = submit(client, auth("eva"), report, unit="ks-avd12")["number"]
    assert {a["release"] for a in event(client, auth("anna"), sibling)["areas"]} == {published["hash"]}
    assert definitions(client, petra)["vard"]["release"] == new


def test_pilot_needs_the_owner_role_on_every_unit(client: Any, auth: Any, published: dict[str, Any]) -> None:
    url = f"{API}/releases/{published['hash']}/pilot"
    assert_error(client.post(url, json={"units": ["ks-akut"]}, headers=auth("anna")), 403, "forbidden")
    assert_error(client.post(url, json={"units": ["finns-inte"]}, headers=auth("petra")), 404, "not_found")
    assert_error(client.post(f"{API}/releases/{'0' * 64}/pilot", json={"units": ["ks"]}, headers=auth("petra")),
                 404, "not_found")


def test_a_form_preview_is_the_edited_form_self_contained(
    client: Any, auth: Any, published: dict[str, Any]
) -> None:
    petra = auth("petra")
    url = f"{API}/releases/{published['hash']}/form-preview"
    files = edited_files(client, petra, published["hash"])
    preview = client.post(url, json={"files": files, "path": TRIAGE}, headers=petra)
    assert preview.status_code == 200, preview.get_json()
    schema = preview.get_json()["schema"]
    assert schema["properties"]["triage"]["title"] == "Triage (pilot)"
    assert "common.json" not in json.dumps(schema)  # shared definitions are copied in, as staff get it
    broken = client.post(url, json={"files": {TRIAGE: "{inte json"}, "path": TRIAGE}, headers=petra)
    assert_error(broken, 422, "definition_invalid")
    assert_error(client.post(url, json={"path": AREA}, headers=petra), 422, "validation_failed")
