"""The authorization matrix (authz_matrix.yaml) run against the app: every endpoint × persona gets exactly the
expected status, and no answer carries an identifier or an event a persona may not see."""

from __future__ import annotations

import io
import re
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
import yaml
from sqlalchemy import select, update

from engine import Engine
from engine.store.models import ApiToken, AreaCase, Decision, Event
from engine.store.types import utcnow
from server.app import create_app
from server.config import Settings

from ..conftest import DEFINITIONS
from ..engine.test_vard_case import ACCEPT
from ..http import API, done, open_task, submit
from ..scenarios.test_arbetsmiljo import NEEDLE_STICK, classification
from .test_releases_bindings import zipped

MATRIX = yaml.safe_load((Path(__file__).parent / "authz_matrix.yaml").read_text())
UNAUTHENTICATED = ("anonymous", "expired", "revoked")
PHOTO = b"\x89PNG\r\n\x1a\n" + b"\x00\x00\x00\rIHDR" + b"\x00" * 40
PATIENT, EMPLOYEE = "19121212-1212", "19850101-1234"
CLASSIFIED = {"kategori": "lakemedel", "vardskada": "nej", "patient": {"personnummer": PATIENT},
              "riskbedomning": {"konsekvens_faktisk": 1, "konsekvens_potentiell": 2, "sannolikhet": 1}}


def expected(entry: dict[str, Any], persona: str) -> int:
    table = entry["expect"]
    if persona in table:
        return int(table[persona])
    return int(MATRIX["unauthenticated"] if persona in UNAUTHENTICATED else table["all"])


def _openapi_operations(client: Any) -> set[str]:
    paths = client.get(f"{API}/openapi.json").get_json()["paths"]
    # Flask converters (<int:x>) and OpenAPI templates ({x}) name the same endpoint
    converter = re.compile(r"<(?:[^:>]+:)?([^>]+)>")
    return {method.upper() + " " + converter.sub(r"{\1}", path) for path, operations in paths.items()
            for method in operations}


def test_the_matrix_covers_every_endpoint_of_the_openapi_document(client: Any) -> None:
    operations = _openapi_operations(client)
    assert sorted(operations - set(MATRIX["endpoints"])) == [], "endpoints missing in authz_matrix.yaml"
    assert sorted(set(MATRIX["endpoints"]) - operations) == [], "matrix entries for endpoints that do not exist"


@pytest.fixture
def world(demo: Engine, published: dict[str, Any]) -> dict[str, Any]:
    """The event, task, action and configuration the matrix acts on, and a token per persona."""
    app = create_app(Settings(database_url=demo.db.url, public_rate_limit=1000), engine=demo)
    client = app.test_client()
    demo.add_user("olle", "Olle Rapportör")
    tokens = {p: demo.create_token(p) for p in MATRIX["personas"] if p not in UNAUTHENTICATED}
    tokens["expired"] = demo.create_token("anna", expires_at=utcnow() - timedelta(days=1))
    tokens["revoked"] = demo.create_token("anna", label="återkallad")
    with demo.db.transaction() as session:
        session.execute(update(ApiToken).where(ApiToken.label == "återkallad").values(revoked_at=utcnow()))
    headers = {p: {"Authorization": f"Bearer {t}"} for p, t in tokens.items()}
    number = submit(client, headers["eva"], {
        "rubrik": "Fel läkemedel gavs", "beskrivning": "Fel dos.", "hande_tid": "2026-11-20T14:30:00+01:00",
        "handelsetyp": "negativ_handelse", "drabbade": ["patient"]})["number"]
    done(client, headers["anna"], number, "triage", ACCEPT)
    done(client, headers["anna"], number, "klassificering", CLASSIFIED)
    task = open_task(client, headers["anna"], number, "utredning")["id"]
    with demo.db.transaction() as session:  # a decision as the lex Maria task records it (vård's case on {number})
        case = session.scalars(select(AreaCase).join(Event).where(Event.number == number)).one()
        decision = Decision(area_case_id=case.id, event_id=case.event_id, kind="lex_maria", value="ja",
                            reference="Kvitto 1", decided_by="anna")
        session.add(decision)
        session.flush()
        decision_id = str(decision.id)
    action = client.post(f"{API}/events/{number}/actions", headers=headers["anna"],
                         json={"data": {"titel": "Dubbelkontroll", "typ": "korrigerande", "ansvarig": "anna"}})
    am_number = submit(client, headers["eva"], NEEDLE_STICK, unit="ks-avd12")["number"]
    done(client, headers["karin"], am_number, "klassificering",
         classification("medarbetare", "lindrig", am_typ="stickskada"))
    demo.set_binding("ks-avd12", "vard", published["hash"], "standard", "petra")
    demo.set_overlay("ks-avd12", "vard", "sla_triage", "P2D", "petra")
    notification = str(demo.my_notifications("anna")["items"][0]["id"])
    soon = utcnow() + timedelta(days=30)
    deputyship = demo.name_deputy("anna", "olof", "handlaggare", "ks", soon, soon + timedelta(days=7), "anna")["id"]
    values = {"deputyship": str(deputyship), "number": number, "am_number": am_number, "task": task,
              "action": str(action.get_json()["id"]),
              "release": published["hash"], "notification": notification,
              "decision": decision_id}
    return {"client": client, "headers": headers, "values": values}


def _fill(value: Any, values: dict[str, str]) -> Any:
    if isinstance(value, str):
        return re.sub(r"\{(\w+)\}", lambda m: values.get(m.group(1), m.group(0)), value)
    if isinstance(value, dict):
        return {k: _fill(v, values) for k, v in value.items()}
    if isinstance(value, list):
        return [_fill(v, values) for v in value]
    return value


@pytest.mark.parametrize("operation", sorted(MATRIX["endpoints"]))
def test_every_persona_gets_the_expected_status_and_nothing_it_may_not_see(
    operation: str, world: dict[str, Any]
) -> None:
    entry = MATRIX["endpoints"][operation]
    method, template = operation.split(" ", 1)
    path = _fill(entry.get("path", template), world["values"])
    assert "{" not in path, f"{operation}: give a concrete path"
    kwargs: dict[str, Any] = {}
    if "body" in entry:
        kwargs["json"] = _fill(entry["body"], world["values"])
    if entry.get("upload") == "repo":
        kwargs.update(data=zipped(DEFINITIONS), content_type="application/zip")
    # Those refused go first: a persona allowed to change something (claim, complete) changes it last.
    personas = sorted(MATRIX["personas"], key=lambda p: expected(entry, p) < 400)
    failures = []
    for persona in personas:
        if entry.get("upload") == "photo":  # a fresh multipart body each time: the stream is read once
            kwargs.update(data={"file": (io.BytesIO(PHOTO), "bild.png"), "classification": "allman"},
                          content_type="multipart/form-data")
        response = world["client"].open(path, method=method, headers=world["headers"].get(persona, {}), **kwargs)
        body = response.get_data(as_text=True)
        want = expected(entry, persona)
        if response.status_code != want:
            failures.append(f"{persona}: {response.status_code} (expected {want}) {body[:200]}")
        if persona not in entry.get("identifiers", []) and (PATIENT in body or EMPLOYEE in body):
            failures.append(f"{persona}: the answer holds a personnummer")
        if "shows_event" in entry and persona not in entry["shows_event"] and world["values"]["number"] in body:
            failures.append(f"{persona}: the answer holds {world['values']['number']}")
    assert failures == [], f"{operation}:\n" + "\n".join(failures)
