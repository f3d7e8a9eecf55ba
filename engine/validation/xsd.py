"""BPMN 2.0 / DMN schema (XSD) validation with the schemas SpiffWorkflow ships, as located findings.

Only the first few schema errors are reported: one misplaced element often makes libxml2 report its
neighbours too, and a process owner fixes the first and saves again.
"""

from __future__ import annotations

import re
import threading
from copy import deepcopy

from lxml import etree

from engine.validation.bpmn_checks import BPMN_NS, NS
from engine.validation.findings import ERROR, Finding
from engine.validation.xmlsafe import at, element_at_line

__all__ = ["xsd_findings"]

_MAX_REPORTED = 3
_local = threading.local()  # lxml schema objects are not shared between threads


def _schema(key: str) -> etree.XMLSchema | None:
    cache: dict[str, etree.XMLSchema | None] = _local.__dict__.setdefault("schemas", {})
    if key not in cache:
        try:
            from SpiffWorkflow.bpmn.parser.BpmnParser import BpmnValidator
            from SpiffWorkflow.dmn.parser.BpmnDmnParser import SCHEMAS
            from SpiffWorkflow.spiff.parser.process import SPIFF_XSD

            if key == BPMN_NS:
                cache[key] = BpmnValidator(imports={"spiffworkflow": SPIFF_XSD}).validator
            else:
                cache[key] = BpmnValidator(SCHEMAS[key]).validator if key in SCHEMAS else None
        except Exception:  # e.g. SpiffWorkflow's DMN 1.2 schema does not compile: skip, other checks remain
            cache[key] = None
    return cache[key]


def _short(text: str) -> str:
    text = text.replace("{" + BPMN_NS + "}", "bpmn:")
    return re.sub(r"\{[^}]*DMN[^}]*\}", "dmn:", text)


_PATTERNS = [
    (r"Element '([^']+)': This element is not expected", "Elementet <{0}> får inte stå här enligt standarden."),
    (r"Element '([^']+)', attribute '([^']+)': The attribute '[^']+' is not allowed",
     "Attributet {1} är inte tillåtet på <{0}>."),
    (r"Element '([^']+)': The attribute '([^']+)' is required but missing", "<{0}> saknar attributet {1}."),
    (r"Element '([^']+)', attribute '([^']+)': .* is not a valid value",
     "Attributet {1} på <{0}> har ett ogiltigt värde."),
    (r"Element '([^']+)': Missing child element", "<{0}> saknar ett obligatoriskt underelement."),
    (r"Element '([^']+)': .*(?:not unique|Duplicate key)", "Ett id används av flera element (<{0}>)."),
]


def _message(raw: str, standard: str) -> str:
    raw = _short(raw)
    for pattern, template in _PATTERNS:
        match = re.search(pattern, raw)
        if match:
            return f"{template.format(*match.groups())} (Filen följer inte {standard}.)"
    return f"Filen följer inte {standard} här."


def xsd_findings(file: str, root: etree._Element) -> list[Finding]:
    namespace = etree.QName(root.tag).namespace or ""
    schema = _schema(namespace)
    if schema is None:
        return []
    document = root
    retrieval = root.xpath(".//bpmn:correlationPropertyRetrievalExpression/bpmn:formalExpression", namespaces=NS) \
        if namespace == BPMN_NS else []
    if retrieval:  # the modeller writes this invalid element; SpiffWorkflow's own validator renames it too
        document = deepcopy(root)
        for expr in document.xpath(".//bpmn:correlationPropertyRetrievalExpression/bpmn:formalExpression",
                                   namespaces=NS):
            expr.tag = f"{{{BPMN_NS}}}messagePath"
    try:
        if schema.validate(document):
            return []
        errors = list(schema.error_log)[:_MAX_REPORTED]
    except Exception:
        return []
    standard = "BPMN 2.0-standarden" if namespace == BPMN_NS else "DMN-standarden"
    code = "bpmn.schema" if namespace == BPMN_NS else "dmn.schema"
    fix = "Spara filen på nytt från modelleringsverktyget, eller rätta elementet på raden."
    found = []
    for error in errors:
        node = None
        try:
            hits = document.getroottree().xpath(error.path, namespaces={k: v for k, v in root.nsmap.items() if k})
            node = hits[0] if hits and isinstance(hits[0], etree._Element) and document is root else None
        except Exception:
            pass
        if node is None and error.line:  # libxml2 gave a line but no usable path: the element on that line
            node = element_at_line(root, error.line)
        found.append(at(ERROR, code, file, node, _message(error.message, standard), fix, line=error.line or None,
                        detail=_short(error.message)))
    return found
