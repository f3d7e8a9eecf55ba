"""The web app: the built single-page application from web/dist, served from the same origin as /api/v1.

Every page path the app's router knows (Swedish paths) answers its index.html; hashed assets are cached for a
year. Each page carries a strict Content-Security-Policy: only this origin, no inline scripts or styles, no
frames. The one exception is `'unsafe-eval'` in script-src: forms are released as data at run time, so the
browser compiles their JSON Schema validators (Ajv) when a form opens; precompiling at build time would need
every future release's forms (docs/web.md). Styles allow, besides this origin, only the exact static styles the
studio's DMN modeler (dmn-js 17.10.2, pinned) writes inline, by hash (`STUDIO_STYLE_HASHES`). When the app has
not been built, the pages say how to build it.
"""

from __future__ import annotations

from pathlib import Path
from urllib.parse import urlsplit

from flask import Blueprint, Flask, Response, current_app, send_from_directory

__all__ = ["register_web", "PAGES"]

# First path segments of the app's pages (web/src/routes.tsx); "" is the start page.
PAGES = ("", "logga-in", "inloggad", "rapportera", "mina-rapporter", "synpunkter", "arbetslista", "uppgifter",
         "handelser", "atgarder", "logg", "notiser", "utkorg", "statistik", "arsrapport", "studio", "ersattare")

# sha256 of the inline styles dmn-js writes as markup, so the studio's decision tables render under the strict
# policy: its bpmn.io logo and the notice it opens (its licence requires the logo), the invisible drag image of a
# row or column, and the one stylesheet its cell editor (CodeMirror) adds. A new dmn-js version that writes
# another one fails tests/browser/test_studio.py (a CSP violation is a console error there).
STUDIO_STYLE_HASHES = (
    "r3vOsuepBDg6tz/cOusiNJ9Y4Lp9hGQTT7pzDks1Xxc=",  # the logo's link: position: absolute; bottom: 15px; …
    "CA/eh4+2R0J7cEQ14gBMtx834RIOjzMUqCM+evtrkp4=",  # the logo's svg: vertical-align:middle
    "JpvvTIK7ulxf/3oA+AUuVbO9Labs8npGWGm9X9nGIWw=",  # the notice: z-index: 1001;position: fixed;…
    "9OIpRRx0bq4t4s2zyqbocMNwedniLDaxLB+FlLIjNgM=",  # its backdrop: width: 100%;height: 100%;…
    "GAdrtwahSjGXI0UQQnfyEVtPn+wfgQxvyrjyQuByfuU=",  # its box: position: absolute;left: 50%;…
    "ZG9bHUWWXDZyu7zfItuLwGK+cah/hweM0RfXpZpxZVM=",  # its logo: margin: 15px 20px 15px 10px; …
    "T+dPSjRVHalDc/mwQm0/E2bredKPUxLfYOuU3MOV1BE=",  # the drag image: visibility: hidden; …
    "hb8m9M/m8Jv8QUKvrpWGF7cafGSZaRIX2I4A9L1rwtM=",  # CodeMirror's base theme (.ͼ1.cm-focused …)
)

DEFAULT_DIST = Path(__file__).resolve().parents[1] / "web" / "dist"

MISSING = """<!doctype html>
<html lang="sv"><head><meta charset="utf-8"><title>avvik – webbappen är inte byggd</title>
<link rel="icon" href="data:,"></head>
<body><main>
<h1>Webbappen är inte byggd</h1>
<p>API:t körs på <a href="/api/v1/openapi.json">/api/v1</a>, men webbappen saknas.
Bygg den med <code>make web</code> (eller starta allt med <code>make run</code>) och ladda om sidan.</p>
<h2 lang="en">The web app has not been built</h2>
<p lang="en">The API is running at /api/v1, but web/dist is missing. Run <code>make web</code>
(or <code>make run</code>) and reload this page.</p>
</main></body></html>
"""


def _csp() -> str:
    settings = current_app.extensions["avvik.settings"]
    connect = ["'self'"]
    if settings.oidc_issuer:  # oidc-client-ts reads the discovery document and exchanges the code there
        issuer = urlsplit(settings.oidc_issuer)
        connect.append(f"{issuer.scheme}://{issuer.netloc}")
    return "; ".join([
        "default-src 'self'",
        "script-src 'self' 'unsafe-eval'",
        " ".join(["style-src 'self' 'unsafe-hashes'", *(f"'sha256-{h}'" for h in STUDIO_STYLE_HASHES)]),
        "img-src 'self' data:",
        "font-src 'self'",
        f"connect-src {' '.join(connect)}",
        "object-src 'none'",
        "base-uri 'none'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ])


def _dist() -> Path:
    configured = current_app.extensions["avvik.settings"].web_dist
    return Path(configured) if configured else DEFAULT_DIST


def _secure(response: Response) -> Response:
    response.headers["Content-Security-Policy"] = _csp()
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Referrer-Policy"] = "no-referrer"
    return response


def page(rest: str = "") -> Response:
    dist = _dist()
    if not (dist / "index.html").is_file():
        return _secure(Response(MISSING, status=503, mimetype="text/html"))
    response = send_from_directory(dist, "index.html", max_age=0)
    response.headers["Cache-Control"] = "no-cache"
    return _secure(response)


def asset(name: str) -> Response:
    return _secure(send_from_directory(_dist() / "assets", name, max_age=365 * 24 * 3600))


def register_web(app: Flask) -> None:
    bp = Blueprint("web", __name__)
    bp.add_url_rule("/", view_func=page, endpoint="start")
    for first in PAGES[1:]:
        bp.add_url_rule(f"/{first}", view_func=page, endpoint=f"page_{first}")
        bp.add_url_rule(f"/{first}/<path:rest>", view_func=page, endpoint=f"page_{first}_sub")
    bp.add_url_rule("/assets/<path:name>", view_func=asset)
    app.register_blueprint(bp)
