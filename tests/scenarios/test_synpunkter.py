"""Complaints (synpunkter och klagomål) through the HTTP API, walked to their end: the public form without a
token, a receipt code and secret to follow the case and read the answer, the unit the complaint concerns
contributing, a patient-safety event reported and linked, the answer clock running from receipt."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from engine import Engine

from ..http import API, advance, assert_error, complete, done, error_paths, event, open_specs, unmet

COMPLAINT = {"rubrik": "Ingen tog hand om min mamma", "beskrivning": "Mamma låg sex timmar utan smärtlindring.",
             "handelsetyp": "klagomal", "relation": "narstaende", "hande_tid": "2026-11-20",
             "epost": "dotter@example.se"}
CONFIRMED = {"bekraftelse": {"status": "skickad", "datum": "2026-11-21"}}
INVESTIGATED = {"klagomalsutredning": {"kategori": "vard_och_behandling", "sekretessprovning": True,
                                       "sammanfattning": "Smärtlindringen ordinerades men gavs inte.",
                                       "berord_enhet": "ks-akut", "patientsakerhetshandelse": True}}
STATEMENT = {"yttrande": {"text": "Ordinationen missades vid skiftbytet.", "datum": "2026-11-25"}}
ANSWER = {"svar": {"status": "skickat", "forklaring": "Ordinationen missades vid ett skiftbyte.",
                   "atgarder": "Överrapporteringen har fått en kontrollpunkt för smärtlindring.",
                   "datum": "2026-11-28", "informerad_om_patientnamnd_och_ivo": True}}
SIGN = {"avslut": {"lardomar": "Kontrollpunkt vid överrapportering."}}


def follow(client: Any, receipt: str, secret: str, address: str = "127.0.0.1") -> Any:
    """GET the public status with the secret in its header, from a client address (rate limits are per address)."""
    return client.get(f"{API}/public/feedback/{receipt}", headers={"X-Avvik-Secret": secret},
                      environ_base={"REMOTE_ADDR": address})


def worklist_task(client: Any, headers: dict[str, str], number: str, spec: str) -> dict[str, Any]:
    tasks = client.get(f"{API}/tasks", headers=headers).get_json()
    return next(t for t in tasks if t["event_number"] == number and t["spec_name"] == spec)


def test_a_complaint_is_followed_by_receipt_handled_with_the_unit_and_answered_to_its_end(
    client: Any, auth: Any, demo: Engine
) -> None:
    klara, bertil, greta, anna = auth("klara"), auth("bertil"), auth("greta"), auth("anna")
    form = client.get(f"{API}/forms/feedback")  # the public e-service reads its form without a token
    assert form.status_code == 200 and "relation" in form.get_json()["schema"]["properties"]

    sent = client.post(f"{API}/public/rs/feedback", json={"data": COMPLAINT}).get_json()
    receipt, secret = sent["receipt"], sent["secret"]
    assert not receipt.startswith("AVV-") and len(secret) >= 24
    assert_error(follow(client, receipt, "fel-lösenord"), 404, "not_found")
    assert_error(client.get(f"{API}/public/feedback/{receipt}"), 404, "not_found")
    assert_error(follow(client, "K-AAAA-BBBB-CCCC", secret, address="192.0.2.7"), 404, "not_found")
    status = client.get(f"{API}/public/feedback/{receipt}?secret={secret}").get_json()
    assert status["status_label"] == "Inskickad" and status["answer"] is None

    [confirm] = client.get(f"{API}/tasks", headers=klara).get_json()
    number = confirm["event_number"]
    assert advance(client, klara, number, "bekrafta", CONFIRMED) == ["utred"]
    for unit in ("finns-inte", "rg-akut"):
        bad = {"klagomalsutredning": {**INVESTIGATED["klagomalsutredning"], "berord_enhet": unit}}
        assert error_paths(complete(client, klara, number, "utred", bad)) == {"klagomalsutredning/berord_enhet"}

    # The unit concerned contributes; a patient-safety event is reported there and linked to the complaint.
    assert advance(client, klara, number, "utred", INVESTIGATED) == ["yttrande"]
    view = event(client, klara, number)
    vard = view["case_data"]["synpunkter"]["klagomalsutredning"]["kopplad_handelse"]
    assert [(x["type"], x["number"]) for x in view["links"]] == [("complaint_about", vard)]
    reported = event(client, anna, vard)
    assert [a["area"] for a in reported["areas"]] == ["vard"] and reported["unit_id"] == "ks-akut"
    assert open_specs(client, anna, vard) == ["triage"] and reported["title"].startswith(f"Klagomål {number}")
    assert reported["links"] == []  # anna may not see the complaint itself
    assert "dotter@example.se" not in str(reported["report"])

    statement = worklist_task(client, bertil, number, "yttrande")
    assert statement["unit_id"] == "ks-akut"
    assert [t["spec_name"] for t in client.get(f"{API}/tasks", headers=greta).get_json()] == []
    assert "yttrande_lamnat" in unmet(client, klara, number, "synpunkter")
    stated = client.post(f"{API}/tasks/{statement['id']}/complete", json={"data": STATEMENT}, headers=bertil)
    assert stated.status_code == 200, stated.get_json()
    [answer_task] = stated.get_json()["next_tasks"]
    received = datetime.fromisoformat(status["received_at"])
    assert datetime.fromisoformat(answer_task["due_at"]) - received == timedelta(days=28)  # from receipt

    assert not [r for r in demo.outbox_list(limit=1000) if r["kind"] == "complaint_answered"]
    assert advance(client, klara, number, "besvara", ANSWER) == ["signera_avslut"]
    # the complainant gave an address: a mail (no login) with the receipt code and the follow page, never the
    # secret, nor the answer itself (it is read on the page, with the secret)
    [mail] = [r for r in demo.outbox_list(limit=1000) if r["kind"] == "complaint_answered"]
    assert (mail["user_id"], mail["event_number"], mail["link"]) == (None, number, "/synpunkter/folj")
    assert receipt in mail["body"] and "http://localhost:8000/synpunkter/folj" in mail["body"]
    assert secret not in mail["body"] and ANSWER["svar"]["forklaring"] not in mail["body"]
    assert unmet(client, greta, number, "synpunkter") == []
    closed = done(client, greta, number, "signera_avslut", SIGN)
    assert closed["event_status"] == "closed"
    followed = follow(client, receipt, secret, address="192.0.2.7").get_json()  # days later, from home
    assert followed["status_label"] == "Avslutad"
    assert followed["answer"] == {"explanation": ANSWER["svar"]["forklaring"],
                                  "measures": ANSWER["svar"]["atgarder"], "date": "2026-11-28"}


def test_following_a_receipt_is_rate_limited(client: Any) -> None:
    receipt = client.post(f"{API}/public/rs/feedback", json={"data": COMPLAINT}).get_json()["receipt"]
    for _ in range(3):  # the test app allows three per window
        assert_error(follow(client, receipt, "gissning"), 404, "not_found")
    assert_error(follow(client, receipt, "gissning"), 429, "rate_limited")
