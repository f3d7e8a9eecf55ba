"""Sorting files by what they are (from where they lie, or their suffix when given alone) and reading each one
into the definition set, with the findings that concern that file alone.
"""

from __future__ import annotations

import posixpath
from collections.abc import Mapping

from engine.validation.areas import check_area, check_intake, read_yaml
from engine.definitions.retention import problems as retention_problems
from engine.definitions.annual import ANNUAL_FILE
from engine.validation.annual import check_annual
from engine.validation.exports import check_export
from engine.validation.bpmn import read_bpmn
from engine.validation.diagrams import diagram_findings
from engine.validation.dmn import read_dmn
from engine.validation.findings import ERROR, WARNING, Finding, has_errors
from engine.validation.forms import FormFile, read_form
from engine.validation.notifications import check_notifications
from engine.validation.model import DefinitionSet, Entry, Mode
from engine.validation.xmlsafe import load_xml
from engine.validation.xsd import xsd_findings

__all__ = ["classify", "classify_single", "load", "internal_error"]

_YAML = (".yaml", ".yml")


def _kind(name: str) -> str | None:
    if name.endswith(".ui.json"):
        return "ui"
    if name.endswith(".json"):
        return "form"
    return {".bpmn": "bpmn", ".dmn": "dmn"}.get(posixpath.splitext(name)[1])


def classify(files: Mapping[str, bytes]) -> list[Entry]:
    """Entries of a definition tree keyed by relative POSIX path (the layout of docs/definitions.md)."""
    entries = []
    for path in sorted(files):
        parts, data = path.split("/"), files[path]
        name, kind = parts[-1], _kind(parts[-1])
        if parts[0] == "forms" and len(parts) == 2 and kind in {"form", "ui"}:
            entries.append(Entry(path, data, kind, ""))
        elif parts[0] != "processes" or len(parts) < 2:
            if kind in {"bpmn", "dmn"}:
                entries.append(Entry(path, data, "misplaced", ""))
        elif len(parts) in (2, 3) and name == "notifications.yaml":
            entries.append(Entry(path, data, "notifications", parts[1] if len(parts) == 3 else ""))
        elif len(parts) == 2 and name == "intake.yaml":
            entries.append(Entry(path, data, "intake", ""))
        elif len(parts) == 2 and name == "retention.yaml":
            entries.append(Entry(path, data, "retention", ""))
        elif len(parts) == 2 and path == ANNUAL_FILE:
            entries.append(Entry(path, data, "annual", ""))
        elif len(parts) == 2 and kind in {"bpmn", "dmn"}:
            entries.append(Entry(path, data, kind, ""))
        elif len(parts) == 3 and name == "area.yaml":
            entries.append(Entry(path, data, "area", parts[1]))
        elif len(parts) == 4 and parts[2] == "exports" and name.endswith(".yaml"):
            entries.append(Entry(path, data, "export", parts[1]))
        elif len(parts) == 5 and parts[2] == "variants" and kind == "bpmn":
            # a variant brings its own process and shares the rest of its area (see engine/definitions/release.py)
            entries.append(Entry(path, data, kind, f"{parts[1]}/variants/{parts[3]}"))
        elif (len(parts) == 3 and kind in {"bpmn", "dmn"}) or (
                len(parts) == 4 and parts[2] == "forms" and kind in {"form", "ui"}):
            entries.append(Entry(path, data, kind, parts[1]))
        elif len(parts) >= 3:
            # other files (e.g. scenarios/) are not definitions, but they make the folder an area
            misplaced = kind in {"bpmn", "dmn"} or (name.endswith((".yaml", ".yml")) and len(parts) == 3)
            entries.append(Entry(path, data, "misplaced" if misplaced else "other", parts[1]))
        elif name.endswith((".yaml", ".yml")):
            entries.append(Entry(path, data, "misplaced", ""))
    return entries


def classify_single(path: str, data: bytes) -> Entry:
    """A file given alone: its suffix says what it is; each file is its own scope."""
    name = posixpath.basename(path.replace("\\", "/"))
    if name.endswith(_YAML):
        if name in {"intake.yaml", "intake.yml"}:
            return Entry(path, data, "intake", path)
        if name == "notifications.yaml":  # processes/notifications.yaml holds the shared templates
            folder = posixpath.basename(posixpath.dirname(path.replace("\\", "/")))
            return Entry(path, data, "notifications", "" if folder == "processes" else path)
        if name == "retention.yaml":
            return Entry(path, data, "retention", path)
        if name == posixpath.basename(ANNUAL_FILE):
            return Entry(path, data, "annual", path)
        if posixpath.basename(posixpath.dirname(path.replace("\\", "/"))) == "exports":
            return Entry(path, data, "export", path)
        if posixpath.basename(posixpath.dirname(path.replace("\\", "/"))) == "scenarios":
            return Entry(path, data, "other", path)  # a test scenario (docs/definitions.md), not a definition
        return Entry(path, data, "area", posixpath.basename(posixpath.dirname(path.replace("\\", "/"))))
    return Entry(path, data, _kind(name) or "other", path)


def internal_error(file: str, exc: BaseException) -> Finding:
    return Finding(ERROR, "validator.internal_error", file, "Valideraren kunde inte kontrollera filen.",
                   "Kontrollera filen för hand och rapportera felet till förvaltningen av avvik.",
                   detail=f"{type(exc).__name__}: {exc}")


def _load_one(ds: DefinitionSet, entry: Entry) -> list[Finding]:
    kind, path = entry.kind, entry.path
    if kind in {"bpmn", "dmn"}:
        root, found = load_xml(path, entry.data)
        if root is None:
            return found
        found.extend(xsd_findings(path, root))
        if kind == "bpmn":
            bpmn, more = read_bpmn(path, root)
            if bpmn is not None:
                more.extend(diagram_findings(path, root, "bpmn"))
                ds.scope(entry.scope).bpmn.append(bpmn)
                if ds.mode.complete and "/variants/" in entry.scope:
                    ds.scope(entry.scope.split("/", 1)[0])  # the variant's area is a folder to check too
        else:
            dmn, more = read_dmn(path, root)
            if dmn is not None:
                more.extend(diagram_findings(path, root, "dmn"))
                ds.scope(entry.scope).dmn.append(dmn)
        return found + more
    if kind in {"form", "ui"}:
        form = FormFile(path, posixpath.basename(path.replace("\\", "/")), entry.scope, kind == "ui")
        (ds.shared if entry.scope == "" else ds.scope(entry.scope).forms).append(form)
        return read_form(form, entry.data)
    if kind == "area":
        scope = ds.scope(entry.scope)
        scope.area_files.append(path)
        doc, found = read_yaml(path, entry.data)
        if doc is not None:
            found = check_area(doc, entry.scope or None)
            scope.area = scope.area or doc
        return found
    if kind == "export":
        doc, found = read_yaml(path, entry.data)
        if doc is not None:
            found = check_export(doc, posixpath.splitext(posixpath.basename(path))[0])
            ds.scope(entry.scope).exports.append(doc)
        return found
    if kind == "notifications":
        scope = ds.scope(entry.scope)
        scope.notification_files.append(path)
        doc, found = read_yaml(path, entry.data)
        if doc is not None:
            found = check_notifications(doc, shared=entry.scope == "")
            scope.notifications = doc
        return found
    if kind == "annual":
        doc, found = read_yaml(path, entry.data)
        if doc is not None:
            found = check_annual(doc)
            ds.annual = ds.annual or doc
        return found
    if kind == "intake":
        ds.intake_files.append(path)
        doc, found = read_yaml(path, entry.data)
        if doc is not None:
            found = check_intake(doc)
            ds.intake = ds.intake or doc
        return found
    if kind == "retention":
        doc, found = read_yaml(path, entry.data)
        if doc is not None:
            found = [Finding(ERROR, "retention.invalid", path, message,
                             "Se docs/records.md: classes: med years: och decision: per klass.",
                             line=doc.line(*keys) if keys else 1)
                     for keys, message in retention_problems(doc.data)]
        return found
    if kind == "misplaced":
        return [Finding(WARNING, "file.misplaced", path,
                        "Filen ligger på en plats där motorn inte läser den, så den används inte.",
                        "Se docs/definitions.md: processes/intake.yaml, processes/<område>/area.yaml och *.bpmn/*.dmn, "
                        "processes/<område>/variants/<variant>/*.bpmn, formulär i forms/ eller "
                        "processes/<område>/forms/.")]
    if entry.scope:
        ds.scope(entry.scope)  # e.g. scenarios/: the folder is an area even if it holds nothing else yet
    return []


def load(entries: list[Entry], mode: Mode) -> tuple[DefinitionSet, list[Finding]]:
    ds = DefinitionSet(mode)
    found: list[Finding] = []
    for entry in entries:
        try:
            file_found = _load_one(ds, entry)
        except Exception as exc:  # a bug of ours must still never reach the owner as a traceback
            file_found = [internal_error(entry.path, exc)]
        if has_errors(file_found):
            ds.broken.add(entry.path)
        found.extend(file_found)
    for form in ds.shared + [f for s in ds.scopes.values() for f in s.forms]:
        form.broken = form.file in ds.broken
    return ds, found
