"""Login with OpenID Connect, authorization code + PKCE, against a real provider on loopback
(oidc-provider-mock): the page sends the person to the provider and back, and the API accepts the token."""

from __future__ import annotations

import threading
from typing import Any
from collections.abc import Callable, Iterator

import pytest
from playwright.sync_api import expect

from engine import Engine
from tests.browser.conftest import DIST
from tests.live import call, free_port, serve


def accept_public_clients(mock: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    """The mock knows only confidential clients; a browser app is a public client (no secret), so let the code
    grant authenticate with `none`. The mock does not keep the PKCE challenge, so the test checks the page's side:
    S256 challenge out, verifier in the token request."""
    grant = mock._app.AuthorizationCodeGrant
    monkeypatch.setattr(grant, "TOKEN_ENDPOINT_AUTH_METHODS", [*grant.TOKEN_ENDPOINT_AUTH_METHODS, "none"])


@pytest.fixture
def provider(monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    mock = pytest.importorskip("oidc_provider_mock")
    serving = pytest.importorskip("werkzeug.serving")
    app = mock.app()
    accept_public_clients(mock, monkeypatch)

    @app.after_request
    def cors(response: Any) -> Any:  # real providers allow a registered SPA's origin; the mock allows none
        response.headers["Access-Control-Allow-Origin"] = "*"
        response.headers["Access-Control-Allow-Headers"] = "Content-Type, Authorization"
        return response

    server = serving.make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        thread.join(timeout=10)


@pytest.fixture
def live(browser: Any, demo: Engine, provider: str) -> Iterator[str]:
    """The app with OIDC configured and no demo login, registered at the provider as a public client (PKCE, no
    secret)."""
    port = free_port()
    status, client = call(f"{provider}/oauth2/clients", body={
        "redirect_uris": [f"http://127.0.0.1:{port}/inloggad"], "token_endpoint_auth_method": "none"})
    assert status == 201, client
    with serve(demo.db.url, port=port, AVVIK_WEB_DIST=str(DIST), AVVIK_OIDC_ISSUER=provider,
               AVVIK_OIDC_AUDIENCE=client["client_id"], AVVIK_OIDC_JWKS_URL=f"{provider}/jwks",
               AVVIK_OIDC_USER_CLAIM="sub", AVVIK_OIDC_CLIENT_ID=client["client_id"]) as origin:
        yield origin


def test_login_with_code_and_pkce_reaches_the_page_asked_for(open_page: Callable[..., Any], provider: str) -> None:
    page = open_page(also=(provider,))
    page.goto("/arbetslista")
    expect(page).to_have_url("/logga-in?next=%2Farbetslista")
    expect(page.get_by_text("Det här är en demo")).to_have_count(0)
    page.get_by_role("button", name="Logga in med organisationens konto").click()
    page.wait_for_url(f"{provider}/**")
    assert "code_challenge_method=S256" in page.url
    token_requests: list[str] = []
    page.on("request", lambda r: r.url.endswith("/oauth2/token") and token_requests.append(r.post_data or ""))
    page.locator("input[name=sub]").fill("anna")
    page.get_by_role("button", name="Authorize").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Arbetslista")
    expect(page.locator(".who")).to_contain_text("Anna Handläggare")
    assert page.evaluate("sessionStorage.getItem('avvik.token')").count(".") == 2  # a JWT, not an avvik token
    assert any("code_verifier=" in body and "client_secret" not in body for body in token_requests)
