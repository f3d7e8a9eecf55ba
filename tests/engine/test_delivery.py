"""Delivery of the outbox by the worker to a real SMTP server on loopback (aiosmtpd): what arrives, retries with
backoff, dead letters, a stable Message-ID across a crash, workers sharing the work, and the CLI."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

import pytest
from click.testing import CliRunner

from engine import Engine
from server.cli import main
from engine.delivery.settings import DeliverySettings
from engine.delivery.smtp import SmtpTransport, transport_from_url
from engine.outbox import RetryPolicy
from engine.store import outbox as outbox_store

from ..smtp import Sink, html, smtp_sink, text  # noqa: F401 (a fixture)
from .test_notifications import PERSONNUMMER, SERIOUS_WORK_INCIDENT
from .test_vard_case import ACCEPT, CLASSIFY_SERIOUS

PUBLIC_URL = "https://avvik.region.example"


def _settings(url: str, policy: RetryPolicy | None = None) -> DeliverySettings:
    return DeliverySettings(transport_from_url(url), PUBLIC_URL, "avvik <noreply@avvik.region.example>",
                            policy or RetryPolicy())


class Clock:
    def __init__(self, engine: Engine) -> None:
        self.now: datetime = engine.clock()

    def __call__(self) -> datetime:
        return self.now


def test_the_worker_mails_the_arbetsmiljo_roles_with_number_title_and_a_working_link(
    demo: Engine, smtp_sink: tuple[Sink, str], database_url: str
) -> None:
    sink, url = smtp_sink
    demo.public_url = PUBLIC_URL  # what AVVIK_PUBLIC_URL sets for the server that writes the notifications
    number = demo.report_event("eva", "ks-avd12", SERIOUS_WORK_INCIDENT)["number"]
    result = CliRunner().invoke(main, ["worker", "--once"], env={
        "AVVIK_DATABASE_URL": database_url, "AVVIK_SMTP_URL": url, "AVVIK_PUBLIC_URL": PUBLIC_URL})
    assert result.exit_code == 0, result.output
    assert "4 skickade" in result.output
    assert sorted(m["To"] for m in sink.received) == [
        "Hanna HR arbetsmiljö <hanna@demo.avvik.example>", "Karin Chef <karin@demo.avvik.example>",
        "Sven Skyddsombud <sven@demo.avvik.example>", "Sven Skyddsombud <sven@demo.avvik.example>"]
    for message in sink.received:
        assert message["Subject"].endswith(f"{number} · {SERIOUS_WORK_INCIDENT['rubrik']}")
        assert message["Message-ID"].startswith("<notification-") and message["Message-ID"].endswith(
            "@avvik.region.example>")
        body, markup = text(message), html(message)
        path = body.split(f"Öppna i avvik: {PUBLIC_URL}")[1].split()[0]
        assert f'href="{PUBLIC_URL}{path}"' in markup and number in markup
        user = message["To"].split("<")[1].split("@")[0]
        if path.startswith("/uppgifter/"):  # the task in the person's worklist
            assert path.removeprefix("/uppgifter/") in {t["id"] for t in demo.worklist(user)}
        else:  # informed by the area's rule: the event, which they may read
            assert path == f"/handelser/{number}" and demo.get_event(number, user)["title"]
    assert {r["status"] for r in demo.outbox_list()} == {"sent"}
    assert sink.received and CliRunner().invoke(main, ["worker", "--once"], env={
        "AVVIK_DATABASE_URL": database_url, "AVVIK_SMTP_URL": url}).exit_code == 0
    assert len(sink.received) == 4  # sent once


def test_no_mail_holds_a_protected_value(
    demo: Engine, casework: Any, report: dict[str, Any], smtp_sink: tuple[Sink, str]
) -> None:
    sink, url = smtp_sink
    number = demo.report_event("eva", "ks-akut", {**report, "rubrik": f"Fel dos, pnr {PERSONNUMMER}"})["number"]
    casework.complete(number, "triage", ACCEPT)
    casework.complete(number, "klassificering", CLASSIFY_SERIOUS)
    assert demo.deliver_notifications(_settings(url))["sent"] >= 3
    read = "\n".join(sink.texts())
    assert number in read and "Öppna i avvik" in read  # the check below reads decoded text, not encoded bytes
    for variant in (PERSONNUMMER, PERSONNUMMER.replace("-", ""), PERSONNUMMER[2:]):
        assert variant not in read and variant.encode() not in b"".join(sink.raw)


def test_a_failing_server_is_retried_with_backoff_then_dead_lettered_and_retried_by_hand(
    demo: Engine, report: dict[str, Any], smtp_sink: tuple[Sink, str], database_url: str
) -> None:
    sink, url = smtp_sink
    demo.report_event("eva", "ks-akut", report)  # the triage task: one mail to anna
    clock = Clock(demo)
    worker = Engine(demo.db, clock=clock)
    policy = RetryPolicy(max_attempts=3, backoff=timedelta(minutes=1))
    sink.failing = True
    assert worker.deliver_notifications(_settings(url, policy)) == {"sent": 0, "failed": 1, "skipped": 0}
    [row] = demo.outbox_list()
    assert row["status"] == "pending" and row["attempts"] == 1 and "451" in row["last_error"]
    assert worker.deliver_notifications(_settings(url, policy))["failed"] == 0  # not due before the backoff
    clock.now += timedelta(seconds=61)
    assert worker.deliver_notifications(_settings(url, policy))["failed"] == 1
    clock.now += timedelta(seconds=61)
    assert worker.deliver_notifications(_settings(url, policy))["failed"] == 0  # the second wait is 2 minutes
    clock.now += timedelta(seconds=60)
    assert worker.deliver_notifications(_settings(url, policy))["failed"] == 1
    [row] = demo.outbox_list()
    assert (row["status"], row["attempts"]) == ("dead", 3)
    env = {"AVVIK_DATABASE_URL": database_url}
    listed = CliRunner().invoke(main, ["outbox", "list", "--status", "dead"], env=env)
    assert listed.exit_code == 0 and f"{row['id']}\tdead\t3\tanna\ttask_created" in listed.output
    sink.failing = False
    retried = CliRunner().invoke(main, ["outbox", "retry", str(row["id"])], env=env)
    assert retried.exit_code == 0, retried.output
    assert worker.deliver_notifications(_settings(url, policy))["sent"] == 1
    assert [m["To"] for m in sink.received] == ["Anna Handläggare <anna@demo.avvik.example>"]
    assert CliRunner().invoke(main, ["outbox", "retry", "999999"], env=env).exit_code == 2


def test_a_worker_dying_between_send_and_commit_sends_one_duplicate_with_the_same_message_id(
    demo: Engine, report: dict[str, Any], smtp_sink: tuple[Sink, str]
) -> None:
    sink, url = smtp_sink
    demo.report_event("eva", "ks-akut", report)
    clock = Clock(demo)
    worker = Engine(demo.db, clock=clock)
    settings = _settings(url)
    # the first worker claims and sends, then dies before it records the outcome
    from engine.delivery.mail import compose

    claimed = worker._claim_notifications(10, settings.policy)
    assert settings.transport.send([compose(i, settings.sender, PUBLIC_URL) for i in claimed]) == [None]
    assert worker.deliver_notifications(settings)["sent"] == 0  # leased: nobody sends it meanwhile
    clock.now += settings.policy.lease + timedelta(seconds=1)
    assert worker.deliver_notifications(settings)["sent"] == 1
    assert worker.deliver_notifications(settings)["sent"] == 0
    assert len(sink.received) == 2 and sink.received[0]["Message-ID"] == sink.received[1]["Message-ID"]


def test_workers_claim_disjoint_notifications(demo: Engine, report: dict[str, Any]) -> None:
    for _ in range(3):
        demo.report_event("eva", "ks-akut", report)
    first = Engine(demo.db)._claim_notifications(2, RetryPolicy())
    second = Engine(demo.db)._claim_notifications(10, RetryPolicy())
    assert len(first) == 2 and len(second) == 1
    assert not {i.ids for i in first} & {i.ids for i in second}


def test_a_person_without_an_address_is_skipped_but_still_sees_it_in_the_app(
    demo: Engine, report: dict[str, Any], smtp_sink: tuple[Sink, str]
) -> None:
    sink, url = smtp_sink
    demo.add_user("alice", "Alice Utan Adress")
    demo.grant_role("alice", "handlaggare", "ks")
    demo.report_event("eva", "ks-akut", report)
    assert demo.deliver_notifications(_settings(url)) == {"sent": 1, "failed": 0, "skipped": 1}
    assert [m["To"] for m in sink.received] == ["Anna Handläggare <anna@demo.avvik.example>"]
    assert demo.my_notifications("alice")["unread"] == 1


def test_the_smtp_url_names_tls_starttls_and_credentials() -> None:
    assert transport_from_url("smtps://u%40x:p%3Ass@mail.example") == SmtpTransport(
        "mail.example", 465, tls=True, user="u@x", password="p:ss")
    assert transport_from_url("smtp://mail.example:587?starttls=1") == SmtpTransport(
        "mail.example", 587, starttls=True)
    for bad in ("http://mail.example", "smtp://"):
        try:
            transport_from_url(bad)
        except ValueError as exc:
            assert "AVVIK_SMTP_URL" in str(exc)
        else:
            raise AssertionError(bad)


def test_e_mail_turned_off_for_a_kind_is_skipped_and_still_in_the_app(
    demo: Engine, report: dict[str, Any], smtp_sink: tuple[Sink, str]
) -> None:
    sink, url = smtp_sink
    demo.set_notification_setting("anna", "task_created", "off")
    demo.report_event("eva", "ks-akut", report)
    assert demo.deliver_notifications(_settings(url)) == {"sent": 0, "failed": 0, "skipped": 1}
    assert sink.received == [] and demo.my_notifications("anna")["unread"] == 1
    demo.set_notification_setting("anna", "task_created", "immediate")
    demo.report_event("eva", "ks-akut", report)
    assert demo.deliver_notifications(_settings(url))["sent"] == 1


def test_concurrent_workers_on_postgresql_skip_the_rows_another_is_claiming(
    demo: Engine, report: dict[str, Any]
) -> None:
    if demo.db.dialect != "postgresql":
        pytest.skip("SKIP LOCKED is PostgreSQL's; on SQLite one worker delivers")
    for _ in range(3):
        demo.report_event("eva", "ks-akut", report)
    now = demo.clock()
    with demo.db.transaction() as session:  # a worker in the middle of its claim, rows locked, nothing committed
        held = outbox_store.claim(session, now, now + timedelta(minutes=5), 2)
        other = Engine(demo.db)._claim_notifications(10, RetryPolicy())  # does not wait for the first
        assert len(held) == 2 and [i.ids[0] for i in other] == sorted(
            {r["id"] for r in demo.outbox_list()} - {row.id for row, _, _ in held})


def _digest_time(demo: Engine) -> datetime:
    days = {r["digest_on"] for r in demo.outbox_list(limit=1000) if r["digest_on"]}
    assert len(days) == 1
    return datetime.fromisoformat(f"{days.pop()}T06:00:00+00:00")


def test_a_daily_digest_is_one_mail_per_person_and_day_with_a_stable_message_id(
    demo: Engine, casework: Any, report: dict[str, Any], smtp_sink: tuple[Sink, str]
) -> None:
    sink, url = smtp_sink
    demo.set_notification_setting("anna", "task_created", "digest")
    number = demo.report_event("eva", "ks-akut", report)["number"]
    casework.complete(number, "triage", ACCEPT)
    casework.complete(number, "klassificering", CLASSIFY_SERIOUS)  # opens the lex Maria assessment
    # vård's rule (processes/vard/notifications.yaml): the verksamhetschef learns of the lex Maria assessment in
    # the digest; the patientsäkerhetssamordnare who makes it, at once
    [bertil] = [r for r in demo.outbox_list(limit=1000) if r["user_id"] == "bertil"]
    assert bertil["subject"] == f"Lex Maria-bedömning: {number} · {report['rubrik']}" and bertil["digest_on"]
    assert bertil["link"] == f"/handelser/{number}"
    clock = Clock(demo)
    worker = Engine(demo.db, clock=clock)
    assert worker.deliver_notifications(_settings(url))["sent"] == 1  # cecilia's, now
    assert [m["To"].split(" <")[0] for m in sink.received] == ["Cecilia Patientsäkerhet"]
    clock.now = _digest_time(demo) + timedelta(minutes=1)
    settings = _settings(url)
    from engine.delivery.mail import compose

    claimed = worker._claim_notifications(50, settings.policy)  # a worker that dies after sending the digests
    assert sorted((i.name, len(i.ids)) for i in claimed) == [("Anna Handläggare", 2), ("Bertil Verksamhetschef", 1)]
    settings.transport.send([compose(i, settings.sender, PUBLIC_URL) for i in claimed])
    clock.now += settings.policy.lease + timedelta(seconds=1)
    assert worker.deliver_notifications(settings) == {"sent": 2, "failed": 0, "skipped": 0}
    assert worker.deliver_notifications(settings)["sent"] == 0
    digests = [m for m in sink.received if m["Message-ID"].startswith("<digest-")]
    assert len(digests) == 4 and len({m["Message-ID"] for m in digests}) == 2  # each sent once more, same id
    anna = next(m for m in digests if m["To"].startswith("Anna"))
    assert anna["Subject"].startswith("avvik: 2 notiser ") and text(anna).count(f"{number} · ") == 2
    assert "http://localhost:8000/uppgifter/" in text(anna) and 'href="http://localhost:8000/uppgifter/' in html(anna)
    assert {r["status"] for r in demo.outbox_list(limit=1000)} == {"sent"}


def test_a_complaint_answer_is_mailed_to_the_address_the_complainant_gave(
    demo: Engine, casework: Any, smtp_sink: tuple[Sink, str]
) -> None:
    from ..scenarios.test_synpunkter import ANSWER, CONFIRMED, INVESTIGATED

    sink, url = smtp_sink
    sent = demo.submit_public_feedback("rs", {
        "rubrik": "Lång väntetid", "beskrivning": "Sex timmar.", "handelsetyp": "klagomal", "relation": "patient",
        "patient_personnummer": PERSONNUMMER, "epost": "klagande@example.se"})
    number = demo.worklist("klara")[0]["event_number"]
    casework.complete(number, "bekrafta", CONFIRMED, user="klara")
    investigated = {"klagomalsutredning": {k: v for k, v in INVESTIGATED["klagomalsutredning"].items()
                                           if k not in ("berord_enhet", "patientsakerhetshandelse")}}
    casework.complete(number, "utred", investigated, user="klara")
    casework.complete(number, "besvara", ANSWER, user="klara")
    demo.deliver_notifications(_settings(url))
    [mail] = [m for m in sink.received if m["To"] == "klagande@example.se"]
    assert mail["Subject"] == f"{number} · Lång väntetid" and mail["Message-ID"].startswith("<notification-")
    assert sent["receipt"] in text(mail) and "/synpunkter/folj" in text(mail) and sent["receipt"] in html(mail)
    raw = b"".join(sink.raw)
    for secret_or_protected in (sent["secret"], PERSONNUMMER, PERSONNUMMER.replace("-", "")):
        assert secret_or_protected.encode() not in raw and secret_or_protected not in "\n".join(sink.texts())
