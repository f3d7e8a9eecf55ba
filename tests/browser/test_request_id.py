"""A person who meets an error sees the request's id under the message ("Felkod"), so a screenshot sent to the
help desk leads the operator to the request's log line (docs/operations.md, Logs)."""

from __future__ import annotations

from typing import Any
from collections.abc import Callable

from playwright.sync_api import expect

from engine import Engine


def test_an_error_shows_the_request_id_the_server_logged(open_page: Callable[..., Any], demo: Engine) -> None:
    page = open_page("anna")
    with page.expect_response(lambda r: r.url.endswith("/api/v1/events/AVV-2026-999999")) as answer:
        page.goto("/handelser/AVV-2026-999999")
    request_id = answer.value.headers["x-request-id"]
    assert answer.value.status == 404 and answer.value.json()["request_id"] == request_id
    alert = page.get_by_role("alert")
    expect(alert).to_contain_text("Händelsen finns inte")
    expect(alert).to_contain_text(f"Felkod (uppge den till supporten): {request_id}")
