"""What the releases offer people: roles with Swedish names, and the shared forms of the active configuration."""

from __future__ import annotations

from typing import Any

from engine.bindings import resolve_intake
from engine.context import Context
from engine.errors import InvalidInput, NotFound
from engine.store import org as org_store

__all__ = ["SHARED_FORMS", "roles", "shared_form"]

# Public names of the shared forms -> how to find them in the release.
SHARED_FORMS = {"intake": "intake", "feedback": "public", "action": "atgard.json"}


def roles(ctx: Context) -> list[dict[str, Any]]:
    _, release = ctx.current_release()
    merged: dict[str, dict[str, Any]] = {}
    for area_id, definition in sorted(release.areas.items()):
        for role_id, name in definition.area.roles.items():
            merged.setdefault(role_id, {"id": role_id, "name": name, "areas": []})["areas"].append(area_id)
    return sorted(merged.values(), key=lambda r: r["id"])


def shared_form(ctx: Context, which: str, unit_id: str | None = None) -> dict[str, Any]:
    """A shared form as the unit's active configuration has it (without a unit: the newest active one)."""
    if which not in SHARED_FORMS:
        raise NotFound("Formuläret finns inte.")
    unit = org_store.get_unit(ctx.session, unit_id) if unit_id is not None else None
    if unit_id is not None and unit is None:
        raise InvalidInput("Okänd enhet.", errors=[{"path": "unit", "message": "Enheten finns inte."}])
    _, release = resolve_intake(ctx, unit)
    name = {"intake": release.intake.form, "public": release.intake.public_form}.get(
        SHARED_FORMS[which], SHARED_FORMS[which]
    )
    ui_name = release.intake.ui_form if which == "intake" else None
    form = release.forms.get(name, "", ui_name)
    return {"schema": form.schema, "ui_schema": form.ui_schema}

