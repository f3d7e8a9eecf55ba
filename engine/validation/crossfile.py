"""The rules that connect files: forms against each other, each area folder (arearules), and what intake.yaml
and the routing decision point at.

Which of these run depends on the Mode: a file given alone gets only the form checks its own content allows,
an area folder gets its area's rules, a whole tree gets all.
"""

from __future__ import annotations

from typing import Any

from referencing import Registry

from engine.validation.annual import annual_cross_findings
from engine.validation.arearules import area_findings, get, references
from engine.validation.expressions import ENGINE_NAMES, unknown_name_findings
from engine.validation.findings import ERROR, Finding, has_errors
from engine.definitions.forms import build_registry, field_names
from engine.validation.forms import FormFile, check_schema, check_ui
from engine.validation.model import DefinitionSet, Scope
from engine.validation.notifications import shared_findings
from engine.validation.xmlsafe import at

__all__ = ["cross_findings"]

_ROOT_NAME_SCOPE = "varken rapportformuläret, något skript eller någon beslutstabell"


def _forms(forms: list[FormFile], registry: Registry, complete: bool) -> list[Finding]:
    found: list[Finding] = []
    for form in forms:
        if form.ui:
            own = check_ui(form, form.name.removesuffix(".ui.json") + ".json", registry, complete)
        else:
            own = check_schema(form, registry, complete)
        form.broken = form.broken or has_errors(own)
        found.extend(own)
    return found


def _intake_fields(ds: DefinitionSet, shared: Registry) -> set[str] | None:
    """Fields of the report forms (staff's and the public's): every case starts with one of them."""
    form, public = get(ds.intake, "form", str), get(ds.intake, "public_form", str)
    if not form or form not in shared or (public and public not in shared):
        return None
    return field_names(shared, form) | (field_names(shared, public) if public else set())


def _intake(ds: DefinitionSet, scope: Scope) -> list[Finding]:
    """intake.yaml must point at existing forms, the routing process and existing areas."""
    doc, found = ds.intake, list[Finding]()
    areas = {name for name, s in ds.scopes.items() if name and "/" not in name and s.area_files}
    shared_names = {f.name for f in ds.shared}
    if doc is None:
        return found
    for key, code in (("form", "intake.form_not_found"), ("ui_form", "intake.ui_form_not_found"),
                      ("public_form", "intake.form_not_found")):
        name = get(doc, key, str)
        if name and name not in shared_names:
            found.append(Finding(ERROR, code, doc.file, f"Formuläret '{name}' finns inte i forms/.",
                                 f"Rätta {key}: eller lägg formuläret i forms/.", line=doc.line(key)))
    routing = get(doc, "routing_process", str)
    if routing and not any(d.processes.get(routing) for d in scope.bpmn):
        found.append(Finding(ERROR, "intake.routing_process_unknown", doc.file,
                             f"Fördelningsprocessen '{routing}' finns inte som körbar process i processes/*.bpmn.",
                             "Ange id för fördelningsprocessen (bpmn:process id) under routing_process:.",
                             line=doc.line("routing_process")))
    targets: list[tuple[tuple[str, ...], Any]] = [(("fallback_area",), get(doc, "fallback_area", str))]
    fallbacks = get(doc, "fallback_area_by_unit_kind", dict) or {}
    targets += [(("fallback_area_by_unit_kind", kind), area) for kind, area in fallbacks.items()]
    for path, area in targets:
        if isinstance(area, str) and area not in areas:
            found.append(Finding(ERROR, "intake.area_unknown", doc.file,
                                 f"Reservområdet '{area}' finns inte (ingen mapp processes/{area}/ med area.yaml).",
                                 "Ange ett befintligt område eller skapa området.", line=doc.line(*path)))
    for dmn in scope.dmn:
        for entry, output, value in dmn.literals:
            if output == "omraden" and value not in areas:
                found.append(at(ERROR, "dmn.unknown_area", dmn.file, entry,
                                f"Regeln fördelar rapporten till området '{value}', som inte finns.",
                                "Skapa området (processes/<område>/area.yaml) eller rätta områdets id i tabellen."))
    return found


def _root(ds: DefinitionSet, scope: Scope, intake_fields: set[str] | None) -> list[Finding]:
    """processes/ itself: intake.yaml, the routing process and its decision."""
    found: list[Finding] = list(references(scope.bpmn, scope.dmn, True))
    if not ds.intake_files:
        found.append(Finding(ERROR, "intake.missing", "processes/intake.yaml", "Trädet saknar processes/intake.yaml.",
                             "Skapa intake.yaml med form, routing_process och fallback_area."))
    found.extend(_intake(ds, scope))
    found.extend(shared_findings(scope.notifications, scope.notification_files))
    if intake_fields is not None:
        known = set(ENGINE_NAMES) | intake_fields | {n for d in scope.bpmn for n in d.assigns}
        known |= {n for d in scope.dmn for n in d.outputs}
        exprs = [e for d in scope.bpmn for e in d.exprs] + [e for d in scope.dmn for e in d.exprs]
        found.extend(unknown_name_findings(exprs, known, _ROOT_NAME_SCOPE))
    return found


def cross_findings(ds: DefinitionSet) -> list[Finding]:
    shared_forms = [(f.name, f.content) for f in ds.shared if not f.ui]
    shared = build_registry(shared_forms)
    found = _forms(ds.shared, shared, ds.mode.complete)
    registries: dict[str, Registry] = {}
    for name, scope in ds.scopes.items():
        registries[name] = build_registry(shared_forms + [(f.name, f.content) for f in scope.forms if not f.ui])
        found.extend(_forms(scope.forms, registries[name], ds.mode.complete))
    if not ds.mode.complete:
        return found
    intake_fields = _intake_fields(ds, shared)
    for name, scope in list(ds.scopes.items()):
        if name:
            base = ds.scope(name.split("/", 1)[0])  # a variant's area
            found.extend(area_findings(ds, scope, base, registries.get(base.name, shared), intake_fields))
    if ds.mode.tree:
        found.extend(_root(ds, ds.scope(""), intake_fields))
        if ds.annual is not None:
            areas = {name: scope.forms for name, scope in ds.scopes.items() if name and "/" not in name}
            found.extend(annual_cross_findings(ds.annual, areas))
    return found
