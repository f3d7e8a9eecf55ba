"""The issue's "done when" (#14), as the demo runs it: a serious work incident reported at a unit reaches that
unit's arbetsmiljö roles by e-mail with the event's number and title and a link that works for each of them, and
the reporter gets the feedback message when the case is closed. Over HTTP, the worker as `avvik worker --once`,
a real SMTP server on loopback."""

from __future__ import annotations

from typing import Any

from click.testing import CliRunner

from server.cli import main
from server.web import PAGES

from ..http import API, carry_out_action, done, submit
from ..smtp import Sink, html, smtp_sink, text  # noqa: F401 (a fixture)
from .test_arbetsmiljo import (AV_YES, FALL_FROM_LADDER, FEEDBACK, FK_YES, INVESTIGATION, SIGN, SKYDDSOMBUD_OK,
                               classification, plan_action)


def _worker(database_url: str, smtp_url: str) -> None:
    result = CliRunner().invoke(main, ["worker", "--once"], env={"AVVIK_DATABASE_URL": database_url,
                                                                 "AVVIK_SMTP_URL": smtp_url})
    assert result.exit_code == 0, (result.output, result.exception)


def _follows(client: Any, headers: dict[str, str], link: str) -> bool:
    """The link is a page of the web app whose content the person may read through the API."""
    first = link.strip("/").split("/")[0]
    api = {"uppgifter": "tasks", "handelser": "events"}[first]
    page = client.get(f"{API}/{api}/{link.strip('/').split('/')[1]}", headers=headers)
    return first in PAGES and page.status_code == 200


def test_a_serious_work_incident_reaches_the_units_arbetsmiljo_roles_and_the_reporter_gets_feedback(
    client: Any, auth: Any, database_url: str, smtp_sink: tuple[Sink, str]
) -> None:
    sink, url = smtp_sink
    eva, karin, sven = auth("eva"), auth("karin"), auth("sven")
    number = submit(client, eva, FALL_FROM_LADDER, unit="ks-avd12")["number"]
    _worker(database_url, url)
    told = {m["To"].split("<")[1].split("@")[0] for m in sink.received}
    assert told == {"karin", "sven", "hanna"}  # chef and skyddsombud of Karolinska, HR arbetsmiljö of the region
    for message in sink.received:
        user = message["To"].split("<")[1].split("@")[0]
        assert f"{number} · {FALL_FROM_LADDER['rubrik']}" in str(message["Subject"])
        link = text(message).split("Öppna i avvik: http://localhost:8000")[1].split()[0]
        assert f'href="http://localhost:8000{link}"' in html(message)
        assert _follows(client, auth(user), link), (user, link)

    done(client, karin, number, "av_bedomning", AV_YES)
    done(client, karin, number, "klassificering", classification("medarbetare", "allvarlig"))
    done(client, karin, number, "fk_anmalan", FK_YES)
    done(client, karin, number, "utredning", INVESTIGATION)
    done(client, karin, number, "aterkoppling", FEEDBACK)
    done(client, sven, number, "skyddsombud_informeras", SKYDDSOMBUD_OK)
    carry_out_action(client, karin, plan_action(client, karin, number)["id"])
    assert done(client, karin, number, "signera_avslut", SIGN)["event_status"] == "closed"
    _worker(database_url, url)
    [feedback] = [m for m in sink.received if "eva@demo.avvik.example" in str(m["To"])]
    assert str(feedback["Subject"]) == f"{number} · {FALL_FROM_LADDER['rubrik']}"
    body = text(feedback)
    assert "Du har fått återkoppling" in body and FEEDBACK["aterkoppling"]["text"] not in body
    link = body.split("Öppna i avvik: http://localhost:8000")[1].split()[0]
    assert link == f"/handelser/{number}" and _follows(client, eva, link)
