"""Running SpiffWorkflow's own parser over a set of BPMN/DMN files, turning whatever it raises into findings.

The structural checks run first and explain the known traps; this is the safety net for everything else the
engine would refuse at publishing. SpiffWorkflow stops at the first problem of each process, and some of its
messages are bare Python errors, so every exception is caught and translated where we know what it means.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from lxml import etree

from engine.validation.bpmn import BpmnDoc
from engine.validation.findings import ERROR, Finding
from engine.validation.xmlsafe import at

__all__ = ["spiff_findings"]

_STUB_DMN = ('<definitions xmlns="https://www.omg.org/spec/DMN/20191111/MODEL/" id="stub" namespace="stub">'
             '<decision id="{id}"><decisionTable id="stub_table"/></decision></definitions>')
_FIX = "Öppna processen i modelleringsverktyget och rätta elementet."
# (pattern in SpiffWorkflow's message, code, Swedish message, fix)
_KNOWN: list[tuple[str, str, str, str]] = [
    (r"Data Store", "bpmn.data_store", "Filen har ett datalager (data store) som avvik inte kan använda.",
     "Ta bort datalagret."),
    (r"Service Task must have an operator", "bpmn.service_task",
     "Tjänsteuppgifter (anrop till andra system) kan inte köras av avvik.",
     "Byt till en användar- eller skriptuppgift."),
    (r"Exactly one start event is required", "bpmn.subprocess_without_start",
     "Underprocessen måste ha exakt en starthändelse.", "Lägg in en starthändelse i underprocessen."),
    (r"Must contain an End event", "bpmn.subprocess_without_end", "Underprocessen saknar sluthändelse.",
     "Lägg in en sluthändelse i underprocessen."),
    (r"Multiple outgoing flows", "bpmn.multiple_outgoing", "Elementet har flera utgående flödespilar.",
     "Dela upp flödet med en gateway."),
    (r"without condition", "bpmn.branch_without_condition", "En gren från en beslutspunkt saknar villkor.",
     "Skriv ett villkor på pilen eller gör den till standardflöde."),
    (r"loopMaximum or loopCondition", "bpmn.loop_unbounded", "Loopen saknar gräns.", "Ange loopMaximum."),
    (r"multiinstance task must specify", "bpmn.multi_instance_without_input",
     "Det står inte hur många gånger uppgiften ska köras.", "Ange loopCardinality eller loopDataInputRef."),
    (r"No start event found", "bpmn.no_start_event", "Processen saknar starthändelse.", "Lägg in en starthändelse."),
    (r"is not executable", "bpmn.not_executable", "Processen är inte körbar.", "Markera processen som körbar."),
    (r"No DMN Diagram available with id \"?([^\",]*)", "bpmn.decision_unknown",
     "Regeluppgiften använder beslutstabellen '{0}', som inte finns bland områdets DMN-filer.",
     "Lägg DMN-filen i samma mapp som processen eller rätta beslutstabellens id (Called Decision ID)."),
    (r"process '([^']*)' was not found", "bpmn.call_activity_unknown",
     "Processen '{0}' som anropas finns inte bland områdets BPMN-filer.",
     "Lägg den anropade processen i samma mapp eller rätta calledElement."),
    (r"Duplicate process ID: (\S*)", "bpmn.duplicate_process_id",
     "Process-id '{0}' finns i flera BPMN-filer i samma mapp.", "Ge varje process ett eget id."),
    (r"Cannot resolve data(Input|Output)Association", "bpmn.data_association_unresolved",
     "Uppgiften läser eller skriver ett dataobjekt eller datalager som inte finns i samma process.",
     "Koppla uppgiften till ett dataobjekt i samma process, eller ta bort kopplingen."),
    (r"no support implemented for this task type|Ad hoc|Unsupported Catch Event", "bpmn.unsupported_element",
     "Den här sortens element stöds inte av motorn.", "Ersätt elementet med en uppgift eller gateway som stöds."),
    (r"Time Specification", "bpmn.timer_invalid", "Timern kan inte läsas av motorn.",
     "Ange t.ex. varaktigheten P3D (3 dagar) eller PT4H (4 timmar)."),
    (r"Cancel Events may only be used with transactions", "bpmn.cancel_outside_transaction",
     "Avbrytshändelser får bara användas i transaktioner.", "Ta bort avbrytshändelsen eller använd en transaktion."),
    (r"RecursionError", "bpmn.too_complex",
     "Processen har för långa kedjor av steg för att motorn ska kunna läsa den (flera hundra steg i följd).",
     "Dela upp processen i underprocesser eller anropade processer."),
    (r"unexpected keyword argument 'node'", "bpmn.event_ref_unknown",
     "En händelse hänvisar till ett meddelande, en signal, ett fel eller en eskalering som saknas eller saknar namn.",
     "Kontrollera att varje meddelande, signal, fel och eskalering som används finns i filen och har ett namn."),
]


def _translate(exc: BaseException) -> tuple[str, str, str]:
    text = str(exc.args[0]) if getattr(exc, "args", None) else str(exc)
    for pattern, code, message, fix in _KNOWN:
        match = re.search(pattern, text)
        if match:
            return code, message.format(*match.groups()), fix
    return "bpmn.engine_error", "Motorn (SpiffWorkflow) kan inte läsa elementet.", _FIX


def _by_id(roots: dict[str, etree._Element], file: str, element_id: str) -> tuple[str, etree._Element | None]:
    """The file and element an exception is about; SpiffWorkflow sometimes leaves the file name empty."""
    candidates = [file] if file in roots else list(roots)
    for name in candidates:
        for node in roots[name].iter():
            if isinstance(node.tag, str) and node.get("id") == element_id:
                return name, node
    return (file if file in roots else (candidates[0] if candidates else file)), None


def _finding(exc: BaseException, roots: dict[str, etree._Element], file: str,
             fallback: etree._Element | None) -> Finding:
    code, message, fix = _translate(exc)
    element_id = getattr(exc, "id", "") or ""
    named_file = getattr(exc, "file_name", "") or file
    found_file, node = _by_id(roots, named_file, element_id) if element_id else (named_file, None)
    line = getattr(exc, "line_number", None)  # set by SpiffWorkflow only for schema errors; lxml lines otherwise
    text = str(exc.args[0]) if getattr(exc, "args", None) else str(exc)
    return at(ERROR, code, found_file, node if node is not None else fallback, message, fix,
              line=line if isinstance(line, int) and line > 0 else None, detail=text.strip() or type(exc).__name__)


def spiff_findings(bpmn: Iterable[BpmnDoc], dmn: dict[str, etree._Element], complete: bool) -> list[Finding]:
    """Findings from SpiffWorkflow's parser for one folder's processes (its own BPMN and DMN files).

    With complete=False (single files) decisions and called processes that live in other files are stubbed or
    skipped: their absence is not this file's fault.
    """
    from SpiffWorkflow.spiff.parser.process import SpiffBpmnParser

    docs = list(bpmn)
    roots = {d.file: d.root for d in docs} | dict(dmn)
    parser = SpiffBpmnParser()
    found: list[Finding] = []
    for file, root in dmn.items():
        try:
            parser.add_dmn_xml(root, filename=file)
        except Exception as exc:
            found.append(_finding(exc, roots, file, root))
    if not complete:
        for doc in docs:
            for _, ref in doc.decisions:
                if ref not in parser.dmn_parsers:
                    try:
                        parser.add_dmn_xml(etree.fromstring(_STUB_DMN.format(id=ref).encode()), filename="")
                    except Exception:
                        pass  # an id that breaks the stub is reported by the BPMN checks
    loaded: list[BpmnDoc] = []
    for doc in docs:
        try:
            parser.add_bpmn_xml(doc.root, filename=doc.file)
            loaded.append(doc)
        except Exception as exc:
            found.append(_finding(exc, roots, doc.file, doc.root))
    for doc in loaded:
        for process_id, executable in doc.processes.items():
            if not executable:
                continue
            fallback = doc.root.find(f"{{*}}process[@id='{process_id}']") if "'" not in process_id else doc.root
            try:
                parser.get_spec(process_id)
                parser.get_subprocess_specs(process_id, require_call_activity_specs=complete)
            except Exception as exc:
                finding = _finding(exc, roots, doc.file, fallback)
                if complete or finding.code not in {"bpmn.call_activity_unknown", "bpmn.decision_unknown"}:
                    found.append(finding)
    return found
