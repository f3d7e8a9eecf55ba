"""Warnings for a BPMN or DMN file whose diagram is missing or incomplete.

The engine runs a process without its diagram, so this never blocks publishing; but a process owner cannot
open such a file in a modeler (bpmn-js says "no diagram to display") or see its lanes, the roles.
"""

from __future__ import annotations

from lxml import etree

from engine.diagrams import Gaps, bpmn_gaps, dmn_gaps
from engine.validation.findings import WARNING, Finding
from engine.validation.xmlsafe import at

__all__ = ["diagram_findings"]

_LISTED = 10  # elements named one by one; more are summed up in one finding


def _by_id(root: etree._Element) -> dict[str, etree._Element]:
    return {e.get("id", ""): e for e in root.iter() if isinstance(e.tag, str) and e.get("id")}


def diagram_findings(file: str, root: etree._Element, kind: str) -> list[Finding]:
    """`kind` is "bpmn" or "dmn"."""
    gaps: Gaps = bpmn_gaps(root) if kind == "bpmn" else dmn_gaps(root)
    fix = f"Kör avvik layout {file} --write, som ritar diagrammet automatiskt (processen ändras inte)."
    if not gaps.has_diagram:
        what = ("BPMN DI", "bpmn.io, Camunda Modeler, spiff-arena", "processen, dess simbanor (rollerna) och steg") \
            if kind == "bpmn" else ("DMN DI", "dmn-js, Camunda Modeler", "beslutet")
        return [Finding(WARNING, f"{kind}.no_diagram", file,
                        f"Filen saknar diagram ({what[0]}), så en modellerare ({what[1]}) kan inte visa {what[2]}.",
                        fix, line=root.sourceline)]
    elements = _by_id(root)
    found = []
    missing = [(i, "form") for i in gaps.shapes] + [(i, "pil") for i in gaps.edges]
    for element_id, missing_kind in missing[:_LISTED]:
        text = ("Elementet saknar form i diagrammet, så det syns inte i en modellerare." if missing_kind == "form" else
                "Flödespilen saknas i diagrammet, så den syns inte i en modellerare.")
        found.append(at(WARNING, f"{kind}.diagram_incomplete", file, elements.get(element_id), text, fix))
    if len(missing) > _LISTED:
        found.append(Finding(WARNING, f"{kind}.diagram_incomplete", file,
                             f"Ytterligare {len(missing) - _LISTED} element saknas i diagrammet.", fix,
                             line=root.sourceline))
    return found
