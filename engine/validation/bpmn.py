"""One BPMN file: what it declares (processes, user tasks, expressions, names it assigns) and its file-local
findings. Cross-file rules (roles, forms, names) use the BpmnDoc this returns.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from lxml import etree

from engine.validation.bpmn_checks import BPMN_NS, NS, executable_processes, structure_findings
from engine.validation.expressions import Expr, assigned_names, check_syntax
from engine.validation.findings import ERROR, Finding
from engine.validation.timers import check_timer
from engine.validation.xmlsafe import at, local

__all__ = ["UserTask", "BpmnDoc", "read_bpmn"]

_FORM = "formJsonSchemaFilename"
_UI_FORM = "formUiSchemaFilename"
_UNIT_FIELD = "avvikUnitField"  # the task goes to the unit this case-data field names (engine/definitions/release.py)


@dataclass(frozen=True)
class UserTask:
    id: str
    name: str | None
    line: int | None
    lane: str | None
    form: str | None
    ui_form: str | None
    unit_field: str | None = None


@dataclass
class BpmnDoc:
    file: str
    root: etree._Element
    processes: dict[str, bool] = field(default_factory=dict)  # process id -> executable
    user_tasks: list[UserTask] = field(default_factory=list)
    calls: list[etree._Element] = field(default_factory=list)  # callActivity nodes
    decisions: list[tuple[etree._Element, str]] = field(default_factory=list)  # businessRuleTask, decision id
    exprs: list[Expr] = field(default_factory=list)
    assigns: set[str] = field(default_factory=set)  # names scripts and tasks put into the case data


def _text(node: etree._Element | None) -> str:
    return (node.text or "").strip() if node is not None else ""


def _spiff(node: etree._Element, path: str) -> list[etree._Element]:
    found: list[etree._Element] = node.findall(f"bpmn:extensionElements/{path}", NS)
    return found


def _lanes(root: etree._Element) -> dict[str, str | None]:
    """Flow node id -> lane name; nested lanes come later in document order, so the innermost wins."""
    lanes: dict[str, str | None] = {}
    for ref in root.iter(f"{{{BPMN_NS}}}flowNodeRef"):
        if ref.text:
            lanes[ref.text.strip()] = ref.getparent().get("name")
    return lanes


def _user_task(file: str, node: etree._Element, lanes: dict[str, str | None]) -> tuple[UserTask, list[Finding]]:
    props = {p.get("name"): p.get("value") for p in _spiff(node, "spiffworkflow:properties/spiffworkflow:property")}
    task = UserTask(node.get("id", ""), node.get("name") or None, node.sourceline, lanes.get(node.get("id", "")),
                    props.get(_FORM) or None, props.get(_UI_FORM) or None, props.get(_UNIT_FIELD) or None)
    found = []
    if task.form is None:
        found.append(at(ERROR, "bpmn.user_task_without_form", file, node,
                        "Användaruppgiften anger inget formulär, så den som gör uppgiften får inget att fylla i.",
                        "Lägg till egenskapen formJsonSchemaFilename med formulärets filnamn, t.ex. vard_triage.json "
                        "(spiffworkflow:properties)."))
    if not task.lane:
        found.append(at(ERROR, "bpmn.user_task_without_lane", file, node,
                        "Användaruppgiften ligger inte i någon simbana, så ingen roll får utföra den.",
                        "Lägg uppgiften i en simbana vars namn är en roll i områdets area.yaml."))
    return task, found


def _expressions(file: str, proc: etree._Element) -> list[Expr]:
    """Every expression and script in a process that the sandbox will run."""
    exprs: list[Expr] = []

    def add(node: etree._Element | None, kind: str, owner: etree._Element, script: bool = False) -> None:
        language = (node.get("language") or "") if node is not None else ""
        # an expression in another language is reported as bpmn.script_language, not as a syntax error
        if node is not None and _text(node) and (not language or "python" in language.lower()):
            exprs.append(Expr(file, kind, (node.text or ""), node.sourceline, owner.get("id"),
                              owner.get("name") or None, script=script))

    for node in proc.iter():
        if not isinstance(node.tag, str):
            continue
        kind = local(node)
        if kind == "sequenceFlow":
            add(node.find("bpmn:conditionExpression", NS), "condition", node)
        elif kind == "conditionalEventDefinition":
            add(node.find("bpmn:condition", NS), "condition", node.getparent())
        elif kind == "standardLoopCharacteristics":
            add(node.find("bpmn:loopCondition", NS), "loop", node.getparent())
        elif kind == "multiInstanceLoopCharacteristics":
            add(node.find("bpmn:loopCardinality", NS), "loop", node.getparent())
            add(node.find("bpmn:completionCondition", NS), "loop", node.getparent())
        elif kind == "scriptTask" and "python" in (node.get("scriptFormat") or "python").lower():
            add(node.find("bpmn:script", NS), "script", node, script=True)
        if kind in {"preScript", "postScript"} and node.getparent() is not None:
            add(node, "script", node.getparent().getparent(), script=True)
    return exprs


def _assigns(proc: etree._Element, exprs: list[Expr]) -> set[str]:
    names: set[str] = set()
    for expr in exprs:
        if expr.script:
            names |= assigned_names(expr.source)
    for node in proc.iter():
        if not isinstance(node.tag, str):
            continue
        kind = local(node)
        if kind in {"inputDataItem", "outputDataItem", "dataObject", "dataObjectReference"}:
            names |= {v for v in (node.get("name"), node.get("id")) if v}
        elif kind in {"loopDataOutputRef", "messageVariable", "variableName"} and node.text:
            names.add(node.text.strip())
        elif kind == "serviceTaskOperator" and node.get("resultVariable"):
            names.add(node.get("resultVariable", ""))
    return names


def read_bpmn(file: str, root: etree._Element) -> tuple[BpmnDoc | None, list[Finding]]:
    """The document model and file-local findings; None if this is not a BPMN document at all."""
    if root.tag != f"{{{BPMN_NS}}}definitions":
        return None, [Finding(ERROR, "bpmn.wrong_root", file,
                              f"Filen är XML men ingen BPMN 2.0-fil (den börjar med <{local(root) or root.tag}>).",
                              "Spara processen som BPMN 2.0 (.bpmn) från modelleringsverktyget.",
                              line=root.sourceline)]
    doc = BpmnDoc(file, root)
    found = structure_findings(file, root)
    processes = root.findall("bpmn:process", NS)
    doc.processes = {p.get("id", ""): p.get("isExecutable", "true") == "true" for p in processes}
    executable = executable_processes(root)
    if not executable:
        first = processes[0] if processes else root.find("bpmn:collaboration", NS)
        what = ("alla processer är markerade som icke körbara (isExecutable=\"false\")" if processes
                else "den beskriver bara andra parter (pooler utan process)")
        found.append(at(ERROR, "bpmn.not_executable", file, first if first is not None else root,
                        f"Filen innehåller ingen process som kan köras: {what}.",
                        "Markera områdets process som körbar (Executable / isExecutable=\"true\") i "
                        "modelleringsverktyget och rita flödet i den."))
    lanes = _lanes(root)
    for proc in executable:
        for node in proc.iter(f"{{{BPMN_NS}}}userTask"):
            task, task_found = _user_task(file, node, lanes)
            doc.user_tasks.append(task)
            found.extend(task_found)
        doc.calls.extend(proc.iter(f"{{{BPMN_NS}}}callActivity"))
        for node in proc.iter(f"{{{BPMN_NS}}}businessRuleTask"):
            ref = _text(node.find("bpmn:extensionElements/spiffworkflow:calledDecisionId", NS))
            if ref:
                doc.decisions.append((node, ref))
        exprs = _expressions(file, proc)
        for node in proc.iter(f"{{{BPMN_NS}}}timerEventDefinition"):
            timer_found, timer_exprs = check_timer(file, node.getparent(), node)
            found.extend(timer_found)
            exprs.extend(timer_exprs)
        for expr in exprs:
            if expr.kind != "timer":  # check_timer has checked its own
                found.extend(check_syntax(expr))
        doc.exprs.extend(exprs)
        doc.assigns |= _assigns(proc, exprs)
    return doc, found
