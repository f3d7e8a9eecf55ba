"""Notifications in the browser: the unread count in the header, the list (unread first) that marks one read and
opens its case, the choice per kind, and the systemförvaltare's outbox with a retry."""

from __future__ import annotations

from typing import Any
from collections.abc import Callable

from playwright.sync_api import expect

from engine import Engine

from ..engine.test_notifications import SERIOUS_WORK_INCIDENT


def test_a_skyddsombud_sees_the_serious_incident_opens_it_and_chooses_a_digest(
    open_page: Callable[..., Any], axe_violations: Callable[[Any], list[Any]], demo: Engine
) -> None:
    number = demo.report_event("eva", "ks-avd12", SERIOUS_WORK_INCIDENT)["number"]
    sven = open_page("sven")
    sven.goto("/")
    bell = sven.get_by_role("banner").get_by_role("link", name="Notiser")
    expect(bell).to_contain_text("2 olästa")
    bell.click()
    expect(sven.get_by_role("heading", level=1)).to_have_text("Notiser")
    serious = sven.get_by_role("link", name=f"Allvarlig arbetsskada: {number} · {SERIOUS_WORK_INCIDENT['rubrik']}")
    expect(serious).to_be_visible()
    assert axe_violations(sven) == []
    own_task = sven.get_by_role("link", name=f"{number} · {SERIOUS_WORK_INCIDENT['rubrik']}", exact=True)
    sven.locator(".notification-list li", has=own_task).get_by_role("button", name="Markera som läst").click()
    expect(bell).to_contain_text("1 oläst")
    # the read one moves below the unread one when the list is read again
    sven.reload()
    items = sven.locator(".notification-list li")
    expect(items.first).to_contain_text("Allvarlig arbetsskada")
    serious.click()  # marks it read and opens the event it is about
    expect(sven).to_have_url(f"{sven.url.split('/notiser')[0]}/handelser/{number}")
    expect(sven.get_by_role("heading", level=1)).to_contain_text(SERIOUS_WORK_INCIDENT["rubrik"])
    expect(bell).not_to_contain_text("oläst")

    sven.goto("/notiser")
    sven.get_by_role("link", name="Välj hur du får notiser").click()
    expect(sven.get_by_label("Tidsfristen har passerat")).to_be_disabled()  # deadlines always come at once
    sven.get_by_label("Ny uppgift").select_option(label="Daglig sammanställning")
    expect(sven.get_by_text("Sparat.")).to_be_visible()
    assert axe_violations(sven) == []
    assert {s["kind"]: s["delivery"] for s in demo.notification_settings("sven")}["task_created"] == "digest"


def test_the_systemforvaltare_retries_a_dead_notification_in_the_outbox(
    open_page: Callable[..., Any], axe_violations: Callable[[Any], list[Any]], demo: Engine,
    report: dict[str, Any]
) -> None:
    number = demo.report_event("eva", "ks-akut", report)["number"]
    with demo.db.transaction() as session:  # the worker gave up on anna's mail
        from engine.store.models import Notification

        session.query(Notification).filter_by(event_number=number).update({"status": "dead", "last_error": "550"})
    ivar = open_page("ivar")
    ivar.goto("/")
    ivar.get_by_role("link", name="Utkorg").click()
    ivar.get_by_label("Status").select_option(label="Misslyckad")
    ivar.get_by_role("button", name="Visa").click()
    row = ivar.get_by_role("row", name=f"{number} · {report['rubrik']}")
    expect(row).to_contain_text("Misslyckad")
    expect(row).to_contain_text("anna")
    assert axe_violations(ivar) == []
    row.get_by_role("button", name="Skicka igen").click()
    expect(ivar.get_by_text("Läggs i kö igen.")).to_be_visible()
    expect(row).to_contain_text("Väntar")
    assert {r["status"] for r in demo.outbox_list() if r["event_number"] == number} == {"pending"}
