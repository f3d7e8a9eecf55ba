"""The structural traps of BPMN files that SpiffWorkflow 3.2.0 either refuses with a cryptic message, refuses
one at a time, or crashes on (docs ENGINE-NOTES). Found here first so each gets a specific, located message.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator

from lxml import etree

from engine.validation.findings import ERROR, WARNING, Finding
from engine.validation.languages import foreign_message, language_from_attribute
from engine.validation.xmlsafe import at, local

__all__ = ["BPMN_NS", "SPIFF_NS", "NS", "structure_findings", "executable_processes"]

BPMN_NS = "http://www.omg.org/spec/BPMN/20100524/MODEL"
SPIFF_NS = "http://spiffworkflow.org/bpmn/schema/1.0/core"
NS = {"bpmn": BPMN_NS, "spiffworkflow": SPIFF_NS}
# Engines whose extensions SpiffWorkflow silently ignores: the behaviour they configure would just be lost.
_VENDOR_NS = {
    "http://camunda.org/schema/1.0/bpmn": "Camunda", "http://camunda.org/schema/zeebe/1.0": "Zeebe",
    "http://activiti.org/bpmn": "Activiti", "http://flowable.org/bpmn": "Flowable",
}
_GATEWAYS = {"exclusiveGateway", "inclusiveGateway", "parallelGateway", "eventBasedGateway", "complexGateway"}
_MULTI_OUT = _GATEWAYS | {"startEvent"}  # what SpiffWorkflow lets have several outgoing flows
_DECISION = "spiffworkflow:calledDecisionId"
_ACTIVITIES = {"task", "userTask", "manualTask", "scriptTask", "serviceTask", "sendTask", "receiveTask",
               "businessRuleTask", "callActivity", "subProcess", "transaction", "adHocSubProcess"}
_FLOW_NODES = _ACTIVITIES | _GATEWAYS | {"startEvent", "endEvent", "intermediateCatchEvent",
                                         "intermediateThrowEvent", "boundaryEvent"}


def executable_processes(root: etree._Element) -> list[etree._Element]:
    # SpiffWorkflow treats a missing isExecutable as executable
    return [p for p in root.iterfind("bpmn:process", NS) if p.get("isExecutable", "true") == "true"]


def _elements(proc: etree._Element) -> Iterator[etree._Element]:
    return (e for e in proc.iter() if isinstance(e.tag, str) and e.tag.startswith("{" + BPMN_NS))


def _text(node: etree._Element | None) -> str:
    return (node.text or "").strip() if node is not None else ""


def _event_refs(file: str, root: etree._Element, proc: etree._Element) -> Iterator[Finding]:
    defined = {kind: {e.get("id") for e in root.iterfind(f"bpmn:{kind}", NS)}
               for kind in ("message", "signal", "error", "escalation")}
    swedish = {"message": "meddelandet", "signal": "signalen", "error": "felet", "escalation": "eskaleringen"}
    for kind in defined:
        for node in proc.iterfind(f".//bpmn:{kind}EventDefinition", NS):
            ref = node.get(f"{kind}Ref")
            if ref and ref not in defined[kind]:
                yield at(ERROR, "bpmn.event_ref_unknown", file, node.getparent(),
                         f"Händelsen hänvisar till {swedish[kind]} '{ref}', som inte finns i filen.",
                         f"Välj {swedish[kind]} bland de som finns i filen (modelleringsverktyget) eller ta bort "
                         "hänvisningen.")


def _flows(file: str, proc: etree._Element, ids: set[str]) -> Iterator[Finding]:
    outgoing: dict[str, list[etree._Element]] = {}
    for flow in proc.iter(f"{{{BPMN_NS}}}sequenceFlow"):
        for attr in ("sourceRef", "targetRef"):
            if flow.get(attr) not in ids:
                yield at(ERROR, "bpmn.flow_ref_missing", file, flow,
                         f"Flödespilen pekar på '{flow.get(attr) or ''}', som inte finns i processen.",
                         "Rita om pilen mellan två befintliga element i modelleringsverktyget.")
        outgoing.setdefault(flow.get("sourceRef", ""), []).append(flow)
    for node in _elements(proc):
        kind, flows = local(node), outgoing.get(node.get("id", ""), [])
        if kind in _FLOW_NODES and kind not in _MULTI_OUT and len(flows) > 1:
            yield at(ERROR, "bpmn.multiple_outgoing", file, node,
                     f"Elementet har {len(flows)} utgående flödespilar utan en beslutspunkt (gateway). "
                     "Motorn stöder inte det.",
                     "Låt en enda pil gå till en exklusiv gateway (villkor) eller parallell gateway (samtidigt) "
                     "och dela upp flödet där.")
        if kind in {"exclusiveGateway", "inclusiveGateway"} and len(flows) > 1:
            yield from _gateway(file, node, flows)


def _gateway(file: str, gateway: etree._Element, flows: list[etree._Element]) -> Iterator[Finding]:
    default = gateway.get("default")
    unconditioned = 0
    for flow in flows:
        if flow.get("id") == default or _text(flow.find("bpmn:conditionExpression", NS)):
            continue
        unconditioned += 1
        label = f"Grenen '{flow.get('name')}'" if flow.get("name") else "En gren"
        yield at(ERROR, "bpmn.branch_without_condition", file, flow,
                 f"{label} från beslutspunkten '{gateway.get('name') or gateway.get('id')}' har inget villkor och "
                 "är inte standardflöde; en etikett på pilen räknas inte som villkor.",
                 'Skriv ett villkor på pilen, t.ex. triage["beslut"] == "accepterad", eller gör den till '
                 "standardflöde (default).")
    if local(gateway) == "exclusiveGateway" and not default:
        # every branch has a condition: other engines accept this, and it runs as long as one condition holds
        yield at(WARNING if not unconditioned else ERROR, "bpmn.gateway_no_default", file, gateway,
                 "Beslutspunkten har flera utgående grenar men inget standardflöde, så den täcker kanske inte alla "
                 "fall: om inget villkor stämmer stannar ärendet med ett fel.",
                 "Markera en av grenarna som standardflöde (default flow) i modelleringsverktyget, eller se till "
                 "att villkoren tillsammans täcker alla fall.")


def _activity(file: str, node: etree._Element) -> Iterator[Finding]:
    kind = local(node)
    if kind in {"subProcess", "transaction"}:
        starts = node.findall("bpmn:startEvent", NS)
        if len(starts) != 1:
            yield at(ERROR, "bpmn.subprocess_without_start", file, node,
                     f"Underprocessen har {len(starts)} starthändelser; den måste ha exakt en.",
                     "Lägg in en (enda) starthändelse utan typ i underprocessen.")
        if not node.findall("bpmn:endEvent", NS):
            yield at(ERROR, "bpmn.subprocess_without_end", file, node,
                     "Underprocessen saknar sluthändelse.", "Lägg in en sluthändelse i underprocessen.")
    elif kind == "scriptTask":
        language = language_from_attribute(node.get("scriptFormat"))
        if language:
            message, fix = foreign_message("Skriptet", "", language)
            yield at(ERROR, "bpmn.script_language", file, node, message, fix)
        if not _text(node.find("bpmn:script", NS)):
            yield at(ERROR, "bpmn.script_missing", file, node, "Skriptuppgiften saknar skript.",
                     "Skriv skriptet i uppgiften eller byt den mot en vanlig uppgift.")
    elif kind == "serviceTask" and node.find("bpmn:extensionElements/spiffworkflow:serviceTaskOperator", NS) is None:
        yield at(ERROR, "bpmn.service_task", file, node,
                 "Tjänsteuppgifter (anrop till andra system) kan inte köras av avvik.",
                 "Byt till en användaruppgift (någon gör det) eller en skriptuppgift (en beräkning).")
    elif kind == "callActivity" and not node.get("calledElement"):
        yield at(ERROR, "bpmn.call_activity_without_target", file, node,
                 "Anropsaktiviteten anger inte vilken process den ska starta.",
                 "Ange id för den anropade processen (calledElement).")
    elif kind == "businessRuleTask" and not _text(node.find(f"bpmn:extensionElements/{_DECISION}", NS)):
        yield at(ERROR, "bpmn.business_rule_without_decision", file, node,
                 "Regeluppgiften anger inte vilken beslutstabell (DMN) den ska använda.",
                 "Ange beslutstabellens id (Called Decision ID i modelleringsverktyget).")
    loop = node.find("bpmn:standardLoopCharacteristics", NS)
    if loop is not None and not loop.get("loopMaximum"):
        yield at(ERROR, "bpmn.loop_unbounded", file, node,
                 "Uppgiften upprepas i en loop utan högsta antal varv; en loop utan gräns kan köra fast ärendet.",
                 "Ange ett högsta antal varv (loopMaximum).")
    multi = node.find("bpmn:multiInstanceLoopCharacteristics", NS)
    if multi is not None:
        given = [c for c in ("loopCardinality", "loopDataInputRef") if multi.find(f"bpmn:{c}", NS) is not None]
        if len(given) != 1:
            yield at(ERROR, "bpmn.multi_instance_without_input", file, node,
                     "Uppgiften ska köras flera gånger, men det står inte hur många (eller står på två sätt).",
                     "Ange antingen ett antal (loopCardinality) eller en lista att gå igenom (loopDataInputRef).")


def _vendor(file: str, proc: etree._Element) -> Iterator[Finding]:
    seen: dict[int, tuple[etree._Element, set[str]]] = {}
    bpmn = "{" + BPMN_NS
    for node in proc.iter():
        if not isinstance(node.tag, str):
            continue
        names = {f"{_VENDOR_NS[q.namespace]} {q.localname}" for q in map(etree.QName, [node.tag, *node.attrib])
                 if q.namespace in _VENDOR_NS}
        if names:
            target = next((a for a in (node, *node.iterancestors()) if a.get("id") and a.tag.startswith(bpmn)), node)
            seen.setdefault(id(target), (target, set()))[1].update(names)
    for target, names in seen.values():
        yield at(ERROR, "bpmn.vendor_extension", file, target,
                 f"Elementet använder inställningar för en annan motor ({', '.join(sorted(names))}). "
                 "avvik läser dem inte, så det de styr skulle tyst försvinna.",
                 "Gör om inställningen med spiff-arenas modellerare (t.ex. formulär via formJsonSchemaFilename) och "
                 "ta bort Camunda/Zeebe-inställningarna.")


def structure_findings(file: str, root: etree._Element) -> list[Finding]:
    found: list[Finding] = []
    for message in root.iterfind("bpmn:message", NS):
        if not message.get("name"):
            found.append(at(ERROR, "bpmn.message_without_name", file, message,
                            "Meddelandet saknar namn; motorn kan inte läsa processen då.",
                            "Ge meddelandet ett namn i modelleringsverktyget."))
    for store in root.iter(f"{{{BPMN_NS}}}dataStore"):
        found.append(at(ERROR, "bpmn.data_store", file, store,
                        "Filen har ett datalager (data store); avvik kan inte koppla processer till externa datalager.",
                        "Ta bort datalagret. Data som ska sparas i ärendet hämtas med formulär."))
    own = [e for e in root.iter() if isinstance(e.tag, str) and e.tag.startswith("{" + BPMN_NS) and e.get("id")]
    counts = Counter(e.get("id") for e in own)  # ids in other tools' extensions are not BPMN ids
    for element in own:
        if counts.get(element.get("id"), 0) > 1:
            found.append(at(ERROR, "bpmn.duplicate_id", file, element,
                            f"Id '{element.get('id')}' används av flera element i filen.",
                            "Ge varje element ett eget id."))
            counts[element.get("id")] = 0  # one finding per id
    for proc in executable_processes(root):
        ids = {e.get("id") for e in proc.iter() if isinstance(e.tag, str) and e.get("id")}
        if proc.find("bpmn:startEvent", NS) is None:
            found.append(at(ERROR, "bpmn.no_start_event", file, proc, "Processen saknar starthändelse.",
                            "Lägg in en starthändelse utan typ där ärendet ska börja."))
        found.extend(_flows(file, proc, ids))
        found.extend(_event_refs(file, root, proc))
        found.extend(_vendor(file, proc))
        for node in _elements(proc):
            kind = local(node)
            if kind in _ACTIVITIES:
                found.extend(_activity(file, node))
            elif kind == "dataStoreReference":
                found.append(at(ERROR, "bpmn.data_store", file, node,
                                "Processen använder ett datalager (data store); det stöder inte avvik.",
                                "Ta bort datalagret. Data som ska sparas i ärendet hämtas med formulär."))
            elif kind == "complexGateway":
                found.append(at(ERROR, "bpmn.unsupported_element", file, node,
                                "Komplexa gateways stöds inte av motorn.",
                                "Använd en exklusiv, inkluderande eller parallell gateway."))
            elif kind == "boundaryEvent" and not any(local(c).endswith("EventDefinition") for c in node):
                found.append(at(ERROR, "bpmn.boundary_without_event", file, node,
                                "Händelsen på kanten av uppgiften saknar typ (timer, meddelande, fel …).",
                                "Välj vilken sorts händelse det är, eller ta bort den."))
            elif kind in {"conditionExpression", "formalExpression", "condition", "loopCondition",
                          "completionCondition", "loopCardinality"} \
                    and language_from_attribute(node.get("language")):  # timers: engine/validation/timers.py
                label = "Villkoret"
                text = " ".join((node.text or "").split())
                quoted = f"'{text[:77]}…'" if len(text) > 80 else f"'{text}'"
                message, fix = foreign_message(label, quoted, language_from_attribute(node.get("language")) or "")
                found.append(at(ERROR, "bpmn.script_language", file, node, message, fix))
    return found
