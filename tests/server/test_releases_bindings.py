"""Releases and per-unit bindings: pilot teams swap configuration for their units, open cases stay safe."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path
from typing import Any

from ..definitions import copy_definitions, edit, publish_with
from ..engine.test_vard_case import ACCEPT, CLASSIFY_SERIOUS, INVESTIGATION, LEX_MARIA_YES
from ..http import API, assert_error, complete, open_task, submit


def zipped(root: Path) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for top in ("processes", "forms"):
            for path in sorted((root / top).rglob("*")):
                if path.is_file():
                    archive.write(path, f"definitioner/{path.relative_to(root).as_posix()}")
    return buffer.getvalue()


def upload(client: Any, headers: dict[str, str], data: bytes, label: str = "") -> Any:
    return client.post(f"{API}/releases?label={label}", data=data, content_type="application/zip", headers=headers)


def bind(client: Any, headers: dict[str, str], unit: str, release: str, variant: str) -> Any:
    return client.put(f"{API}/units/{unit}/bindings/vard", json={"release": release, "variant": variant},
                      headers=headers)


def pilot_to_the_ward(client: Any, auth: Any, published: dict[str, Any]) -> None:
    response = bind(client, auth("petra"), "ks-avd12", published["hash"], "patientmedverkan")
    assert response.status_code == 200, response.get_json()


def walk_to_investigation(client: Any, auth: Any, number: str) -> list[str]:
    anna = auth("anna")
    complete(client, anna, number, "triage", ACCEPT)
    complete(client, anna, number, "klassificering", CLASSIFY_SERIOUS)
    complete(client, auth("cecilia"), number, "lex_maria_bedomning", LEX_MARIA_YES)
    done = complete(client, anna, number, "utredning", INVESTIGATION)
    return [t["spec_name"] for t in done.get_json()["next_tasks"]]


def test_pilot_unit_and_standard_unit_get_different_tasks_for_the_same_report(
    client: Any, auth: Any, published: dict[str, Any], report: dict[str, Any]
) -> None:
    pilot_to_the_ward(client, auth, published)
    pilot = submit(client, auth("eva"), report, unit="ks-avd12")["number"]
    standard = submit(client, auth("eva"), report, unit="ks-akut")["number"]
    assert walk_to_investigation(client, auth, pilot) == ["patientens_berattelse"]
    assert walk_to_investigation(client, auth, standard) == ["informera_patient"]


def test_child_unit_inherits_the_pilot_and_the_config_says_from_where(
    client: Any, auth: Any, demo: Any, published: dict[str, Any], report: dict[str, Any]
) -> None:
    demo.add_unit("ks-avd12-nattjour", "Nattjouren, avdelning 12", "avdelning", "ks-avd12")
    pilot_to_the_ward(client, auth, published)
    config = client.get(f"{API}/units/ks-avd12-nattjour/effective-config", headers=auth("petra")).get_json()
    vard = next(a for a in config["areas"] if a["area"] == "vard")
    assert (vard["variant"], vard["inherited_from"], vard["release"]) == (
        "patientmedverkan", "ks-avd12", published["hash"])
    sibling = client.get(f"{API}/units/ks-akut/effective-config", headers=auth("petra")).get_json()
    assert next(a for a in sibling["areas"] if a["area"] == "vard")["inherited_from"] == "rs"  # the region default
    number = submit(client, auth("eva"), report, unit="ks-avd12-nattjour")["number"]
    assert walk_to_investigation(client, auth, number) == ["patientens_berattelse"]


def test_overlay_changes_an_sla_for_a_subtree_and_is_explained(
    client: Any, auth: Any, report: dict[str, Any]
) -> None:
    petra = auth("petra")
    assert_error(client.put(f"{API}/units/ks/overlays/vard/okand", json={"value": "P1D"}, headers=petra),
                 422, "validation_failed")
    assert_error(client.put(f"{API}/units/ks/overlays/vard/sla_triage", json={"value": 3}, headers=petra),
                 422, "validation_failed")  # the default is a string; so must the overlay be
    response = client.put(f"{API}/units/ks/overlays/vard/sla_triage", json={"value": "P2D"}, headers=petra)
    vard = next(a for a in response.get_json()["areas"] if a["area"] == "vard")
    assert {"key": "sla_triage", "value": "P2D", "from_unit": "ks"} in vard["variables"]
    number = submit(client, auth("eva"), report)["number"]
    task = open_task(client, auth("anna"), number, "triage")
    created, due = task["created_at"][:10], task["due_at"][:10]
    from datetime import date
    assert (date.fromisoformat(due) - date.fromisoformat(created)).days == 2


def test_binding_changes_need_the_process_owner_role_and_are_audited(
    client: Any, auth: Any, published: dict[str, Any]
) -> None:
    assert_error(bind(client, auth("anna"), "ks-avd12", published["hash"], "patientmedverkan"), 403, "forbidden")
    assert_error(bind(client, auth("petra"), "ks-avd12", published["hash"], "finns-inte"), 422,
                 "validation_failed")
    assert_error(bind(client, auth("petra"), "ks-avd12", "0" * 64, "standard"), 422, "validation_failed")
    pilot_to_the_ward(client, auth, published)
    removed = client.delete(f"{API}/units/ks-avd12/bindings/vard", headers=auth("petra"))
    assert next(a for a in removed.get_json()["areas"] if a["area"] == "vard")["variant"] == "standard"
    assert_error(client.delete(f"{API}/units/ks-avd12/bindings/vard", headers=auth("petra")), 404, "not_found")


def test_case_started_before_a_binding_change_finishes_on_its_old_release(
    client: Any, auth: Any, published: dict[str, Any], report: dict[str, Any]
) -> None:
    number = submit(client, auth("eva"), report, unit="ks-avd12")["number"]
    pilot_to_the_ward(client, auth, published)
    assert walk_to_investigation(client, auth, number) == ["informera_patient"]  # still the standard variant


def test_broken_release_upload_is_refused_with_located_findings_and_changes_nothing(
    client: Any, auth: Any, tmp_path: Path
) -> None:
    petra = auth("petra")
    before = client.get(f"{API}/releases", headers=petra).get_json()
    copy_definitions(tmp_path)
    edit(tmp_path / "processes" / "vard" / "area.yaml", {"  verksamhetschef: {name: Verksamhetschef}\n": ""})
    refused = assert_error(upload(client, petra, zipped(tmp_path)), 422, "definition_invalid")
    lanes = [f for f in refused["findings"] if f["element_id"] in ("triage_eskalerad", "signera_avslut")]
    assert lanes and all(f["file"].endswith("vard.bpmn") and f["line"] for f in lanes)  # standard + pilot
    assert {f["element_id"] for f in lanes if f["file"] == "processes/vard/vard.bpmn"} == {
        "triage_eskalerad", "signera_avslut"}
    assert_error(upload(client, petra, b"not an archive"), 422, "definition_invalid")
    assert client.get(f"{API}/releases", headers=petra).get_json() == before
    assert_error(upload(client, auth("anna"), zipped(tmp_path)), 403, "forbidden")


def test_upload_publishes_once(client: Any, auth: Any, tmp_path: Path) -> None:
    copy_definitions(tmp_path)
    edit(tmp_path / "processes" / "vard" / "vard.bpmn", {'name="Triagera händelsen"': 'name="Triagera (v2)"'})
    first = upload(client, auth("petra"), zipped(tmp_path), label="v2")
    assert first.status_code == 201 and first.get_json()["created"] is True
    assert first.get_json()["published_by"] == "petra"
    again = upload(client, auth("petra"), zipped(tmp_path), label="v2")
    assert again.get_json()["created"] is False and again.get_json()["id"] == first.get_json()["id"]


def test_migration_dry_run_and_run_move_only_safe_cases(
    client: Any, auth: Any, report: dict[str, Any], tmp_path: Path
) -> None:
    petra, anna = auth("petra"), auth("anna")
    untouched = submit(client, auth("eva"), report)["number"]  # only triage is ready
    started = submit(client, auth("eva"), report)["number"]
    complete(client, anna, started, "triage", ACCEPT)  # triage has run

    copy_definitions(tmp_path)
    edit(tmp_path / "processes" / "vard" / "vard.bpmn",
         {'name="Triagera händelsen"': 'name="Triagera händelsen (ny text)"'})
    newer = upload(client, petra, zipped(tmp_path), label="ny triagetext").get_json()

    dry = client.post(f"{API}/releases/migrate", json={"area": "vard", "release": newer["hash"], "unit": "ks"},
                      headers=petra)
    cases = {c["event_number"]: c for c in dry.get_json()["cases"]}
    assert cases[untouched]["safe"] is True and cases[untouched]["moved"] is False
    assert cases[started]["safe"] is False and cases[started]["blocking"] == ["triage"]

    run = client.post(f"{API}/releases/migrate", headers=petra,
                      json={"area": "vard", "release": newer["hash"], "unit": "ks", "dry_run": False}).get_json()
    assert {c["event_number"]: c["moved"] for c in run["cases"]} == {untouched: True, started: False}
    moved = client.get(f"{API}/events/{untouched}", headers=anna).get_json()
    assert moved["areas"][0]["release"] == newer["hash"]
    assert [t["name"] for t in moved["open_tasks"]] == ["Triagera händelsen (ny text)"]
    kept = client.get(f"{API}/events/{started}", headers=anna).get_json()
    assert kept["areas"][0]["release"] != newer["hash"]
    log = client.get(f"{API}/audit?event={untouched}", headers=auth("revisor")).get_json()
    assert "migrate" in [c["operation"] for c in log["changes"]]


def test_configuration_of_an_unknown_area_is_not_found_or_refused(
    client: Any, auth: Any, published: dict[str, Any]
) -> None:
    petra, base = auth("petra"), f"{API}/units/ks-avd12"
    one = client.get(f"{base}/bindings/vard", headers=petra)
    assert one.status_code == 200 and [a["area"] for a in one.get_json()["areas"]] == ["vard"]
    assert_error(client.get(f"{base}/bindings/finns-inte", headers=petra), 404, "not_found")
    assert_error(client.delete(f"{base}/bindings/finns-inte", headers=petra), 404, "not_found")
    assert_error(client.put(f"{base}/bindings/finns-inte", json={"release": published["hash"]}, headers=petra),
                 422, "validation_failed")
    assert_error(client.put(f"{base}/overlays/finns-inte/sla_dagar", json={"value": 3}, headers=petra),
                 422, "validation_failed")
    assert_error(client.delete(f"{base}/overlays/finns-inte/sla_dagar", headers=petra), 404, "not_found")
    assert_error(client.get(f"{API}/units/finns-inte/bindings/vard", headers=petra), 404, "not_found")


NINE_HUNDRED_KB = "P" + "1" * 900_000 + "D"


def test_an_overlay_outside_the_declaration_is_refused_with_the_field(
    demo: Any, client: Any, auth: Any, report: dict[str, Any], tmp_path: Path
) -> None:
    petra = auth("petra")

    def refused(value: Any, message: str, unit: str = "ks-avd12", area: str = "vard", key: str = "sla_triage") -> None:
        body = assert_error(client.put(f"{API}/units/{unit}/overlays/{area}/{key}", json={"value": value},
                                       headers=petra), 422, "validation_failed")
        assert [e["path"] for e in body["errors"]] == ["value"] and message in body["errors"][0]["message"], value

    # a plain area.yaml value (sla_triage: P5D) declares a duration of at most a year
    for bad in ("fem dagar", "P999999999D", NINE_HUNDRED_KB, True, {"a": 1}, ["P1D"]):
        refused(bad, "ISO 8601")
    refused("P2Y", "P1Y")
    refused("P999999999D", "ISO 8601", unit="ks-avd12", area="omsorg")
    config = client.get(f"{API}/units/ks-avd12/effective-config", headers=petra).get_json()
    vard = next(a for a in config["areas"] if a["area"] == "vard")
    assert {"key": "sla_triage", "value": "P5D", "from_unit": None} in vard["variables"]  # nothing was stored
    # a declaration sets its own bounds
    publish_with(demo, tmp_path, "vard",
                 {"sla_triage: P5D": "sla_triage: {type: duration, default: P5D, min: PT1H, max: P30D}"}, "gränser")
    refused("P31D", "P30D")
    refused("PT1M", "PT1H")
    # a valid overlay is used, and the case it starts can be stepped
    assert client.put(f"{API}/units/ks-avd12/overlays/vard/sla_triage", json={"value": "PT12H"},
                      headers=petra).status_code == 200
    number = submit(client, auth("eva"), report, unit="ks-avd12")["number"]
    assert complete(client, auth("anna"), number, "triage", ACCEPT).status_code == 200


def test_a_stored_overlay_the_declaration_refuses_is_passed_over(
    demo: Any, client: Any, auth: Any, report: dict[str, Any]
) -> None:
    from engine.store import bindings as binding_store

    with demo.db.transaction() as session:  # as stored before overlays were checked
        binding_store.put_overlay(session, "ks", "vard", "sla_triage", "fem dagar", "petra")
    config = client.get(f"{API}/units/ks-akut/effective-config", headers=auth("petra")).get_json()
    vard = next(a for a in config["areas"] if a["area"] == "vard")
    assert {"key": "sla_triage", "value": "P5D", "from_unit": None} in vard["variables"]
    number = submit(client, auth("eva"), report)["number"]  # was a 500 for every report at the unit
    assert complete(client, auth("anna"), number, "triage", ACCEPT).status_code == 200


def test_a_migrated_case_gets_the_new_releases_variables_as_its_unit_sets_them(
    client: Any, auth: Any, report: dict[str, Any], tmp_path: Path
) -> None:
    """A clock the newer release declares reaches the cases migrated to it, with the value the case's unit
    sets; a case that started without it would otherwise fail at the first timer that reads it."""
    petra, anna = auth("petra"), auth("anna")
    number = submit(client, auth("eva"), report)["number"]
    copy_definitions(tmp_path)
    edit(tmp_path / "processes" / "vard" / "area.yaml",
         {"  sla_lex_maria: P7D\n": "  sla_lex_maria: P7D\n  sla_uppfoljning: P30D\n"})
    newer = upload(client, petra, zipped(tmp_path), label="uppföljningsklocka").get_json()
    assert bind(client, petra, "ks", newer["hash"], "standard").status_code == 200  # new cases start on it
    response = client.put(f"{API}/units/ks/overlays/vard/sla_uppfoljning", json={"value": "P14D"}, headers=petra)
    assert response.status_code == 200, response.get_json()

    run = client.post(f"{API}/releases/migrate", headers=petra,
                      json={"area": "vard", "release": newer["hash"], "unit": "ks", "dry_run": False}).get_json()
    assert [c["moved"] for c in run["cases"] if c["event_number"] == number] == [True]
    task = client.get(f"{API}/tasks/{open_task(client, anna, number, 'triage')['id']}", headers=anna).get_json()
    assert task["data"]["sla_uppfoljning"] == "P14D" and task["data"]["mottagen"]
