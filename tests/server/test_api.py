"""The HTTP contract through Flask's test client: authentication, worklists, task work, closure, errors."""

from __future__ import annotations

from typing import Any

import pytest

from ..engine.test_vard_case import (
    ACCEPT,
    CLASSIFY_SERIOUS,
    FEEDBACK,
    INVESTIGATION,
    LEX_MARIA_YES,
    PATIENT_INFORMED,
    SIGN,
)
from ..http import API, add_action, assert_error, complete, open_task, submit


def test_health_and_openapi_need_no_login(client: Any) -> None:
    assert client.get(f"{API}/health").get_json()["status"] == "ok"
    spec = client.get(f"{API}/openapi.json").get_json()
    assert spec["openapi"].startswith("3.")
    assert "/api/v1/tasks/{task_id}/complete" in spec["paths"]
    assert "CompleteIn" in spec["components"]["schemas"]


@pytest.mark.parametrize("header", [None, "Bearer", "Bearer avk_unknown", "Basic YW5uYTo=", "Bearer not-a-jwt"])
def test_unknown_or_missing_credentials_are_401(client: Any, header: str | None) -> None:
    headers = {"Authorization": header} if header else {}
    body = assert_error(client.get(f"{API}/me", headers=headers), 401, "unauthenticated")
    assert "message" in body


def test_a_user_header_alone_is_not_trusted(client: Any) -> None:
    assert_error(client.get(f"{API}/me", headers={"X-User": "anna", "X-Remote-User": "anna"}), 401,
                 "unauthenticated")


def test_me_roles_units_and_intake_form(client: Any, auth: Any) -> None:
    headers = auth("anna")
    vard_like = ["omsorg", "tandvard", "vard"]  # the areas where handläggare is a lane role
    assert client.get(f"{API}/me", headers=headers).get_json()["grants"] == [
        {"role": "handlaggare", "unit_id": "ks", "unit_name": "Karolinska Universitetssjukhuset", "on_behalf_of": None,
         "reads": vard_like, "works_in": vard_like, "protected": vard_like}]
    roles = {r["id"]: r["name"] for r in client.get(f"{API}/roles", headers=headers).get_json()}
    assert roles["verksamhetschef"] == "Verksamhetschef"
    units = {u["id"]: u for u in client.get(f"{API}/units", headers=headers).get_json()}
    assert units["ks-akut"]["parent"] == "ks" and units["ks-akut"]["cfar"] == "90000001"
    form = client.get(f"{API}/forms/intake", headers=headers).get_json()
    assert form["schema"]["title"] == "Rapportera en händelse" and form["ui_schema"]["ui:order"][0] == "rubrik"


def test_report_routes_to_the_handler_above_and_not_elsewhere(
    client: Any, auth: Any, report: dict[str, Any]
) -> None:
    event = submit(client, auth("eva"), report)
    assert [a["area"] for a in event["areas"]] == ["vard"]
    anna = client.get(f"{API}/tasks?scope=available", headers=auth("anna")).get_json()
    assert [(t["event_number"], t["event_title"]) for t in anna] == [(event["number"], report["rubrik"])]
    assert client.get(f"{API}/tasks", headers=auth("david")).get_json() == []
    assert_error(client.get(f"{API}/events/{event['number']}", headers=auth("david")), 404, "not_found")
    mine = client.get(f"{API}/events/{event['number']}", headers=auth("eva")).get_json()
    assert mine["status"] == "submitted" and "case_data" not in mine  # the reporter follows, does not handle


def test_claim_complete_and_the_error_paths(client: Any, auth: Any, report: dict[str, Any]) -> None:
    anna, bertil = auth("anna"), auth("bertil")
    number = submit(client, auth("eva"), report)["number"]
    task = open_task(client, anna, number, "triage")
    detail = client.get(f"{API}/tasks/{task['id']}", headers=anna).get_json()
    assert detail["schema"]["title"] == "Triage" and detail["event_title"] == report["rubrik"]

    assert_error(client.post(f"{API}/tasks/{task['id']}/complete", json={"data": ACCEPT}, headers=bertil),
                 403, "forbidden")
    invalid = assert_error(
        client.post(f"{API}/tasks/{task['id']}/complete", json={"data": {"triage": {"beslut": "kanske"}}},
                    headers=anna), 422, "validation_failed")
    assert invalid["errors"] == [
        {"path": "triage/beslut", "message": "Värdet är inte ett av de tillåtna alternativen."}]
    assert client.post(f"{API}/tasks/{task['id']}/claim", headers=anna).get_json()["assignee"] == "anna"
    stale = {"data": ACCEPT, "case_version": detail["case_version"] - 1}
    assert_error(client.post(f"{API}/tasks/{task['id']}/complete", json=stale, headers=anna), 409, "stale")
    done = client.post(f"{API}/tasks/{task['id']}/complete",
                       json={"data": ACCEPT, "case_version": detail["case_version"]}, headers=anna)
    assert done.status_code == 200
    assert [t["spec_name"] for t in done.get_json()["next_tasks"]] == ["klassificering"]
    assert_error(client.post(f"{API}/tasks/{task['id']}/complete", json={"data": ACCEPT}, headers=anna),
                 409, "not_ready")


def test_closure_blocked_then_allowed(client: Any, auth: Any, report: dict[str, Any]) -> None:
    anna, bertil, cecilia = auth("anna"), auth("bertil"), auth("cecilia")
    number = submit(client, auth("eva"), report)["number"]
    for spec, data, who in [("triage", ACCEPT, anna), ("klassificering", CLASSIFY_SERIOUS, anna),
                            ("lex_maria_bedomning", LEX_MARIA_YES, cecilia), ("utredning", INVESTIGATION, anna),
                            ("informera_patient", PATIENT_INFORMED, anna), ("aterkoppling", FEEDBACK, anna)]:
        assert complete(client, who, number, spec, data).status_code == 200
    action_id = add_action(client, anna, number,
                           {"titel": "Dubbelkontroll av doser", "typ": "korrigerande", "ansvarig": "anna"})["id"]
    closure = client.get(f"{API}/events/{number}/closure", headers=bertil).get_json()
    assert closure[0]["can_close"] is False
    assert [r["id"] for r in closure[0]["rules"] if not r["met"]] == ["atgarder_avslutade"]
    blocked = assert_error(complete(client, bertil, number, "signera_avslut", SIGN), 409, "closure_blocked")
    assert [u["id"] for u in blocked["unmet"]] == ["atgarder_avslutade"]

    mine = client.get(f"{API}/actions", headers=anna).get_json()
    assert mine[0]["events"] == [{"number": number, "title": report["rubrik"]}]
    assert_error(client.post(f"{API}/actions/{action_id}/transition", json={"to": "genomford"}, headers=anna),
                 409, "illegal_transition")
    assert_error(client.post(f"{API}/actions/{action_id}/transition", json={"to": "avbruten"}, headers=anna),
                 422, "motivation_required")
    cancelled = client.post(f"{API}/actions/{action_id}/transition", headers=anna,
                            json={"to": "avbruten", "note": "Ersätts av regional rutin."})
    assert cancelled.get_json()["status_label"] == "Avbruten"
    closed = complete(client, bertil, number, "signera_avslut", SIGN)
    assert closed.status_code == 200 and closed.get_json()["event_status"] == "closed"


def test_public_feedback_without_login_is_rate_limited(client: Any) -> None:
    data = {"rubrik": "Lång väntetid", "beskrivning": "Vi väntade sex timmar.", "handelsetyp": "klagomal",
            "relation": "narstaende"}
    receipts = [client.post(f"{API}/public/rs/feedback", json={"data": data}) for _ in range(3)]
    assert all(r.status_code == 201 and r.get_json()["receipt"].startswith("K-") for r in receipts)
    assert_error(client.post(f"{API}/public/rs/feedback", json={"data": data}), 429, "rate_limited")


@pytest.mark.parametrize(
    ("kwargs", "status", "code"),
    [
        ({"data": "{not json", "content_type": "application/json"}, 400, "bad_request"),
        ({"json": [1, 2]}, 422, "validation_failed"),
        ({"json": {"unit_id": "ks-akut"}}, 422, "validation_failed"),
        ({"json": {"unit_id": "ks-akut", "data": {}, "extra": 1}}, 422, "validation_failed"),
        ({"json": {"unit_id": 5, "data": {}}}, 422, "validation_failed"),
        ({"data": "x", "content_type": "text/plain"}, 415, "unsupported_media_type"),
        ({"json": {"unit_id": "ks-akut", "data": {"rubrik": "x" * 2_000_000}}}, 413, "too_large"),
    ],
)
def test_malformed_requests_are_4xx_with_the_error_shape(
    client: Any, auth: Any, kwargs: dict[str, Any], status: int, code: str
) -> None:
    assert_error(client.post(f"{API}/events", headers=auth("eva"), **kwargs), status, code)


@pytest.mark.parametrize("query", ["limit=0", "limit=abc", "offset=-1", "scope=all", "limit=100000"])
def test_bad_pagination_is_422(client: Any, auth: Any, query: str) -> None:
    assert_error(client.get(f"{API}/tasks?{query}", headers=auth("anna")), 422, "validation_failed")


def test_unknown_route_and_method_have_the_error_shape(client: Any, auth: Any) -> None:
    assert_error(client.get(f"{API}/nothing-here"), 404, "not_found")
    assert_error(client.delete(f"{API}/events", headers=auth("anna")), 405, "method_not_allowed")


def test_reads_of_patient_data_land_in_the_read_log(client: Any, auth: Any, report: dict[str, Any]) -> None:
    anna = auth("anna")
    number = submit(client, auth("eva"), report)["number"]
    complete(client, anna, number, "triage", ACCEPT)
    complete(client, anna, number, "klassificering", CLASSIFY_SERIOUS)
    client.get(f"{API}/events/{number}", headers=auth("bertil"))
    log = client.get(f"{API}/audit?event={number}", headers=auth("revisor")).get_json()
    assert ("bertil", "GET /events/{number}") in [(r["actor"], r["purpose"]) for r in log["reads"]]
    assert_error(client.get(f"{API}/audit?event={number}", headers=anna), 403, "forbidden")


def test_event_list_filters_and_paginates_within_what_the_caller_may_see(
    client: Any, auth: Any, report: dict[str, Any]
) -> None:
    eva, anna = auth("eva"), auth("anna")
    first = submit(client, eva, {**report, "rubrik": "Fall i korridoren"})["number"]
    second = submit(client, eva, report, unit="ks-avd12")["number"]
    submit(client, auth("david"), report, unit="rg-akut")  # Gotland: outside Anna's grants
    page = client.get(f"{API}/events?limit=1", headers=anna).get_json()
    assert page["total"] == 2 and [e["number"] for e in page["items"]] == [second]
    assert [e["number"] for e in client.get(f"{API}/events?offset=1", headers=anna).get_json()["items"]] == [first]
    assert client.get(f"{API}/events?unit=ks-avd12", headers=anna).get_json()["total"] == 1
    assert [e["number"] for e in client.get(f"{API}/events?text=korridor", headers=anna).get_json()["items"]] == [first]
    assert client.get(f"{API}/events?area=synpunkter", headers=anna).get_json()["total"] == 0
    assert client.get(f"{API}/events?status=submitted", headers=anna).get_json()["total"] == 2
    assert client.get(f"{API}/events", headers=eva).get_json()["total"] == 2  # the reporter's own reports
    assert client.get(f"{API}/events", headers=auth("david")).get_json()["total"] == 1
    assert_error(client.get(f"{API}/events?status=okand", headers=anna), 422, "validation_failed")
    assert_error(client.get(f"{API}/events?unit=finns-inte", headers=anna), 422, "validation_failed")


def test_assign_to_a_colleague_with_the_role_only(client: Any, auth: Any, demo: Any, report: dict[str, Any]) -> None:
    demo.add_user("anders")
    demo.grant_role("anders", "handlaggare", "ks-akut")
    anna = auth("anna")
    number = submit(client, auth("eva"), report)["number"]
    task = open_task(client, anna, number, "triage")
    assert_error(client.post(f"{API}/tasks/{task['id']}/assign", json={"user": "bertil"}, headers=anna),
                 422, "validation_failed")
    assigned = client.post(f"{API}/tasks/{task['id']}/assign", json={"user": "anders"}, headers=anna)
    assert assigned.get_json()["assignee"] == "anders"
    assert [t["id"] for t in client.get(f"{API}/tasks?scope=mine", headers=auth("anders")).get_json()] == [task["id"]]


def test_a_new_title_follows_the_event_into_worklists_and_actions(
    client: Any, auth: Any, report: dict[str, Any]
) -> None:
    anna = auth("anna")
    number = submit(client, auth("eva"), report)["number"]
    client.post(f"{API}/events/{number}/actions", headers=anna, json={"data": {"titel": "Rutin", "typ": "larande",
                                                                              "ansvarig": "anna"}})
    assert_error(client.post(f"{API}/events/{number}/title",
                             json={"previous_title": report["rubrik"], "title": "Ny rubrik", "reason": "x"},
                             headers=auth("eva")), 403, "forbidden")
    renamed = client.post(f"{API}/events/{number}/title", headers=anna, json={
        "previous_title": report["rubrik"], "title": "Fel dos warfarin, akuten", "reason": "Tydligare rubrik"})
    assert renamed.get_json()["title"] == "Fel dos warfarin, akuten"
    # a colleague who still sees the first title does not overwrite the rename
    assert_error(client.post(f"{API}/events/{number}/title", headers=anna, json={
        "previous_title": report["rubrik"], "title": "Warfarin", "reason": "Kortare"}), 409, "stale")
    assert [t["event_title"] for t in client.get(f"{API}/tasks", headers=anna).get_json()] == [
        "Fel dos warfarin, akuten"]
    assert client.get(f"{API}/actions", headers=anna).get_json()[0]["events"][0]["title"] == "Fel dos warfarin, akuten"
    history = client.get(f"{API}/audit?event={number}", headers=auth("revisor")).get_json()["changes"]
    rename = next(c for c in history if c["operation"] == "rename")
    assert rename["before"] == {"title": report["rubrik"]} and rename["after"]["reason"] == "Tydligare rubrik"


def test_the_reporter_sees_the_feedback_but_not_the_handling(client: Any, auth: Any, report: dict[str, Any]) -> None:
    anna = auth("anna")
    number = submit(client, auth("eva"), report)["number"]
    for spec, data in [("triage", ACCEPT), ("klassificering", {**CLASSIFY_SERIOUS, "vardskada": "nej",
                                                               "riskbedomning": {"konsekvens_faktisk": 1,
                                                                                 "konsekvens_potentiell": 2,
                                                                                 "sannolikhet": 1}}),
                       ("utredning", INVESTIGATION), ("aterkoppling", FEEDBACK)]:
        assert complete(client, anna, number, spec, data).status_code == 200
    mine = client.get(f"{API}/events/{number}", headers=auth("eva")).get_json()
    assert mine["feedback"] == [{"area": "vard", "text": FEEDBACK["aterkoppling"]["text"],
                                 "date": FEEDBACK["aterkoppling"]["datum"]}]
    assert "case_data" not in mine and "history" not in mine


@pytest.mark.parametrize("path", ["/actions/99999999999999999999", "/events/AVV-9999-999999", "/tasks/not-a-uuid",
                                  "/events/" + "x" * 5000, "/units/okand/effective-config"])
def test_unknown_or_absurd_ids_are_404_with_the_error_shape(client: Any, auth: Any, path: str) -> None:
    assert_error(client.get(f"{API}{path}", headers=auth("petra")), 404, "not_found")


@pytest.mark.parametrize("depth", [40, 50_000])
def test_absurdly_nested_json_is_400_not_500(client: Any, auth: Any, depth: int) -> None:
    body = '{"unit_id": "ks-akut", "data": {"rubrik": ' + "[" * depth + "]" * depth + "}}"
    response = client.post(f"{API}/events", data=body, content_type="application/json", headers=auth("eva"))
    assert_error(response, 400, "bad_request")


def test_the_event_total_is_counted_up_to_a_cap(
    client: Any, auth: Any, report: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    from engine.store import events as event_store

    monkeypatch.setattr(event_store, "COUNT_CAP", 1)
    for _ in range(3):
        submit(client, auth("eva"), report)
    page = client.get(f"{API}/events?limit=2", headers=auth("anna")).get_json()
    assert (page["total"], page["total_capped"], len(page["items"])) == (1, True, 2)


def test_worklist_with_overlapping_grants_lists_each_task_once_in_due_order(
    client: Any, auth: Any, demo: Any, report: dict[str, Any]
) -> None:
    first = submit(client, auth("eva"), report)["number"]
    second = submit(client, auth("eva"), report, unit="ks-avd12")["number"]
    demo.grant_role("anna", "handlaggare", "ks-akut")  # overlaps her grant on ks
    demo.grant_role("anna", "patientsakerhet", "ks")  # another role: no triage tasks
    anna = auth("anna")
    listed = [t["event_number"] for t in client.get(f"{API}/tasks", headers=anna).get_json()]
    assert listed == [first, second]
    assert [t["event_number"] for t in client.get(f"{API}/tasks?limit=1&offset=1", headers=anna).get_json()] == [
        second]
