"""What a file's diagram leaves undrawn: flow nodes, lanes and pools without a shape, sequence flows without
an edge, decisions without a DRD shape. The validator warns on it and the shipped files are tested with it."""

from __future__ import annotations

from dataclasses import dataclass, field

from lxml import etree

from engine.diagrams.bpmndi import BPMNDI_NS
from engine.diagrams.dmndi import DMNDI_BY_VERSION, DRD_ELEMENTS
from engine.diagrams.graph import BPMN_NS, FLOW_NODES

__all__ = ["Gaps", "bpmn_gaps", "dmn_gaps"]


@dataclass
class Gaps:
    has_diagram: bool
    shapes: list[str] = field(default_factory=list)  # element ids that need a shape and have none
    edges: list[str] = field(default_factory=list)  # sequence flow ids without an edge

    @property
    def complete(self) -> bool:
        return self.has_diagram and not self.shapes and not self.edges


def bpmn_gaps(root: etree._Element) -> Gaps:
    drawn = {e.get("bpmnElement") for e in root.iter(f"{{{BPMNDI_NS}}}BPMNShape", f"{{{BPMNDI_NS}}}BPMNEdge")}
    gaps = Gaps(has_diagram=root.find(f"{{{BPMNDI_NS}}}BPMNDiagram") is not None)
    for process in root.iterfind(f"{{{BPMN_NS}}}process"):
        for node in process.iter():
            if not isinstance(node.tag, str) or not node.tag.startswith("{" + BPMN_NS + "}") or not node.get("id"):
                continue
            kind = etree.QName(node.tag).localname
            if (kind in FLOW_NODES or kind == "lane") and node.get("id") not in drawn:
                gaps.shapes.append(node.get("id", ""))
            elif kind == "sequenceFlow" and node.get("id") not in drawn:
                gaps.edges.append(node.get("id", ""))
    for participant in root.iter(f"{{{BPMN_NS}}}participant"):
        if participant.get("id") not in drawn:
            gaps.shapes.append(participant.get("id", ""))
    return gaps


def dmn_gaps(root: etree._Element) -> Gaps:
    namespace = etree.QName(root.tag).namespace or ""
    dmndi = DMNDI_BY_VERSION.get(namespace, ("",))[0]
    drawn = {e.get("dmnElementRef") for e in root.iter(f"{{{dmndi}}}DMNShape")}
    gaps = Gaps(has_diagram=root.find(f".//{{{dmndi}}}DMNDiagram") is not None)
    gaps.shapes = [e.get("id", "") for e in root if isinstance(e.tag, str) and e.get("id")
                   and etree.QName(e.tag).localname in DRD_ELEMENTS and e.get("id") not in drawn]
    return gaps
