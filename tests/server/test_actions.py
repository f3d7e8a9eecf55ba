"""Actions through HTTP: they belong to an area case, an area's closure counts only its own and names each one
that blocks, effect evaluation records a result, and closed cases and events are closed to them.

Demo users: anna = vård handläggare on ks, karin = arbetsmiljö chef on ks, bertil = verksamhetschef on ks,
cecilia = patientsäkerhet on rs, eva = reporter.
"""

from __future__ import annotations

from typing import Any

from engine import Engine

from ..engine.test_vard_case import (
    ACCEPT,
    CLASSIFY_SERIOUS,
    FEEDBACK,
    INVESTIGATION,
    LEX_MARIA_YES,
    PATIENT_INFORMED,
    SIGN,
)
from ..http import API, add_action, assert_error, carry_out_action, closure, done, event, submit
from ..scenarios.test_arbetsmiljo import VIOLENCE

DOUBLE_CHECK = {"titel": "Dubbelkontroll av doser", "typ": "korrigerande", "ansvarig": "anna"}
TRAINING = {"titel": "Utbildning i hot och våld", "typ": "forebyggande", "ansvarig": "karin"}


def vard_task(client: Any, headers: dict[str, str], number: str, spec: str, data: dict[str, Any]) -> Any:
    """Complete the vård case's open task with this BPMN id (arbetsmiljö has tasks of the same names)."""
    tasks = event(client, headers, number)["open_tasks"]
    task = next(t for t in tasks if t["spec_name"] == spec and t["area"] == "vard")
    return client.post(f"{API}/tasks/{task['id']}/complete", json={"data": data}, headers=headers)


def handle_vard(client: Any, auth: Any, number: str) -> None:
    """Walk the vård case to its signing task."""
    anna, cecilia = auth("anna"), auth("cecilia")
    for spec, data, who in [("triage", ACCEPT, anna), ("klassificering", CLASSIFY_SERIOUS, anna),
                            ("lex_maria_bedomning", LEX_MARIA_YES, cecilia), ("utredning", INVESTIGATION, anna),
                            ("informera_patient", PATIENT_INFORMED, anna), ("aterkoppling", FEEDBACK, anna)]:
        response = vard_task(client, who, number, spec, data)
        assert response.status_code == 200, response.get_json()


def transition(client: Any, headers: dict[str, str], action_id: int, **body: Any) -> Any:
    return client.post(f"{API}/actions/{action_id}/transition", json=body, headers=headers)


def test_an_action_belongs_to_the_area_the_caller_handles_and_blocks_only_that_area(
    demo: Engine, client: Any, auth: Any
) -> None:
    number = submit(client, auth("eva"), VIOLENCE)["number"]
    anna, karin, bertil = auth("anna"), auth("karin"), auth("bertil")
    vard_action = add_action(client, anna, number, DOUBLE_CHECK)
    am_action = add_action(client, karin, number, TRAINING)  # the chef handles only arbetsmiljö here
    assert [a["area"] for a in vard_action["areas"]] == ["vard"]
    assert [a["area"] for a in am_action["areas"]] == ["arbetsmiljo"]
    # naming the area: as the access rule says — a reader may not (403), others do not see it (404)
    def named(headers: dict[str, str], area: str) -> Any:
        return client.post(f"{API}/events/{number}/actions", json={"data": TRAINING, "area": area}, headers=headers)

    assert_error(named(bertil, "arbetsmiljo"), 403, "forbidden")  # verksamhetschef reads arbetsmiljö
    assert_error(named(anna, "arbetsmiljo"), 404, "not_found")
    assert_error(named(karin, "miljo"), 404, "not_found")
    # a handler in both areas must say which
    demo.grant_role("karin", "handlaggare", "ks")
    body = assert_error(client.post(f"{API}/events/{number}/actions", json={"data": TRAINING}, headers=karin),
                        422, "validation_failed")
    assert [e["path"] for e in body["errors"]] == ["area"] and "arbetsmiljo" in body["errors"][0]["message"]
    both = client.post(f"{API}/events/{number}/actions", json={"data": TRAINING, "area": "vard"}, headers=karin)
    assert both.status_code == 201 and [a["area"] for a in both.get_json()["areas"]] == ["vard"]
    linked = client.post(f"{API}/actions/{both.get_json()['id']}/events", headers=karin,
                         json={"event": number, "area": "arbetsmiljo"})
    assert sorted(a["area"] for a in linked.get_json()["areas"]) == ["arbetsmiljo", "vard"]  # one action, two cases
    carry_out_action(client, karin, both.get_json()["id"])

    # the open arbetsmiljö action no longer keeps the vård case open; the vård one does, and is named
    handle_vard(client, auth, number)
    blocked = assert_error(vard_task(client, bertil, number, "signera_avslut", SIGN), 409, "closure_blocked")
    assert blocked["unmet"] == [{
        "id": "atgarder_avslutade", "met": False, "applies": True, "message": blocked["unmet"][0]["message"],
        "actions": [{"id": vard_action["id"], "title": "Dubbelkontroll av doser", "status": "foreslagen",
                     "status_label": "Föreslagen", "owner": "anna"}],
    }]
    assert "Dubbelkontroll av doser" in blocked["message"]
    vard = closure(client, bertil, number, "vard")
    rule = next(r for r in vard["rules"] if r["id"] == "atgarder_avslutade")
    assert [a["id"] for a in rule["actions"]] == [vard_action["id"]]
    arbetsmiljo = closure(client, karin, number, "arbetsmiljo")
    rule = next(r for r in arbetsmiljo["rules"] if r["id"] == "atgarder_avslutade")
    assert [(a["id"], a["owner"]) for a in rule["actions"]] == [(am_action["id"], "karin")]
    carry_out_action(client, anna, vard_action["id"])
    closed = vard_task(client, bertil, number, "signera_avslut", SIGN)
    assert closed.status_code == 200 and closed.get_json()["case"]["status"] == "closed"
    assert closure(client, karin, number, "arbetsmiljo")["status"] != "closed"


def test_effect_evaluation_records_a_result_and_ej_effektiv_proposes_a_follow_up(
    client: Any, auth: Any, report: dict[str, Any]
) -> None:
    anna = auth("anna")
    number = submit(client, auth("eva"), report)["number"]
    action = add_action(client, anna, number, DOUBLE_CHECK)
    carry_out_action(client, anna, action["id"])
    body = assert_error(transition(client, anna, action["id"], to="effekt_utvarderad"), 422, "validation_failed")
    assert [e["path"] for e in body["errors"]] == ["result"]
    assert_error(transition(client, anna, action["id"], to="effekt_utvarderad", result="ej_effektiv"),
                 422, "motivation_required")
    evaluated = transition(client, anna, action["id"], to="effekt_utvarderad", result="ej_effektiv",
                           note="Fel dos igen vecka 49; kontrollen hoppas över nattetid.")
    assert evaluated.status_code == 200, evaluated.get_json()
    view = evaluated.get_json()
    assert view["status"] == "effekt_utvarderad"
    assert view["effect"] == {"result": "ej_effektiv", "result_label": "Ej effektiv",
                              "note": "Fel dos igen vecka 49; kontrollen hoppas över nattetid."}
    follow_up = view["follow_up"]
    assert (follow_up["status"], follow_up["owner"], follow_up["follow_up_of"]) == ("foreslagen", "anna",
                                                                                     action["id"])
    assert follow_up["title"] == "Uppföljning: Dubbelkontroll av doser"
    assert [a["area"] for a in follow_up["areas"]] == ["vard"]
    # the proposal is a real action of the case: it holds up closure until someone decides on it
    rule = next(r for r in closure(client, anna, number, "vard")["rules"] if r["id"] == "atgarder_avslutade")
    assert [a["id"] for a in rule["actions"]] == [follow_up["id"]]
    again = client.get(f"{API}/actions/{action['id']}", headers=anna).get_json()
    assert again["effect"]["result"] == "ej_effektiv" and "follow_up" not in again

    other = add_action(client, anna, number, DOUBLE_CHECK)
    carry_out_action(client, anna, other["id"])
    assert_error(transition(client, anna, other["id"], to="pagar", result="effektiv"), 409, "illegal_transition")
    good = transition(client, anna, other["id"], to="effekt_utvarderad", result="effektiv").get_json()
    assert good["effect"]["result_label"] == "Effektiv" and "follow_up" not in good


def test_a_closed_case_freezes_its_actions_and_a_closed_event_takes_no_new_ones(
    client: Any, auth: Any, report: dict[str, Any]
) -> None:
    anna, bertil = auth("anna"), auth("bertil")
    number = submit(client, auth("eva"), report)["number"]
    action = add_action(client, anna, number, DOUBLE_CHECK)
    carry_out_action(client, anna, action["id"])
    handle_vard(client, auth, number)
    assert done(client, bertil, number, "signera_avslut", SIGN)["event_status"] == "closed"
    assert_error(transition(client, anna, action["id"], to="effekt_utvarderad", result="effektiv"),
                 409, "case_closed")
    assert_error(client.post(f"{API}/events/{number}/actions", json={"data": DOUBLE_CHECK}, headers=anna),
                 409, "event_closed")
    other = submit(client, auth("eva"), report)["number"]
    moved = add_action(client, anna, other, DOUBLE_CHECK)
    assert_error(client.post(f"{API}/actions/{moved['id']}/events", json={"event": number}, headers=anna),
                 409, "event_closed")


def test_a_role_with_the_right_reopens_a_closed_case_with_a_reason_and_it_closes_again(
    client: Any, auth: Any, report: dict[str, Any]
) -> None:
    anna, bertil = auth("anna"), auth("bertil")
    number = submit(client, auth("eva"), report)["number"]
    handle_vard(client, auth, number)
    done(client, bertil, number, "signera_avslut", SIGN)

    def reopen(headers: dict[str, str], **body: Any) -> Any:
        return client.post(f"{API}/events/{number}/reopen", json=body, headers=headers)

    assert_error(reopen(anna, reason="Ny information"), 403, "forbidden")  # handläggare may not (area.yaml)
    assert_error(reopen(auth("david"), reason="Ny information"), 404, "not_found")
    assert_error(reopen(bertil), 422, "validation_failed")
    body = assert_error(reopen(bertil, reason="  "), 422, "validation_failed")
    assert [e["path"] for e in body["errors"]] == ["reason"]
    body = assert_error(reopen(bertil, reason="Ny information", area="miljo"), 422, "validation_failed")
    assert [e["path"] for e in body["errors"]] == ["area"]
    reopened = reopen(bertil, reason="Patienten har hört av sig med ny information.")
    assert reopened.status_code == 200, reopened.get_json()
    body = reopened.get_json()
    assert (body["event_status"], body["case"]["status"]) == ("in_progress", "in_progress")
    assert [t["spec_name"] for t in body["next_tasks"]] == ["signera_avslut"]
    assert_error(reopen(bertil, reason="Igen"), 409, "conflict")  # it is open now

    # open again: it takes new actions, and closes again only when they are done
    action = add_action(client, anna, number, DOUBLE_CHECK)
    assert_error(complete_vard_signing(client, bertil, number), 409, "closure_blocked")
    carry_out_action(client, anna, action["id"])
    closed = complete_vard_signing(client, bertil, number)
    assert closed.status_code == 200 and closed.get_json()["event_status"] == "closed"
    log = client.get(f"{API}/audit?event={number}", headers=auth("revisor")).get_json()["changes"]
    reopen_rows = [c for c in log if c["operation"] == "reopen"]
    assert [(r["actor"], r["after"]["reason"]) for r in reopen_rows] == [
        ("bertil", "Patienten har hört av sig med ny information.")]
    history = event(client, bertil, number)["task_history"]
    assert [t["outcome"] for t in history if t["spec_name"] == "signera_avslut"] == ["completed"]


def complete_vard_signing(client: Any, headers: dict[str, str], number: str) -> Any:
    return vard_task(client, headers, number, "signera_avslut", SIGN)
