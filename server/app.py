"""The thin HTTP API: authentication, marshmallow in and out, one engine call per request.

`create_app()` builds everything; importing this module connects to nothing.
"""

from __future__ import annotations

from flask import Flask

from engine.api import Engine
from server import boundary, errors, metrics, tracing
from server.auth import OidcVerifier
from server.config import Settings
from server.web import register_web

__all__ = ["create_app"]


def create_app(settings: Settings | None = None, engine: Engine | None = None) -> Flask:
    settings = settings or Settings.from_env()
    app = Flask(__name__, static_folder=None)
    app.config["MAX_CONTENT_LENGTH"] = settings.max_body_bytes
    app.json.ensure_ascii = False  # type: ignore[attr-defined]
    app.json.sort_keys = False  # type: ignore[attr-defined]
    app.extensions["avvik.settings"] = settings
    app.extensions["avvik.engine"] = engine or Engine.connect(settings.database_url, settings.public_url)
    app.extensions["avvik.oidc"] = OidcVerifier(settings)

    from server.openapi import build_openapi
    from server.routes import BLUEPRINTS

    tracing.register(app)  # first: every later hook and error handler sees the request id
    metrics.register(app)

    for blueprint in BLUEPRINTS:
        app.register_blueprint(blueprint)
    register_web(app)
    app.extensions["avvik.openapi"] = build_openapi()
    errors.register(app)
    boundary.register(app)
    if settings.idm_mapping:
        from pathlib import Path

        from werkzeug.middleware.dispatcher import DispatcherMiddleware

        from server.scim import scim_application

        scim = scim_application(app.extensions["avvik.engine"], Path(settings.idm_mapping))
        app.wsgi_app = DispatcherMiddleware(app.wsgi_app, {"/scim": scim})  # type: ignore[method-assign]
    return app
