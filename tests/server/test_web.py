"""The web app's server side: the built pages at Swedish paths under a strict CSP, a clear page when the app is
not built, the public settings, the demo login that exists only in demo mode, and the public complaint form."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from engine import Engine
from server.app import create_app
from server.config import Settings
from tests.http import API, assert_error


def make_client(engine: Engine, **settings: Any) -> Any:
    return create_app(Settings(database_url=engine.db.url, **settings), engine=engine).test_client()


@pytest.fixture
def dist(tmp_path: Path) -> Path:
    (tmp_path / "assets").mkdir()
    (tmp_path / "index.html").write_text('<!doctype html><html lang="sv"><title>avvik</title></html>')
    (tmp_path / "assets" / "index-abc.js").write_text("console.log(1)")
    return tmp_path


@pytest.mark.parametrize("path", ["/", "/rapportera", "/arbetslista", "/handelser", "/uppgifter/3f1c",
                                  "/handelser/RS-2026-000001", "/synpunkter", "/logga-in", "/inloggad",
                                  "/logg/RS-2026-000001", "/ersattare", "/synpunkter/rg"])
def test_pages_serve_the_app_with_a_strict_csp(demo: Engine, dist: Path, path: str) -> None:
    response = make_client(demo, web_dist=str(dist)).get(path)
    assert response.status_code == 200 and b'lang="sv"' in response.data
    csp = response.headers["Content-Security-Policy"]
    assert "default-src 'self'" in csp and "object-src 'none'" in csp and "frame-ancestors 'none'" in csp
    assert "unsafe-inline" not in csp and "script-src 'self' 'unsafe-eval'" in csp
    assert response.headers["Cache-Control"] == "no-cache"


def test_assets_are_cached_and_unknown_paths_stay_404(demo: Engine, dist: Path) -> None:
    client = make_client(demo, web_dist=str(dist))
    asset = client.get("/assets/index-abc.js")
    assert asset.status_code == 200 and "max-age=31536000" in asset.headers["Cache-Control"]
    assert_error(client.get("/assets/missing.js"), 404, "not_found")
    assert_error(client.get("/wp-admin"), 404, "not_found")
    assert_error(client.get(f"{API}/nothing-here"), 404, "not_found")


def test_without_a_build_the_page_says_how_to_build(demo: Engine, tmp_path: Path) -> None:
    response = make_client(demo, web_dist=str(tmp_path / "none")).get("/rapportera")
    assert response.status_code == 503 and response.mimetype == "text/html"
    assert "make web" in response.text and "make run" in response.text and "Webbappen är inte byggd" in response.text


def test_oidc_issuer_is_allowed_to_connect(demo: Engine, dist: Path) -> None:
    client = make_client(demo, web_dist=str(dist), oidc_issuer="https://login.example.se/realms/region")
    assert "connect-src 'self' https://login.example.se" in client.get("/").headers["Content-Security-Policy"]


@pytest.mark.parametrize(("method", "path", "body"),
                         [("GET", "/demo/users", None), ("POST", "/demo/login", {"user": "anna"})])
def test_demo_login_does_not_exist_outside_demo_mode(demo: Engine, method: str, path: str, body: Any) -> None:
    client = make_client(demo)
    assert_error(client.open(f"{API}{path}", method=method, json=body), 404, "not_found")
    assert client.get(f"{API}/session/config").get_json() == {"demo": False, "oidc": None}


def test_demo_login_lists_users_and_gives_a_working_token(demo: Engine) -> None:
    client = make_client(demo, demo=True)
    assert client.get(f"{API}/session/config").get_json()["demo"] is True
    users = {u["id"]: u for u in client.get(f"{API}/demo/users").get_json()}
    assert users["anna"]["grants"] == [{"role": "handlaggare", "unit_id": "ks", "role_name": "Handläggare",
                                        "unit_name": "Karolinska Universitetssjukhuset"}]
    assert users["eva"]["grants"] == []
    login = client.post(f"{API}/demo/login", json={"user": "anna"}).get_json()
    me = client.get(f"{API}/me", headers={"Authorization": f"Bearer {login['token']}"})
    assert me.status_code == 200 and me.get_json()["id"] == "anna"
    assert_error(client.post(f"{API}/demo/login", json={"user": "mallory"}), 404, "not_found")


def test_the_complaint_form_needs_no_login(client: Any) -> None:
    form = client.get(f"{API}/forms/feedback").get_json()
    assert form["schema"]["type"] == "object" and form["schema"]["properties"]
