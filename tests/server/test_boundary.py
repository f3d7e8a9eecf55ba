"""The input boundary for text: NUL and lone surrogates anywhere in a JSON body (values and keys, nested) are 422
with the path, in a path or query 400; non-standard JSON numbers are 400. The same on every database, and nothing
of a refused request is stored (on SQLite a stored surrogate used to make the event unreadable)."""

from __future__ import annotations

import json
from typing import Any

import pytest

from ..http import API, assert_error, open_task, submit

NUL, SURROGATE = "\u0000", "\ud800"


def post_raw(client: Any, headers: dict[str, str], path: str, text: str) -> Any:
    return client.post(f"{API}{path}", data=text.encode(), content_type="application/json", headers=headers)


def post_json(client: Any, headers: dict[str, str], path: str, body: Any) -> Any:
    """json.dumps writes a lone surrogate as the escape \\ud800, exactly as a hostile client would."""
    return post_raw(client, headers, path, json.dumps(body))


def event_count(client: Any, headers: dict[str, str]) -> int:
    response = client.get(f"{API}/events", headers=headers)
    assert response.status_code == 200
    return int(response.get_json()["total"])


@pytest.mark.parametrize("bad", [NUL, SURROGATE, "\udfff", "a\ud83db"], ids=["nul", "high", "low", "half-pair"])
@pytest.mark.parametrize(
    "place",
    ["value", "key", "nested-list", "top-level"],
)
def test_unstorable_text_in_a_report_is_422_with_its_path_and_nothing_is_stored(
    client: Any, auth: Any, report: dict[str, Any], bad: str, place: str
) -> None:
    eva, anna = auth("eva"), auth("anna")
    before = event_count(client, anna)
    data = dict(report)
    body: dict[str, Any] = {"unit_id": "ks-akut", "data": data}
    expected = {
        "value": "data/rubrik", "key": "data/x\ufffd", "nested-list": "data/drabbade/1", "top-level": "unit_id",
    }[place]
    if place == "value":
        data["rubrik"] = f"Fel{bad}dos"
    elif place == "key":
        data[f"x{bad}"] = "värde"
    elif place == "nested-list":
        data["drabbade"] = ["patient", bad]
    else:
        body["unit_id"] = f"ks-akut{bad}"
    response = post_json(client, eva, "/events", body)
    expected_path = expected if bad != "a\ud83db" or place != "key" else "data/xa\ufffdb"
    assert [e["path"] for e in assert_error(response, 422, "validation_failed")["errors"]] == [expected_path]
    assert event_count(client, anna) == before


def test_a_valid_surrogate_pair_is_an_ordinary_character(client: Any, auth: Any, report: dict[str, Any]) -> None:
    event = submit(client, auth("eva"), {**report, "rubrik": "Fel dos \U0001F48A igen"})
    assert event["title"] == "Fel dos \U0001F48A igen"


def test_unstorable_text_is_refused_in_every_body_not_only_reports(
    client: Any, auth: Any, report: dict[str, Any]
) -> None:
    anna = auth("anna")
    number = submit(client, auth("eva"), report)["number"]
    triage = open_task(client, anna, number, "triage")["id"]
    cases = [
        (f"/events/{number}/areas", {"area": "arbetsmiljo", "reason": f"skäl{NUL}"}, "reason"),
        (f"/events/{number}/title", {"previous_title": report["rubrik"], "title": "Ny rubrik", "reason": SURROGATE},
         "reason"),
        (f"/tasks/{triage}/complete", {"data": {"triage": {"beslut": f"x{NUL}"}}}, "data/triage/beslut"),
        ("/public/rs/feedback", {"data": {"text": SURROGATE}}, "data/text"),
    ]
    for path, body, bad in cases:
        response = post_json(client, anna, path, body)
        assert [e["path"] for e in assert_error(response, 422, "validation_failed")["errors"]] == [bad], path
    assert client.get(f"{API}/events/{number}", headers=anna).status_code == 200


@pytest.mark.parametrize(
    "url",
    ["/events?text=a%00b", "/events?a%00=1", "/events/AVV-2026-%00", "/units/ks%00/bindings/vard",
     "/tasks?scope=mine%00"],
)
def test_unstorable_text_in_a_path_or_query_is_400(client: Any, auth: Any, url: str) -> None:
    assert_error(client.get(f"{API}{url}", headers=auth("anna")), 400, "invalid_text")


@pytest.mark.parametrize("number", ["NaN", "Infinity", "-Infinity", "1e400", "-1e400"])
def test_non_standard_json_numbers_are_refused_at_parsing(client: Any, auth: Any, number: str) -> None:
    anna = auth("anna")
    body = '{"unit_id": "ks-akut", "data": {"antal": %s}}' % number  # noqa: UP031 (JSON's braces)
    assert_error(post_raw(client, anna, "/events", body), 400, "bad_request")
    assert_error(client.put(f"{API}/units/ks/overlays/vard/sla_dagar", data='{"value": %s}' % number,  # noqa: UP031
                            content_type="application/json", headers=auth("petra")), 400, "bad_request")


def test_patterned_identifiers_match_whole_not_up_to_a_trailing_newline(
    client: Any, auth: Any, published: dict[str, Any]
) -> None:
    assert_error(client.get(f"{API}/audit?event=AVV-2026-000001%0A", headers=auth("revisor")), 422,
                 "validation_failed")
    response = client.put(f"{API}/units/ks/bindings/vard", json={"release": published["hash"] + "\n"},
                          headers=auth("petra"))
    assert_error(response, 422, "validation_failed")
