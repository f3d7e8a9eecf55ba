"""Diagram interchange for a BPMN file that has none, drawn plainly for the studio's rendering test: the pool,
each lane as a band, each flow node in its lane's band left to right in document order, a boundary event on its
task's lower edge, every sequence flow a straight line. Not a layout for people (that is the shipped files'
own diagram, issue #15): a file with diagram, lanes included, that exercises the Modeler's import as a shipped
file with a diagram will."""

from __future__ import annotations

import xml.etree.ElementTree as ET

BPMN = "http://www.omg.org/spec/BPMN/20100524/MODEL"
DI = {"bpmndi": "http://www.omg.org/spec/BPMN/20100524/DI", "dc": "http://www.omg.org/spec/DD/20100524/DC",
      "di": "http://www.omg.org/spec/DD/20100524/DI"}
SIZES = {"task": (100, 80), "gateway": (50, 50), "event": (36, 36)}
LANE_HEIGHT, STEP, LEFT = 180, 150, 80


def _size(tag: str) -> tuple[int, int]:
    if tag.endswith("Gateway"):
        return SIZES["gateway"]
    if tag.endswith("Event"):
        return SIZES["event"]
    return SIZES["task"]


def with_diagram(xml: bytes) -> bytes:
    """The file with a BPMNDiagram for its (first) collaboration, or for its process when it has none."""
    for prefix, uri in {"bpmn": BPMN, **DI}.items():
        ET.register_namespace(prefix, uri)
    ET.register_namespace("spiffworkflow", "http://spiffworkflow.org/bpmn/schema/1.0/core")
    root = ET.fromstring(xml)
    process = root.find(f"{{{BPMN}}}process")
    assert process is not None
    collaboration = root.find(f"{{{BPMN}}}collaboration")
    participant = collaboration.find(f"{{{BPMN}}}participant") if collaboration is not None else None
    lanes = list(process.iter(f"{{{BPMN}}}lane"))
    lane_of = {ref.text: i for i, lane in enumerate(lanes) for ref in lane.findall(f"{{{BPMN}}}flowNodeRef")}
    nodes = [e for e in process if e.get("id") and e.tag.split("}")[1] not in
             ("sequenceFlow", "laneSet", "extensionElements", "dataObject", "dataObjectReference", "textAnnotation",
              "association")]
    bounds: dict[str, tuple[float, float, int, int]] = {}
    column = 0
    for node in nodes:
        tag = node.tag.split("}")[1]
        width, height = _size(tag)
        if tag == "boundaryEvent":
            x, y, w, h = bounds[node.get("attachedToRef", "")]
            bounds[node.get("id", "")] = (x + w - 20, y + h - 18, width, height)
            continue
        band = lane_of.get(node.get("id"), 0)
        centre_x, centre_y = LEFT + 60 + column * STEP, band * LANE_HEIGHT + LANE_HEIGHT / 2
        bounds[node.get("id", "")] = (centre_x - width / 2, centre_y - height / 2, width, height)
        column += 1
    width = LEFT + 60 + column * STEP
    diagram = ET.SubElement(root, f"{{{DI['bpmndi']}}}BPMNDiagram", id="Diagram_test")
    plane = ET.SubElement(diagram, f"{{{DI['bpmndi']}}}BPMNPlane", id="Plane_test",
                          bpmnElement=(collaboration if participant is not None else process).get("id", ""))

    def shape(element_id: str, x: float, y: float, w: float, h: float, horizontal: bool = False) -> None:
        attrs = {"id": f"{element_id}_di", "bpmnElement": element_id}
        if horizontal:
            attrs["isHorizontal"] = "true"
        node = ET.SubElement(plane, f"{{{DI['bpmndi']}}}BPMNShape", attrs)
        ET.SubElement(node, f"{{{DI['dc']}}}Bounds", x=str(x), y=str(y), width=str(w), height=str(h))

    if participant is not None:
        shape(participant.get("id", ""), 0, 0, width, max(1, len(lanes)) * LANE_HEIGHT, horizontal=True)
    for i, lane in enumerate(lanes):
        shape(lane.get("id", ""), 30, i * LANE_HEIGHT, width - 30, LANE_HEIGHT, horizontal=True)
    for element_id, (x, y, w, h) in bounds.items():
        shape(element_id, x, y, w, h)
    for flow in process.iter(f"{{{BPMN}}}sequenceFlow"):
        source, target = bounds.get(flow.get("sourceRef", "")), bounds.get(flow.get("targetRef", ""))
        if source is None or target is None:
            continue
        edge = ET.SubElement(plane, f"{{{DI['bpmndi']}}}BPMNEdge", id=f"{flow.get('id')}_di",
                             bpmnElement=flow.get("id", ""))
        for x, y, w, h in (source, target):
            ET.SubElement(edge, f"{{{DI['di']}}}waypoint", x=str(x + w / 2), y=str(y + h / 2))
    return ET.tostring(root, encoding="utf-8", xml_declaration=True)
