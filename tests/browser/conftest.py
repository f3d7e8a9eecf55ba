"""Browser tests: Debian's Chromium (/usr/bin/chromium, never a downloaded browser) driven by Playwright for
Python against a real `avvik serve` on loopback, on the test database, with the demo login on.

Vocabulary: `live` (the server's origin), `open_page(user=None, width=1280, height=900)` (a fresh browser
context, logged in through the demo login page when a user is given), `axe_violations(page)`.
Each page records every request: a request off the server's origin fails the test. A failing test leaves a
screenshot of each of its pages in var/browser-failures/.
"""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Any
from collections.abc import Callable, Iterator

import pytest

from engine import Engine
from tests.live import REPO, serve

CHROMIUM = Path("/usr/bin/chromium")
DIST = Path(os.environ.get("AVVIK_WEB_DIST") or REPO / "web" / "dist")
AXE = REPO / "web" / "node_modules" / "axe-core" / "axe.min.js"
FAILURES = REPO / "var" / "browser-failures"
# The feasibility spike's flags: no sandbox as root, and no browser traffic of its own off this machine.
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--enable-blink-features=LangAttributeAwareFormControlUI",
        "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1"]


def _unavailable(reason: str) -> None:
    """Without the browser or the built app: fail in CI (.ci/run installs both), skip elsewhere."""
    if os.environ.get("CI"):
        pytest.fail(reason)
    pytest.skip(reason)


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    here = Path(__file__).parent
    for item in items:  # the browser talks to a server in a subprocess, over its own connections
        if here in Path(item.path).parents:
            item.add_marker(pytest.mark.shared_database)


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: Any) -> Iterator[None]:
    outcome = yield
    report = outcome.get_result()
    setattr(item, f"report_{report.when}", report)


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    if not CHROMIUM.exists():
        _unavailable(f"{CHROMIUM} saknas (apt-get install chromium); .ci/run installerar den i CI")
    if not (DIST / "index.html").exists():
        _unavailable(f"webbappen är inte byggd ({DIST}): kör make web")
    sync_api = pytest.importorskip("playwright.sync_api")
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=ARGS)
        yield browser
        browser.close()


@pytest.fixture
def live(browser: Any, demo: Engine) -> Iterator[str]:
    with serve(demo.db.url, AVVIK_DEMO="1", AVVIK_WEB_DIST=str(DIST)) as origin:
        yield origin


@pytest.fixture
def open_page(browser: Any, live: str, request: pytest.FixtureRequest) -> Iterator[Callable[..., Any]]:
    contexts: list[Any] = []
    offsite: list[str] = []

    def open_(user: str | None = None, width: int = 1280, height: int = 900, also: tuple[str, ...] = ()) -> Any:
        """also: further origins the page may load from (a login provider's pages)."""
        context = browser.new_context(viewport={"width": width, "height": height}, locale="sv-SE", base_url=live)
        contexts.append(context)
        page = context.new_page()
        page.set_default_timeout(15_000)
        allowed = (live, "data:", *also)
        # Every request the app's pages make stays on its origin (or goes to `also`); a provider's own pages
        # are not the app's to check.
        page.on("request", lambda r: r.url.startswith(allowed) or not r.frame.url.startswith(live)
                or offsite.append(r.url))
        if user:
            login(page, user)
        return page

    yield open_
    failed = any(getattr(request.node, f"report_{when}", None) and getattr(request.node, f"report_{when}").failed
                 for when in ("setup", "call"))
    if failed:
        FAILURES.mkdir(parents=True, exist_ok=True)
        name = re.sub(r"[^\w.-]+", "_", request.node.name)
        for index, context in enumerate(contexts):
            for number, page in enumerate(context.pages):
                page.screenshot(path=str(FAILURES / f"{name}-{index}-{number}.png"), full_page=True)
    for context in contexts:
        context.close()
    assert not offsite, f"requests off the server's origin: {offsite}"


def login(page: Any, user: str) -> None:
    """Log in as a demo user through the login page, as a person would."""
    page.goto("/logga-in")
    page.get_by_text("Det här är en demo").wait_for()
    page.locator(f"button.demo-user[data-user='{user}']").click()
    page.wait_for_url(lambda url: "/logga-in" not in url)


@pytest.fixture
def axe_violations() -> Callable[[Any], list[dict[str, Any]]]:
    """The page's serious and critical WCAG 2.1 A/AA violations, by axe-core (from web/node_modules)."""
    script = AXE.read_text(encoding="utf-8")

    def run(page: Any) -> list[dict[str, Any]]:
        page.evaluate(script)  # through the DevTools protocol: the page's CSP forbids inline scripts, rightly
        results = page.evaluate(
            "async () => await axe.run(document, {runOnly: {type: 'tag', values: "
            "['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']}, resultTypes: ['violations']})"
        )
        return [
            {"id": v["id"], "impact": v["impact"], "help": v["help"], "nodes": [n["target"] for n in v["nodes"]][:5]}
            for v in results["violations"] if v["impact"] in ("serious", "critical")
        ]

    return run

