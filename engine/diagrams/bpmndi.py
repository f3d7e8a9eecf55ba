"""Writing a placed diagram into a BPMN file as BPMN DI (bpmndi/dc/di), the way bpmn-js itself saves it."""

from __future__ import annotations

from lxml import etree

from engine.diagrams.graph import BPMN_NS, Model, read_model
from engine.diagrams.place import Diagram, place
from engine.diagrams.xmltext import (
    DiagramLines, attr, declare_namespaces, ids_outside, indent_unit, insert_before_close, prefixes_for,
    remove_elements, unique_id,
)

__all__ = ["BPMNDI_NS", "DC_NS", "DI_NS", "layout_bpmn"]

BPMNDI_NS = "http://www.omg.org/spec/BPMN/20100524/DI"
DC_NS = "http://www.omg.org/spec/DD/20100524/DC"
DI_NS = "http://www.omg.org/spec/DD/20100524/DI"


def _diagram_xml(diagram: Diagram, taken: set[str], p: dict[str, str], unit: str) -> str:
    bpmndi = p["bpmndi"]
    if not diagram.shapes:  # e.g. a collaboration of black-box pools only: nothing to draw
        return ""
    lines = [f"{unit}<{bpmndi}:BPMNDiagram{attr('id', unique_id('BPMNDiagram_1', taken))}>",
             f"{unit * 2}<{bpmndi}:BPMNPlane{attr('id', unique_id('BPMNPlane_1', taken))}"
             f"{attr('bpmnElement', diagram.plane_element)}>"]
    di = DiagramLines(unit, bpmndi, p["dc"], p["di"], "bpmnElement", taken)
    for shape in diagram.shapes:
        extra = ""
        if shape.kind in {"pool", "lane"}:
            extra = attr("isHorizontal", "true")
        elif shape.kind == "exclusiveGateway":
            extra = attr("isMarkerVisible", "true")
        elif shape.kind in {"subProcess", "transaction", "adHocSubProcess"}:
            extra = attr("isExpanded", "true" if shape.expanded else "false")
        lines += di.shape("BPMNShape", shape.element,
                          {"x": shape.x, "y": shape.y, "width": shape.width, "height": shape.height}, extra)
    for edge in diagram.edges:
        lines += di.edge("BPMNEdge", edge.element, edge.points)
    lines += [f"{unit * 2}</{bpmndi}:BPMNPlane>", f"{unit}</{bpmndi}:BPMNDiagram>"]
    return "\n".join(lines) + "\n"


def _add_pools(text: str, root: etree._Element, model: Model, bpmn: str | None, unit: str) -> str:
    """The collaboration and participants the layout needs to draw lanes inside a pool, after the processes so
    that no line of the process moves."""
    if not model.new_collaboration:
        return text
    tag = f"{bpmn}:" if bpmn else ""
    names = {p.get("id"): p.get("name") for p in root.iterfind(f"{{{BPMN_NS}}}process")}
    participants = "".join(
        f"{unit * 2}<{tag}participant{attr('id', pid)}"
        + (attr("name", names[process]) if names.get(process) else "") + f"{attr('processRef', process)}/>\n"
        for pid, process in model.new_participants)
    block = (f"{unit}<{tag}collaboration{attr('id', model.new_collaboration)}>\n{participants}"
             f"{unit}</{tag}collaboration>\n")
    return insert_before_close(text, bpmn, "definitions", block)


def layout_bpmn(text: str, root: etree._Element) -> str:
    """The file's text with a freshly laid out diagram (any old one removed); nothing else changes, except a
    collaboration with participants added when a process with lanes has no pool to draw them in."""
    model = read_model(root)
    nsmap = dict(root.nsmap)
    bpmn = next((prefix for prefix, uri in nsmap.items() if uri == BPMN_NS), None)
    unit = indent_unit(text, etree.QName(root.tag).namespace and next(
        (prefix for prefix, uri in nsmap.items() if uri == etree.QName(root.tag).namespace), None))
    prefixes, declare = prefixes_for(nsmap, (("bpmndi", BPMNDI_NS), ("dc", DC_NS), ("di", DI_NS)))
    text = remove_elements(text, "BPMNDiagram")
    text = _add_pools(text, root, model, bpmn, unit)
    taken = ids_outside(root, BPMNDI_NS)
    diagrams = "".join(_diagram_xml(place(plane), taken, prefixes, unit) for plane in model.planes)
    text = insert_before_close(text, bpmn, "definitions", diagrams)
    return declare_namespaces(text, bpmn, declare)
