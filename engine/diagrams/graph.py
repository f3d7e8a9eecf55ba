"""What a BPMN diagram must draw, read from the process model: pools, lanes, flow nodes, sequence flows.

The layout works on this small model, never on the XML directly, so placing (place.py) and writing
(bpmndi.py) each have one job.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from lxml import etree

from engine.diagrams.xmltext import unique_id

__all__ = ["BPMN_NS", "FLOW_NODES", "Node", "Flow", "Lane", "Block", "Pool", "Plane", "Model", "read_model", "local"]

BPMN_NS = "http://www.omg.org/spec/BPMN/20100524/MODEL"
_GATEWAYS = {"exclusiveGateway", "inclusiveGateway", "parallelGateway", "eventBasedGateway", "complexGateway"}
_EVENTS = {"startEvent", "endEvent", "intermediateCatchEvent", "intermediateThrowEvent", "boundaryEvent"}
_CONTAINERS = {"subProcess", "transaction", "adHocSubProcess"}
_ACTIVITIES = _CONTAINERS | {"task", "userTask", "manualTask", "scriptTask", "serviceTask", "sendTask",
                             "receiveTask", "businessRuleTask", "callActivity"}
FLOW_NODES = _GATEWAYS | _EVENTS | _ACTIVITIES
# bpmn-js's default sizes, so a diagram looks the same as one drawn by hand in the modeler
_SIZES = {"event": (36, 36), "gateway": (50, 50), "activity": (100, 80)}


def local(node: etree._Element) -> str:
    return etree.QName(node.tag).localname if isinstance(node.tag, str) else ""


def _bpmn(node: etree._Element) -> bool:
    return isinstance(node.tag, str) and node.tag.startswith("{" + BPMN_NS + "}")


@dataclass
class Node:
    id: str
    kind: str  # the BPMN element's local name
    width: int
    height: int
    lane: str | None = None  # innermost lane id
    host: str | None = None  # boundary events: the activity they sit on
    inner: Block | None = None  # an expanded sub-process's own content
    order: int = 0  # document order, for stable layouts

    @property
    def shape(self) -> str:
        return "gateway" if self.kind in _GATEWAYS else "event" if self.kind in _EVENTS else "activity"


@dataclass(frozen=True)
class Flow:
    id: str
    source: str
    target: str


@dataclass
class Lane:
    id: str
    children: list[Lane] = field(default_factory=list)

    def leaves(self) -> list[Lane]:
        return [self] if not self.children else [leaf for c in self.children for leaf in c.leaves()]

    def depth(self) -> int:
        return 1 + max((c.depth() for c in self.children), default=0)


@dataclass
class Block:
    """The content of a process or an expanded sub-process."""

    nodes: dict[str, Node] = field(default_factory=dict)
    flows: list[Flow] = field(default_factory=list)
    lanes: list[Lane] = field(default_factory=list)


@dataclass
class Pool:
    participant: str | None  # None: a process drawn without a pool (no collaboration, no lanes)
    process: str | None  # None: a black-box pool
    block: Block


@dataclass
class Plane:
    """One diagram: a collaboration with its pools, or a process drawn alone."""

    element: str  # the collaboration id, or the process id
    pools: list[Pool]
    message_flows: list[Flow] = field(default_factory=list)


@dataclass
class Model:
    planes: list[Plane]
    new_collaboration: str | None = None  # a collaboration id the layout must add to the file, with:
    new_participants: list[tuple[str, str]] = field(default_factory=list)  # (participant id, process id)


def _lane(node: etree._Element, membership: dict[str, str]) -> Lane:
    lane = Lane(node.get("id", ""))
    for ref in node.iterfind(f"{{{BPMN_NS}}}flowNodeRef"):
        if ref.text:
            membership[ref.text.strip()] = lane.id  # inner lanes come later, so the innermost wins
    for child_set in node.iterfind(f"{{{BPMN_NS}}}childLaneSet"):
        lane.children.extend(_lane(c, membership) for c in child_set.iterfind(f"{{{BPMN_NS}}}lane"))
    return lane


def _block(container: etree._Element, membership: dict[str, str], inherited: str | None,
           counter: list[int]) -> Block:
    block = Block()
    for child in container:
        if not _bpmn(child):
            continue
        kind = local(child)
        if kind == "laneSet":
            block.lanes.extend(_lane(lane, membership) for lane in child.iterfind(f"{{{BPMN_NS}}}lane"))
        elif kind == "sequenceFlow":
            block.flows.append(Flow(child.get("id", ""), child.get("sourceRef", ""), child.get("targetRef", "")))
        elif kind in FLOW_NODES and child.get("id"):
            counter[0] += 1
            width, height = _SIZES["gateway" if kind in _GATEWAYS else "event" if kind in _EVENTS else "activity"]
            node = Node(child.get("id", ""), kind, width, height, host=child.get("attachedToRef"), order=counter[0])
            node.lane = membership.get(node.id, inherited)
            if kind in _CONTAINERS:
                node.inner = _block(child, membership, node.lane, counter)
                if not node.inner.nodes:
                    node.inner = None  # an empty sub-process is drawn collapsed, like a task
            block.nodes[node.id] = node
    return block


def read_model(root: etree._Element) -> Model:
    """The diagrams to draw. An existing collaboration is drawn as it is, and a process outside it in a diagram
    of its own; without a collaboration, processes with lanes get one, so their lanes are drawn inside a pool."""
    processes = {p.get("id", ""): p for p in root.iterfind(f"{{{BPMN_NS}}}process")}
    collaborations = root.findall(f"{{{BPMN_NS}}}collaboration")
    counter = [0]
    blocks = {pid: _block(p, {}, None, counter) for pid, p in processes.items()}
    model = Model(planes=[])
    drawn: set[str] = set()
    for collaboration in collaborations:
        plane = Plane(collaboration.get("id", ""), [])
        for participant in collaboration.iterfind(f"{{{BPMN_NS}}}participant"):
            ref = participant.get("processRef")
            plane.pools.append(Pool(participant.get("id", ""), ref if ref in blocks else None,
                                    blocks.get(ref or "", Block())))
            drawn.add(ref or "")
        plane.message_flows.extend(Flow(m.get("id", ""), m.get("sourceRef", ""), m.get("targetRef", ""))
                                   for m in collaboration.iterfind(f"{{{BPMN_NS}}}messageFlow"))
        model.planes.append(plane)
    rest = [pid for pid in processes if pid not in drawn and blocks[pid].nodes]
    if not collaborations and any(blocks[pid].lanes for pid in rest):
        model.new_collaboration = _free_id(root, "Collaboration_1")
        plane = Plane(model.new_collaboration, [])
        for pid in rest:
            participant = _free_id(root, f"Participant_{pid}")
            model.new_participants.append((participant, pid))
            plane.pools.append(Pool(participant, pid, blocks[pid]))
        model.planes.append(plane)
        return model
    model.planes.extend(Plane(pid, [Pool(None, pid, blocks[pid])]) for pid in rest)
    return model


def _free_id(root: etree._Element, wanted: str) -> str:
    return unique_id(wanted, {e.get("id", "") for e in root.iter() if isinstance(e.tag, str)})
