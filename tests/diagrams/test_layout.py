"""Diagrams in the definition files: every shipped BPMN/DMN file draws every flow node, lane, pool and flow,
and `avvik layout` regenerates a diagram without touching the process."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from click.testing import CliRunner
from lxml import etree

from server.cli import main
from engine.diagrams import bpmn_gaps, layout
from engine.validation import validate_paths

REPO = Path(__file__).resolve().parents[2]
SHIPPED_BPMN = sorted((REPO / "processes").rglob("*.bpmn"))
SHIPPED_DMN = sorted((REPO / "processes").rglob("*.dmn"))
BPMN = "http://www.omg.org/spec/BPMN/20100524/MODEL"
BPMNDI = "http://www.omg.org/spec/BPMN/20100524/DI"
DC = "http://www.omg.org/spec/DD/20100524/DC"
DMNDI = "https://www.omg.org/spec/DMN/20191111/DMNDI/"
FLOW_NODES = {"task", "userTask", "manualTask", "scriptTask", "serviceTask", "sendTask", "receiveTask",
              "businessRuleTask", "callActivity", "subProcess", "startEvent", "endEvent", "intermediateCatchEvent",
              "intermediateThrowEvent", "boundaryEvent", "exclusiveGateway", "inclusiveGateway", "parallelGateway",
              "eventBasedGateway"}
SHARED = Path(os.environ.get("AVVIK_SHARED_DIR") or REPO / ".." / "shared").resolve()
BROKEN = REPO / "tests" / "validation" / "broken" / "files"


def _bounds(root: etree._Element) -> dict[str, tuple[float, float, float, float]]:
    shapes = {}
    for shape in root.iter(f"{{{BPMNDI}}}BPMNShape"):
        b = shape.find(f"{{{DC}}}Bounds")
        shapes[shape.get("bpmnElement")] = tuple(float(b.get(k)) for k in ("x", "y", "width", "height"))
    return shapes


def _without_diagram(data: bytes) -> bytes:
    root = etree.fromstring(data)
    for diagram in root.findall(f"{{{BPMNDI}}}BPMNDiagram"):
        root.remove(diagram)
    return etree.tostring(root, method="c14n")


def test_there_are_nine_shipped_processes_and_a_routing_table() -> None:
    assert len(SHIPPED_BPMN) == 9 and REPO / "processes" / "routing.dmn" in SHIPPED_DMN


@pytest.mark.parametrize("path", SHIPPED_BPMN, ids=lambda p: p.relative_to(REPO).as_posix())
def test_shipped_bpmn_draws_every_flow_node_lane_pool_and_flow(path: Path) -> None:
    root = etree.parse(str(path)).getroot()
    shapes = _bounds(root)
    edges = {e.get("bpmnElement"): e for e in root.iter(f"{{{BPMNDI}}}BPMNEdge")}
    nodes = [e for e in root.iter() if isinstance(e.tag, str) and etree.QName(e.tag).localname in FLOW_NODES
             and e.tag.startswith(f"{{{BPMN}}}")]
    lanes = list(root.iter(f"{{{BPMN}}}lane"))
    assert nodes and not [n.get("id") for n in nodes if n.get("id") not in shapes]
    assert all(lane.get("id") in shapes for lane in lanes)
    assert all(p.get("id") in shapes for p in root.iter(f"{{{BPMN}}}participant"))
    for flow in root.iter(f"{{{BPMN}}}sequenceFlow"):
        points = edges[flow.get("id")].findall(f"{{{'http://www.omg.org/spec/DD/20100524/DI'}}}waypoint")
        assert len(points) >= 2
        for a, b in zip(points, points[1:]):  # orthogonal
            assert a.get("x") == b.get("x") or a.get("y") == b.get("y"), flow.get("id")
    # each node is drawn inside its lane (the role), and each boundary event on its host's border
    for lane in lanes:
        lx, ly, lw, lh = shapes[lane.get("id")]
        for ref in lane.iter(f"{{{BPMN}}}flowNodeRef"):
            x, y, w, h = shapes[ref.text.strip()]
            assert lx <= x + w / 2 <= lx + lw and ly <= y + h / 2 <= ly + lh, (lane.get("name"), ref.text)
    for event in root.iter(f"{{{BPMN}}}boundaryEvent"):
        x, y, w, h = shapes[event.get("id")]
        hx, hy, hw, hh = shapes[event.get("attachedToRef")]
        assert hx <= x + w / 2 <= hx + hw and y + h / 2 in (hy, hy + hh), event.get("id")


@pytest.mark.parametrize("path", SHIPPED_DMN, ids=lambda p: p.relative_to(REPO).as_posix())
def test_shipped_dmn_draws_every_decision(path: Path) -> None:
    root = etree.parse(str(path)).getroot()
    drawn = {s.get("dmnElementRef") for s in root.iter(f"{{{DMNDI}}}DMNShape")}
    assert {d.get("id") for d in root.iter("{*}decision")} <= drawn


@pytest.mark.parametrize("path", SHIPPED_BPMN + SHIPPED_DMN, ids=lambda p: p.relative_to(REPO).as_posix())
def test_shipped_diagram_is_what_avvik_layout_draws(path: Path) -> None:
    # the committed diagram is reproducible, so a process owner's re-layout changes nothing unexpected
    assert layout(path.name, path.read_bytes()) == path.read_bytes()


@pytest.mark.parametrize("path", SHIPPED_BPMN, ids=lambda p: p.relative_to(REPO).as_posix())
def test_layout_leaves_the_process_untouched(path: Path) -> None:
    data = path.read_bytes()
    assert _without_diagram(layout(path.name, data)) == _without_diagram(data)


def test_shipped_files_validate_without_diagram_warnings() -> None:
    findings = validate_paths([REPO])
    assert not [f for f in findings if "diagram" in f.code], findings


def test_layout_command_draws_a_pool_around_lanes_and_silences_the_warning(tmp_path: Path) -> None:
    path = tmp_path / "process.bpmn"
    path.write_bytes((BROKEN / "no_diagram.bpmn").read_bytes())
    assert [f.code for f in validate_paths([path])] == ["bpmn.no_diagram"]
    assert "avvik layout" in validate_paths([path])[0].fix and path.as_posix() in validate_paths([path])[0].fix
    printed = CliRunner().invoke(main, ["layout", str(path)])
    assert printed.exit_code == 0 and b"BPMNDiagram" in printed.stdout_bytes
    assert b"BPMNDiagram" not in path.read_bytes()  # without --write the file stays as it was
    result = CliRunner().invoke(main, ["layout", str(path), "--write"])
    assert result.exit_code == 0, result.output
    assert validate_paths([path]) == []
    root = etree.parse(str(path)).getroot()
    participant = root.find(f"{{{BPMN}}}collaboration/{{{BPMN}}}participant")
    assert participant is not None and participant.get("processRef") == "test_process"
    shapes = _bounds(root)
    px, py, pw, ph = shapes[participant.get("id")]
    for lane in root.iter(f"{{{BPMN}}}lane"):
        lx, ly, lw, lh = shapes[lane.get("id")]
        assert px < lx and lx + lw <= px + pw and py <= ly and ly + lh <= py + ph


def test_layout_refuses_a_broken_file_plainly(tmp_path: Path) -> None:
    path = tmp_path / "trasig.bpmn"
    path.write_text("<bpmn:definitions")
    result = CliRunner().invoke(main, ["layout", str(path), "--write"])
    assert result.exit_code == 1 and result.output.startswith("Fel: ") and "Traceback" not in result.output
    assert path.read_text() == "<bpmn:definitions"


@pytest.mark.parametrize("name", ["A.4.1.bpmn", "B.1.0.bpmn", "B.2.0.bpmn", "C.4.0.bpmn", "C.6.0.bpmn"])
def test_layout_redraws_files_from_other_tools(name: str) -> None:
    # MIWG files: pools without process, message flows, sub-processes, nested content
    path = SHARED / "conformance" / "miwg" / name
    if not path.exists():
        pytest.skip("no MIWG files")
    data = path.read_bytes()
    out = layout(name, data)
    assert _without_diagram(out) == _without_diagram(data)
    gaps = bpmn_gaps(etree.fromstring(out))
    assert gaps.complete, gaps
