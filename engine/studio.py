"""The process owners' studio: the definition files a unit runs, one stored file, and an edited tree (a stored
release plus the files the owner changed) validated without publishing or published as a new release.

An edit names its base release, so the browser sends only what it changed; validating and publishing read the
same merged tree, so what was validated is exactly what is published."""

from __future__ import annotations

from typing import Any
from collections.abc import Mapping

from engine import releases
from engine.bindings import INTAKE, owned_release, owned_unit, resolve, resolve_intake
from engine.context import Context
from engine.definitions.files import DEFINITION_SUFFIXES, MAX_FILE_BYTES
from engine.definitions.forms import FormSet
from engine.definitions.release import STANDARD, AreaDefinition
from engine.errors import InvalidInput, NoActiveConfiguration, NotFound
from engine.store.models import ReleaseRecord

__all__ = ["area_files", "active_definitions", "release_file", "validate_edit", "publish_edit", "form_preview"]


def area_files(paths: list[str], area: str) -> list[str]:
    """The files that belong to an area (its folder), or to the intake (processes/*.yaml|dmn|bpmn directly
    in processes/, and the shared forms/)."""
    if area == INTAKE:
        return [p for p in paths if p.startswith("forms/") or (p.startswith("processes/") and p.count("/") == 1)]
    return [p for p in paths if p.startswith(f"processes/{area}/")]


def _kind(path: str) -> str:
    if path.endswith(".bpmn"):
        return "bpmn"
    if path.endswith(".dmn"):
        return "dmn"
    if path.endswith(".json"):
        return "form"
    return "yaml"


def _files(record: ReleaseRecord, area: str) -> list[dict[str, Any]]:
    return [{"path": p, "kind": _kind(p)} for p in area_files(sorted(record.files), area)]


def _variables(definition: AreaDefinition) -> list[dict[str, Any]]:
    return [
        {"key": v.name, "type": v.type, "default": v.default, "min": v.min, "max": v.max,
         "values": list(v.values), "description": v.description}
        for _, v in sorted(definition.area.declarations.items())
    ]


def active_definitions(ctx: Context, unit_id: str, actor_id: str) -> dict[str, Any]:
    """Per area (and the intake) the release the unit runs, its variant, its files and its declared variables."""
    unit = owned_unit(ctx, unit_id, actor_id)
    _, newest = ctx.current_release()
    areas: list[dict[str, Any]] = []
    try:
        record, _ = resolve_intake(ctx, unit)
        areas.append({"area": INTAKE, "name": "Intag och routning", "release": record.hash,
                      "release_label": record.label, "variant": STANDARD, "files": _files(record, INTAKE),
                      "variables": []})
    except NoActiveConfiguration as exc:
        areas.append({"area": INTAKE, "name": "Intag och routning", "error": exc.message})
    for area in sorted(newest.areas):
        try:
            resolution = resolve(ctx, unit, area)
        except NoActiveConfiguration as exc:
            areas.append({"area": area, "name": newest.areas[area].area.name, "error": exc.message})
            continue
        definition = resolution.definition
        areas.append({
            "area": area, "name": definition.area.name, "release": resolution.record.hash,
            "release_label": resolution.record.label, "variant": definition.variant,
            "files": _files(resolution.record, area),
            "variables": _variables(definition),
        })
    return {"unit_id": unit.id, "areas": areas}


def release_file(ctx: Context, release_hash: str, path: str, actor_id: str) -> dict[str, Any]:
    record = owned_release(ctx, release_hash, actor_id)
    if path not in record.files:
        raise NotFound("Filen finns inte i releasen.")
    return {"release": record.hash, "path": path, "kind": _kind(path), "content": record.files[path]}


def _edited(ctx: Context, base: str, files: Mapping[str, str], removed: list[str],
            actor_id: str) -> dict[str, bytes]:
    """The base release (of an entity the actor owns processes in) with the edits applied; an edit outside
    processes/ and forms/ is refused."""
    record = owned_release(ctx, base, actor_id)
    errors = []
    for path in [*files, *removed]:
        if path.split("/")[0] not in ("processes", "forms") or not path.endswith(DEFINITION_SUFFIXES) \
                or ".." in path.split("/") or "" in path.split("/"):
            errors.append({"path": f"files/{path}", "message": "Bara filer under processes/ och forms/ med "
                           f"ändelserna {', '.join(DEFINITION_SUFFIXES)}."})
        elif path in files and len(files[path].encode()) > MAX_FILE_BYTES:
            errors.append({"path": f"files/{path}", "message": f"Filen är större än {MAX_FILE_BYTES} byte."})
    for path in removed:
        if path not in record.files:
            errors.append({"path": f"removed/{path}", "message": "Filen finns inte i releasen."})
    if errors:
        raise InvalidInput("Ändringarna kan inte läggas på releasen.", errors=errors)
    merged = {p: text.encode("utf-8") for p, text in record.files.items() if p not in removed}
    merged.update({p: text.encode("utf-8") for p, text in files.items()})
    return merged


def validate_edit(ctx: Context, base: str, files: Mapping[str, str], removed: list[str],
                  actor_id: str) -> dict[str, Any]:
    """Every finding of the edited tree; nothing is stored."""
    from engine.validation import validate_files  # as in build_release: the server starts without the validator
    from engine.validation.findings import ERROR

    findings = validate_files(_edited(ctx, base, files, removed, actor_id))
    errors = sum(1 for f in findings if f.severity == ERROR)
    return {"errors": errors, "warnings": len(findings) - errors, "findings": [f.to_dict() for f in findings]}


def publish_edit(ctx: Context, base: str, files: Mapping[str, str], removed: list[str], label: str | None,
                 actor_id: str) -> dict[str, Any]:
    """Publish the edited tree as a release (422 with the findings if it has errors); activates nothing."""
    return releases.publish(ctx, _edited(ctx, base, files, removed, actor_id), label, actor_id)


def form_preview(ctx: Context, base: str, files: Mapping[str, str], removed: list[str], path: str,
                 actor_id: str) -> dict[str, Any]:
    """The form at `path` of the edited tree as staff's browser gets it (self-contained, its uiSchema beside it),
    for a live preview while its JSON Schema is edited; 422 definition_invalid while it cannot be read."""
    parts = path.split("/")
    if not (path.endswith(".json") and not path.endswith(".ui.json")
            and (len(parts) == 2 and parts[0] == "forms" or len(parts) == 4 and parts[2] == "forms")):
        raise InvalidInput("Bara formulär kan förhandsvisas.",
                           errors=[{"path": "path", "message": "Ange ett formulär under forms/."}])
    forms = FormSet(_edited(ctx, base, files, removed, actor_id))
    form = forms.get(parts[-1], parts[1] if len(parts) == 4 else "")
    return {"schema": form.schema, "ui_schema": form.ui_schema}
