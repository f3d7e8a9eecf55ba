"""What the current release offers people: roles with Swedish names, and the shared forms."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from engine.context import Context
from engine.errors import NotFound
from engine.store import ratelimits

__all__ = ["SHARED_FORMS", "roles", "shared_form", "consume_rate"]

# Public names of the shared forms -> how to find them in the release.
SHARED_FORMS = {"intake": "intake", "feedback": "public", "action": "atgard.json"}


def roles(ctx: Context) -> list[dict[str, Any]]:
    _, release = ctx.current_release()
    merged: dict[str, dict[str, Any]] = {}
    for area_id, definition in sorted(release.areas.items()):
        for role_id, name in definition.area.roles.items():
            merged.setdefault(role_id, {"id": role_id, "name": name, "areas": []})["areas"].append(area_id)
    return sorted(merged.values(), key=lambda r: r["id"])


def shared_form(ctx: Context, which: str) -> dict[str, Any]:
    _, release = ctx.current_release()
    if which not in SHARED_FORMS:
        raise NotFound("Formuläret finns inte.")
    name = {"intake": release.intake.form, "public": release.intake.public_form}.get(
        SHARED_FORMS[which], SHARED_FORMS[which]
    )
    ui_name = release.intake.ui_form if which == "intake" else None
    form = release.forms.get(name, "", ui_name)
    return {"schema": form.bundled, "ui_schema": form.ui_schema}


def consume_rate(ctx: Context, key: str, limit: int, window_s: int) -> bool:
    return ratelimits.consume(ctx.session, key, limit, timedelta(seconds=window_s), ctx.clock())
