"""The avvik rules that connect files: lanes and roles, forms of user tasks, names in expressions, closure
rules, the entry process, and what intake.yaml points at.

Which of these run depends on the Mode: a file given alone gets none of them, an area folder gets its own,
a whole tree gets all.
"""

from __future__ import annotations

from typing import Any, Iterator

from referencing import Registry

from engine.validation.expressions import ENGINE_NAMES, Expr, unknown_name_findings
from engine.validation.findings import ERROR, Finding, has_errors
from engine.validation.formindex import DECISION, build_registry, field_names, has_path
from engine.validation.forms import FormFile, check_schema, check_ui
from engine.validation.model import DefinitionSet, Scope
from engine.validation.xmlsafe import at

__all__ = ["cross_findings"]

_NAME_SCOPE = "inget formulär i området, rapportformuläret, area.yaml, något skript eller någon beslutstabell"


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


def _get(doc: Any, key: str, kind: type) -> Any:
    value = doc.data.get(key) if doc is not None else None
    return value if isinstance(value, kind) else None


def _references(scope: Scope, complete: bool) -> Iterator[Finding]:
    """Call activities and business-rule tasks must find their process / decision in the same folder."""
    processes = {pid for doc in scope.bpmn for pid in doc.processes}
    decisions = {d for doc in scope.dmn for d in doc.decisions}
    for doc in scope.bpmn:
        for node in doc.calls:
            target = node.get("calledElement")
            if complete and target and target not in processes:
                yield at(ERROR, "bpmn.call_activity_unknown", doc.file, node,
                         f"Anropsaktiviteten startar processen '{target}', som inte finns i mappen.",
                         "Lägg den anropade processen i samma mapp eller rätta calledElement.")
        for node, ref in doc.decisions:
            if complete and ref not in decisions:
                yield at(ERROR, "bpmn.decision_unknown", doc.file, node,
                         f"Regeluppgiften använder beslutstabellen '{ref}', som inte finns bland DMN-filerna i mappen.",
                         "Lägg DMN-filen i samma mapp som processen eller rätta beslutstabellens id.")


def _intake_fields(ds: DefinitionSet, shared: Registry) -> set[str] | None:
    """Fields of the report forms (staff's and the public's): every case starts with one of them."""
    form, public = _get(ds.intake, "form", str), _get(ds.intake, "public_form", str)
    if not form or form not in shared or (public and public not in shared):
        return None
    return field_names(shared, form) | (field_names(shared, public) if public else set())


def _area(ds: DefinitionSet, scope: Scope, shared: Registry, registry: Registry) -> list[Finding]:
    found: list[Finding] = []
    folder, doc, mode = scope.name, scope.area, ds.mode
    if not scope.area_files:
        found.append(Finding(ERROR, "area.missing", f"processes/{folder}/area.yaml",
                             f"Områdesmappen processes/{folder}/ saknar area.yaml.",
                             "Skapa area.yaml med id, name, entry_process och roles (se docs/definitions.md)."))
    for extra in scope.area_files[1:]:
        found.append(Finding(ERROR, "area.duplicate", extra, "Mappen har mer än en områdesfil (area.yaml/area.yml).",
                             "Behåll en enda area.yaml."))
    processes = {pid: (d, ex) for d in scope.bpmn for pid, ex in d.processes.items()}
    tasks = [(d, t) for d in scope.bpmn for t in d.user_tasks]
    entry = _get(doc, "entry_process", str)
    if doc is not None and entry and not processes.get(entry, (None, False))[1]:
        what = "är inte körbar" if entry in processes else "finns inte i någon av områdets BPMN-filer"
        found.append(Finding(ERROR, "area.entry_process_unknown", doc.file,
                             f"Startprocessen '{entry}' {what}.",
                             "Ange id för områdets körbara process (bpmn:process id) under entry_process:.",
                             line=doc.line("entry_process")))
    task_ids = {t.id for _, t in tasks}
    for index, task_id in enumerate(_get(doc, "closing_tasks", list) or []):
        if isinstance(task_id, str) and task_id not in task_ids:
            found.append(Finding(ERROR, "area.closing_task_unknown", doc.file,
                                 f"Avslutande uppgiften '{task_id}' finns inte som användaruppgift i områdets process.",
                                 "Ange id för en användaruppgift under closing_tasks:, eller ta bort den.",
                                 line=doc.line("closing_tasks", index), element_id=task_id))
    roles = _get(doc, "roles", dict)
    own = {f.name: f for f in scope.forms if not f.ui}
    own_ui = {f.name: f for f in scope.forms if f.ui}
    common = {f.name: f for f in ds.shared if not f.ui}
    common_ui = {f.name: f for f in ds.shared if f.ui}
    used, forms_known = set(own), all(isinstance(f.content, dict) for f in own.values())
    for bpmn, task in tasks:
        node = _node(bpmn, task.id)
        if roles is not None and task.lane and task.lane not in roles:
            found.append(at(ERROR, "bpmn.lane_unknown_role", bpmn.file, node,
                            f"Uppgiften '{task.name or task.id}' ligger i simbanan '{task.lane}', men den rollen "
                            "finns inte i area.yaml.",
                            f"Lägg till rollen under roles: i processes/{folder}/area.yaml eller flytta uppgiften "
                            "till en befintlig simbana."))
        for name, table, shared_table, code in ((task.form, own, common, "bpmn.form_not_found"),
                                                (task.ui_form, own_ui, common_ui, "bpmn.ui_form_not_found")):
            if not name:
                continue
            form = table.get(name) or shared_table.get(name)
            if form is None and not mode.shared_known:
                forms_known = False
            elif form is None:
                found.append(at(ERROR, code, bpmn.file, node,
                                f"Uppgiften '{task.name or task.id}' använder formuläret '{name}', som inte finns i "
                                f"processes/{folder}/forms/ eller forms/.",
                                "Rätta filnamnet i formJsonSchemaFilename/formUiSchemaFilename eller lägg till "
                                "formuläret."))
                forms_known = forms_known and code != "bpmn.form_not_found"
            elif form.broken and code == "bpmn.form_not_found":
                found.append(at(ERROR, "bpmn.form_invalid", bpmn.file, node,
                                f"Formuläret '{name}' som uppgiften '{task.name or task.id}' använder har fel.",
                                f"Rätta felen i {form.file} (se fynden för den filen)."))
            elif code == "bpmn.form_not_found":
                used.add(name)
                forms_known = forms_known and isinstance(form.content, dict)
    found.extend(_references(scope, mode.complete))
    intake = _intake_fields(ds, shared)
    if not forms_known or intake is None or doc is None:
        return found  # some forms or area.yaml are missing or unreadable: which names exist cannot be known
    fields = intake.union(*(field_names(registry, name) for name in used))
    variables = set(_get(doc, "variables", dict) or {})
    known = set(ENGINE_NAMES) | variables | fields
    known |= {n for d in scope.bpmn for n in d.assigns} | {n for d in scope.dmn for n in d.outputs}
    exprs: list[Expr] = [e for d in scope.bpmn for e in d.exprs] + [e for d in scope.dmn for e in d.exprs]
    exprs += doc.exprs if doc is not None else []
    found.extend(unknown_name_findings(exprs, known, _NAME_SCOPE))
    found.extend(_rules(ds, doc, registry, used))
    return found


def _contents(registry: Registry, name: str) -> dict[str, Any]:
    try:
        contents = registry.contents(name)
    except Exception:
        return {}
    return contents if isinstance(contents, dict) else {}


def _node(doc: Any, element_id: str) -> Any:
    return next((n for n in doc.root.iter() if isinstance(n.tag, str) and n.get("id") == element_id), None)


def _rules(ds: DefinitionSet, doc: Any, registry: Registry, used: set[str]) -> Iterator[Finding]:
    """fields_filled must name fields some form of the area has; decision_recorded a decision a form declares."""
    intake_form = _get(ds.intake, "form", str)
    forms = sorted(used | ({intake_form} if intake_form else set()))
    decisions = {_contents(registry, n).get(DECISION) for n in used}
    for index, rule in enumerate(_get(doc, "closure_rules", list) or []):
        if not isinstance(rule, dict):
            continue
        rule_id = str(rule.get("id")) if rule.get("id") is not None else None
        for pos, dotted in enumerate(rule.get("fields") or [] if rule.get("kind") == "fields_filled" else []):
            if isinstance(dotted, str) and not any(has_path(registry, name, dotted) for name in forms):
                yield Finding(ERROR, "area.rule_field_unknown", doc.file,
                              f"Avslutsregeln '{rule_id}' kräver fältet '{dotted}', men inget formulär i området har "
                              "ett sådant fält.",
                              "Rätta fältnamnet (punkt mellan nivåer, t.ex. riskbedomning.sannolikhet) eller lägg till "
                              "fältet i ett formulär.", line=doc.line("closure_rules", index, "fields", pos),
                              element_id=rule_id)
        decision = rule.get("decision")
        if rule.get("kind") == "decision_recorded" and isinstance(decision, str) and decision not in decisions:
            yield Finding(ERROR, "area.rule_decision_unknown", doc.file,
                          f"Avslutsregeln '{rule_id}' kräver beslutet '{decision}', men inget formulär i området "
                          f"deklarerar \"{DECISION}\": \"{decision}\".",
                          f"Rätta beslutsnamnet eller lägg till \"{DECISION}\": \"{decision}\" i beslutsformuläret.",
                          line=doc.line("closure_rules", index, "decision"), element_id=rule_id)


def _root(ds: DefinitionSet, scope: Scope, shared: Registry) -> list[Finding]:
    """processes/ itself: intake.yaml, the routing process and its decision."""
    found: list[Finding] = list(_references(scope, True))
    if not ds.intake_files:
        return found + [Finding(ERROR, "intake.missing", "processes/intake.yaml", "Trädet saknar processes/intake.yaml.",
                                "Skapa intake.yaml med form, routing_process och fallback_area.")]
    for extra in ds.intake_files[1:]:
        found.append(Finding(ERROR, "intake.duplicate", extra, "Det finns mer än en intake-fil.",
                             "Behåll en enda processes/intake.yaml."))
    doc, areas = ds.intake, {name for name in ds.scopes if name}
    if doc is None:
        return found
    shared_names = {f.name for f in ds.shared}
    for key, code in (("form", "intake.form_not_found"), ("ui_form", "intake.ui_form_not_found"),
                      ("public_form", "intake.form_not_found")):
        name = _get(doc, key, str)
        if name and name not in shared_names:
            found.append(Finding(ERROR, code, doc.file, f"Formuläret '{name}' finns inte i forms/.",
                                 f"Rätta {key}: eller lägg formuläret i forms/.", line=doc.line(key)))
    routing = _get(doc, "routing_process", str)
    if routing and not any(d.processes.get(routing) for d in scope.bpmn):
        found.append(Finding(ERROR, "intake.routing_process_unknown", doc.file,
                             f"Fördelningsprocessen '{routing}' finns inte som körbar process i processes/*.bpmn.",
                             "Ange id för fördelningsprocessen (bpmn:process id) under routing_process:.",
                             line=doc.line("routing_process")))
    targets = [(("fallback_area",), _get(doc, "fallback_area", str))]
    targets += [(("fallback_area_by_unit_kind", k), v) for k, v in (_get(doc, "fallback_area_by_unit_kind", dict)
                                                                    or {}).items()]
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
    intake = _intake_fields(ds, shared)
    if intake is not None:
        known = set(ENGINE_NAMES) | intake | {n for d in scope.bpmn for n in d.assigns}
        known |= {n for d in scope.dmn for n in d.outputs}
        exprs = [e for d in scope.bpmn for e in d.exprs] + [e for d in scope.dmn for e in d.exprs]
        found.extend(unknown_name_findings(exprs, known, "rapportformuläret, något skript eller någon beslutstabell"))
    return found


def cross_findings(ds: DefinitionSet) -> list[Finding]:
    shared_forms = [(f.name, f.content) for f in ds.shared if not f.ui]
    shared = build_registry(shared_forms)
    found = _forms(ds.shared, shared, ds.mode.complete)
    registries = {}
    for name, scope in ds.scopes.items():
        registries[name] = build_registry(shared_forms + [(f.name, f.content) for f in scope.forms if not f.ui])
        found.extend(_forms(scope.forms, registries[name], ds.mode.complete))
    if not ds.mode.complete:
        return found
    for name, scope in ds.scopes.items():
        if name:
            found.extend(_area(ds, scope, shared, registries[name]))
    if ds.mode.tree:
        found.extend(_root(ds, ds.scope(""), shared))
    return found
