"""The rules that tie an area folder together: area.yaml against its processes, lanes against roles, user tasks
against forms, names in expressions against what the case data can hold, closure rules against forms.

A variant (processes/<area>/variants/<name>/*.bpmn) brings its own BPMN and shares everything else with its
area — area.yaml, forms, decision tables — exactly as the release loader reads it.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from referencing import Registry

from engine.validation.areas import YamlDoc
from engine.validation.bpmn import BpmnDoc, UserTask
from engine.validation.dmn import DmnDoc
from engine.validation.expressions import ENGINE_NAMES, Expr, unknown_name_findings
from engine.validation.exports import export_source_findings
from engine.validation.findings import ERROR, WARNING, Finding
from engine.definitions.forms import DECISION, field_names, has_path
from engine.validation.forms import FormFile
from engine.validation.model import DefinitionSet, Scope
from engine.validation.notifications import notification_findings
from engine.validation.timers import timer_variable_findings
from engine.validation.xmlsafe import at

__all__ = ["area_findings", "references", "get"]

_NAME_SCOPE = "varken områdets formulär, rapportformuläret, area.yaml, något skript eller någon beslutstabell"


def get(doc: YamlDoc | None, key: str, kind: type) -> Any:
    value = doc.data.get(key) if doc is not None else None
    return value if isinstance(value, kind) else None


def references(bpmn: list[BpmnDoc], dmn: list[DmnDoc], complete: bool) -> Iterator[Finding]:
    """Call activities and business-rule tasks must find their process / decision among the files read with them."""
    processes = {pid for doc in bpmn for pid in doc.processes}
    decisions = {d for doc in dmn for d in doc.decisions}
    for doc in bpmn if complete else []:
        for node in doc.calls:
            target = node.get("calledElement")
            if target and target not in processes:
                yield at(ERROR, "bpmn.call_activity_unknown", doc.file, node,
                         f"Anropsaktiviteten startar processen '{target}', som inte finns i mappen.",
                         "Lägg den anropade processen i samma mapp eller rätta calledElement.")
        for node, ref in doc.decisions:
            if ref not in decisions:
                yield at(ERROR, "bpmn.decision_unknown", doc.file, node,
                         f"Regeluppgiften använder beslutstabellen '{ref}', som inte finns bland områdets DMN-filer.",
                         "Lägg DMN-filen i områdets mapp (processes/<område>/) eller rätta beslutstabellens id.")


def _node(doc: BpmnDoc, element_id: str) -> Any:
    return next((n for n in doc.root.iter() if isinstance(n.tag, str) and n.get("id") == element_id), None)


def _processes(doc: YamlDoc, scope: Scope, where: str) -> Iterator[Finding]:
    """entry_process must be an executable process here, closing_tasks user tasks here."""
    processes = {pid: ex for d in scope.bpmn for pid, ex in d.processes.items()}
    entry = get(doc, "entry_process", str)
    if entry and not processes.get(entry):
        what = "är inte körbar" if entry in processes else f"finns inte i {where}"
        yield Finding(ERROR, "area.entry_process_unknown", doc.file, f"Startprocessen '{entry}' {what}.",
                      "Ange id för områdets körbara process (bpmn:process id) under entry_process:.",
                      line=doc.line("entry_process"))
    if not scope.bpmn:
        return
    called = {node.get("calledElement") for d in scope.bpmn for node in d.calls}
    for bpmn in scope.bpmn:
        for process in bpmn.root.iterfind("{*}process"):
            pid = process.get("id")
            if entry and bpmn.processes.get(pid or "") and pid != entry and pid not in called:
                yield at(WARNING, "area.process_unused", bpmn.file, process,
                         f"Processen '{pid}' körs aldrig: den är inte startprocessen ({entry}) och ingen "
                         "anropsaktivitet startar den.",
                         "Ta bort processen, anropa den från startprocessen eller ange den som entry_process:.")
    task_ids = {t.id for d in scope.bpmn for t in d.user_tasks}
    for index, task_id in enumerate(get(doc, "closing_tasks", list) or []):
        if isinstance(task_id, str) and task_id not in task_ids:
            yield Finding(ERROR, "area.closing_task_unknown", doc.file,
                          f"Avslutande uppgiften '{task_id}' finns inte som användaruppgift i {where}.",
                          "Ange id för en användaruppgift under closing_tasks:, eller ta bort den.",
                          line=doc.line("closing_tasks", index), element_id=task_id)


def _task(ds: DefinitionSet, base: Scope, bpmn: BpmnDoc, task: UserTask, used: set[str]) -> Iterator[Finding | None]:
    """Lane and forms of one user task; yields None when a form is not here to know its fields."""
    node, label, folder = _node(bpmn, task.id), task.name or task.id, base.name
    roles = get(base.area, "roles", dict)
    if roles is not None and task.lane and task.lane not in roles:
        yield at(ERROR, "bpmn.lane_unknown_role", bpmn.file, node,
                 f"Uppgiften '{label}' ligger i simbanan '{task.lane}', men den rollen finns inte i area.yaml.",
                 f"Lägg till rollen under roles: i processes/{folder}/area.yaml eller flytta uppgiften till en "
                 "befintlig simbana.")
    for name, ui in ((task.form, False), (task.ui_form, True)):
        if not name:
            continue
        pool: list[FormFile] = [f for f in base.forms + ds.shared if f.ui == ui and f.name == name]
        form = pool[0] if pool else None  # the area's own form shadows a shared one of the same name
        if form is None and not ds.mode.shared_known:
            yield None
        elif form is None:
            yield at(ERROR, "bpmn.ui_form_not_found" if ui else "bpmn.form_not_found", bpmn.file, node,
                     f"Uppgiften '{label}' använder formuläret '{name}', som inte finns i processes/{folder}/forms/ "
                     "eller forms/.",
                     "Rätta filnamnet i formJsonSchemaFilename/formUiSchemaFilename eller lägg till formuläret.")
            if not ui:
                yield None
        elif not ui and form.broken:
            yield at(ERROR, "bpmn.form_invalid", bpmn.file, node,
                     f"Formuläret '{name}' som uppgiften '{label}' använder har fel.",
                     f"Rätta felen i {form.file} (se fynden för den filen).")
            yield None
        elif not ui:
            used.add(name)


def _unit_fields(docs: list[BpmnDoc], registry: Registry, used: set[str]) -> Iterator[Finding]:
    """avvikUnitField must name a field some form of the area has (it holds the unit the task goes to)."""
    for bpmn in docs:
        for task in bpmn.user_tasks:
            if task.unit_field and not any(has_path(registry, name, task.unit_field) for name in used):
                yield at(ERROR, "bpmn.unit_field_unknown", bpmn.file, _node(bpmn, task.id),
                         f"Uppgiften '{task.name or task.id}' ska gå till enheten i fältet '{task.unit_field}', "
                         "men inget formulär i området har det fältet.",
                         "Rätta avvikUnitField till ett fält (med punkter) i ett av områdets formulär, helst ett "
                         'med "x-avvik-unit".')


def _rules(ds: DefinitionSet, doc: YamlDoc, registry: Registry, used: set[str]) -> Iterator[Finding]:
    """fields_filled must name fields some form of the area has; decision_recorded a decision a form declares."""
    intake_form = get(ds.intake, "form", str)
    forms = sorted(used | ({intake_form} if intake_form else set()))
    decisions = {registry.contents(n).get(DECISION) for n in used if n in registry}
    for index, rule in enumerate(get(doc, "closure_rules", list) or []):
        if not isinstance(rule, dict):
            continue
        rule_id = str(rule.get("id")) if rule.get("id") is not None else None
        fields = rule.get("fields") if rule.get("kind") == "fields_filled" else None
        for pos, dotted in enumerate(fields if isinstance(fields, list) else []):
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


def _restricting(doc: YamlDoc, decisions: set[Any]) -> Iterator[Finding]:
    """access: restricted: after_decisions must name decisions some form of the area records."""
    restricted = (get(doc, "access", dict) or {}).get("restricted")
    names = restricted.get("after_decisions") if isinstance(restricted, dict) else None
    for pos, name in enumerate(names if isinstance(names, list) else []):
        if isinstance(name, str) and name not in decisions:
            yield Finding(ERROR, "area.restricted_decision_unknown", doc.file,
                          f"Ärendet ska begränsas efter beslutet '{name}', men inget formulär i området deklarerar "
                          f"\"{DECISION}\": \"{name}\".",
                          "Rätta beslutsnamnet under access: restricted: after_decisions:.",
                          line=doc.line("access", "restricted", "after_decisions", pos))


def area_findings(ds: DefinitionSet, scope: Scope, base: Scope, registry: Registry,
                  intake_fields: set[str] | None) -> list[Finding]:
    """All area rules for one folder: the area itself (scope is base) or one of its variants."""
    found: list[Finding] = []
    doc, variant = base.area, scope is not base
    where = f"BPMN-filerna i {scope.name.split('/', 1)[1]}/" if variant else "områdets BPMN-filer"
    if not variant and not base.area_files:
        found.append(Finding(ERROR, "area.missing", f"processes/{base.name}/area.yaml",
                             f"Områdesmappen processes/{base.name}/ saknar area.yaml.",
                             "Skapa area.yaml med id, name, entry_process och roles (se docs/definitions.md)."))
    if doc is None:
        return found  # without area.yaml nothing else of the area can be checked
    found.extend(_processes(doc, scope, where))
    if not scope.bpmn:
        return found  # no process yet: what tasks, forms and names it will have cannot be checked
    used = {f.name for f in base.forms if not f.ui and isinstance(f.content, dict)}
    results = [r for d in scope.bpmn for t in d.user_tasks for r in _task(ds, base, d, t, used)]
    found.extend(r for r in results if r is not None)
    found.extend(references(scope.bpmn, base.dmn, ds.mode.complete))
    if None in results or intake_fields is None or any(not isinstance(f.content, dict) for f in base.forms):
        return found  # some forms are missing or unreadable: which names exist cannot be known
    fields = intake_fields.union(*(field_names(registry, name) for name in used))
    known = set(ENGINE_NAMES) | set(get(doc, "variables", dict) or {}) | fields
    known |= {n for d in scope.bpmn for n in d.assigns} | {n for d in base.dmn for n in d.outputs}
    exprs: list[Expr] = [e for d in scope.bpmn for e in d.exprs]
    if not variant:  # the area's DMN and area.yaml are checked once, with the area
        exprs += [e for d in base.dmn for e in d.exprs] + doc.exprs
    found.extend(unknown_name_findings(exprs, known, _NAME_SCOPE))
    found.extend(timer_variable_findings(exprs, doc))
    found.extend(_rules(ds, doc, registry, used))
    found.extend(_unit_fields(scope.bpmn, registry, used))
    found.extend(_restricting(doc, {registry.contents(n).get(DECISION) for n in used if n in registry}))
    if not variant:
        intake_form = get(ds.intake, "form", str)
        forms = used | ({intake_form} if intake_form else set())
        scalars = set(ENGINE_NAMES) | set(get(doc, "variables", dict) or {})
        found.extend(export_source_findings(base.exports, registry, forms, scalars))
        public_form = get(ds.intake, "public_form", str)
        roles = set(get(doc, "roles", dict) or {}) | {t.lane for d in scope.bpmn for t in d.user_tasks if t.lane}
        roles |= set((get(doc, "access", dict) or {}).get("readers") or [])
        found.extend(notification_findings(base.notifications, ds.scope("").notifications, registry,
                                           sorted(forms | ({public_form} if public_form else set())), roles,
                                           {t.id for d in scope.bpmn for t in d.user_tasks}))
    return found
