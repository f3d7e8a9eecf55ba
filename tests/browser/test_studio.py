"""The process owners' studio in Chromium: every shipped BPMN file opens in the bpmn-js Modeler with every flow
node and lane drawn and no import warning; the Modeler's saveXML of each validates, publishes and runs; and a
process owner changes a form's title and an SLA, validates, publishes and pilots it on one unit, after which a
report there runs on the new release.

Every shipped file carries its diagram (bpmndi, drawn by `avvik layout`); a file without one is laid out by the
studio with bpmn-auto-layout, which draws no lanes, and the studio says so.
"""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET
from typing import Any
from collections.abc import Callable

import pytest
from playwright.sync_api import expect

from engine import Engine
from tests.live import REPO

BPMN_NS = "http://www.omg.org/spec/BPMN/20100524/MODEL"
DMN_NS = "https://www.omg.org/spec/DMN/20191111/MODEL/"
FLOW_NODES = {"startEvent", "endEvent", "intermediateCatchEvent", "intermediateThrowEvent", "boundaryEvent",
              "task", "userTask", "manualTask", "scriptTask", "serviceTask", "businessRuleTask", "sendTask",
              "receiveTask", "callActivity", "subProcess", "exclusiveGateway", "parallelGateway",
              "inclusiveGateway", "eventBasedGateway", "complexGateway"}
SHIPPED = sorted(p.relative_to(REPO).as_posix() for p in (REPO / "processes").rglob("*.bpmn"))
NO_DIAGRAM = "Filen saknar diagram"
VALID = re.compile(r"^(Inga fel hittades\.|0 fel och \d+ varningar?\.)$")
SLOW = 60_000  # validating (and publishing) the whole tree takes seconds, more on a busy machine


def outputs_of(root: ET.Element) -> dict[str, str | None]:
    """A decision table's output entry per rule id."""
    return {rule.attrib["id"]: rule.find(f"{{{DMN_NS}}}outputEntry/{{{DMN_NS}}}text").text  # type: ignore[union-attr]
            for rule in root.iter(f"{{{DMN_NS}}}rule")}


def has_diagram(path: str) -> bool:
    return re.search(r"<([\w-]+:)?BPMNDiagram[\s>]", (REPO / path).read_text(encoding="utf-8")) is not None


def drawn_ids(path: str) -> list[str]:
    """Every flow node and lane of the file: what the Modeler must draw."""
    return ids_in((REPO / path).read_bytes())


def ids_in(xml: bytes) -> list[str]:
    root = ET.fromstring(xml)
    ids = []
    for element in root.iter():
        tag = element.tag.split("}")[-1] if element.tag.startswith("{" + BPMN_NS) else ""
        if tag in FLOW_NODES or tag == "lane":
            ids.append(element.attrib["id"])
    return ids


def area_of(path: str) -> str:
    parts = path.split("/")
    return parts[1] if len(parts) > 2 else "intake"


def file_button(path: str) -> str:
    area = area_of(path)
    return path.removeprefix(f"processes/{area}/") if area != "intake" else path


def watch_console(page: Any) -> list[str]:
    """Console errors (a CSP violation is one) of the page, collected for an assertion at the end."""
    errors: list[str] = []
    page.on("console", lambda m: m.type == "error" and errors.append(m.text))
    page.on("pageerror", lambda e: errors.append(str(e)))
    return errors


def open_studio(page: Any, unit: str = "Akutmottagningen Solna") -> None:
    page.goto("/studio")
    expect(page.get_by_role("heading", level=1, name="Processägarens studio")).to_be_visible()
    page.get_by_label("Enhet").select_option(label=unit)
    expect(page.get_by_text("Intag och routning")).to_be_visible()


def file_link(page: Any, path: str) -> Any:
    return page.locator(f".studio-nav [data-area='{area_of(path)}']").get_by_role(
        "button", name=file_button(path), exact=True)


def open_bpmn(page: Any, path: str) -> Any:
    file_link(page, path).click()
    canvas = page.locator(f"[data-testid='bpmn-canvas'][data-path='{path}']")
    expect(canvas).to_have_attribute("data-ready", "true", timeout=30_000)
    return canvas


def test_studio_is_only_for_process_owners(open_page: Callable[..., Any]) -> None:
    anna = open_page("anna")
    expect(anna.get_by_role("link", name="Studio")).to_have_count(0)
    anna.goto("/studio")
    expect(anna.get_by_text("Studion är till för processägare.")).to_be_visible()


def assert_drawn(page: Any, path: str, xml: bytes, errors: list[str]) -> None:
    """Open the file in the studio's Modeler: no import warning, no layout of its own, every node and lane drawn."""
    canvas = open_bpmn(page, path)
    expect(page.get_by_text(NO_DIAGRAM)).to_have_count(0)
    expect(page.get_by_text(re.compile("Diagrammet lästes med .* varningar"))).to_have_count(0)
    missing = [i for i in ids_in(xml)
               if canvas.locator(f".djs-shape[data-element-id='{i}'] .djs-visual > *").count() == 0]
    assert not missing, f"{path}: not drawn: {missing}"
    if path != "processes/intake.bpmn":  # the routing process is no one's work: it has no lanes
        assert any(i.startswith("Lane_") for i in ids_in(xml)), "every area process has lanes (its roles)"
    assert not errors, errors


@pytest.mark.parametrize("path", SHIPPED)
def test_every_shipped_bpmn_opens_with_every_node_and_lane_drawn(open_page: Callable[..., Any], path: str) -> None:
    assert has_diagram(path), f"{path} has no diagram: run avvik layout {path} --write"
    petra = open_page("petra")
    errors = watch_console(petra)
    open_studio(petra)
    assert_drawn(petra, path, (REPO / path).read_bytes(), errors)


def test_saved_xml_of_every_shipped_bpmn_validates_publishes_and_runs(
    open_page: Callable[..., Any], demo: Engine, report: dict[str, Any]
) -> None:
    """Each file goes through the Modeler's saveXML (an edit of its first start event's name), then the whole
    edited tree is validated, published, piloted on one unit, and a report there runs on it."""
    petra = open_page("petra")
    errors = watch_console(petra)
    open_studio(petra)
    for path in SHIPPED:
        start = next(e.attrib["id"] for e in ET.parse(REPO / path).getroot().iter(f"{{{BPMN_NS}}}startEvent"))
        canvas = open_bpmn(petra, path)
        canvas.locator(f".djs-element[data-element-id='{start}']").click()
        name = petra.locator(".studio-props").get_by_label("Namn")
        name.fill("Start (sparad av modelleraren)")
        name.press("Enter")
        expect(file_link(petra, path).locator("xpath=..")).to_contain_text("ändrad")
    expect(petra.get_by_text(f"{len(SHIPPED)} ändrade filer")).to_be_visible()
    petra.get_by_role("button", name="Validera").click()
    expect(petra.get_by_text(VALID)).to_be_visible(timeout=SLOW)
    release = publish_and_pilot(petra, "modellerarens XML", "Akutmottagningen Solna")
    number = demo.report_event("eva", "ks-akut", report)["number"]
    case = next(a for a in demo.get_event(number, "anna")["areas"] if a["area"] == "vard")
    assert case["release"] == release
    assert "triage" in [t["spec_name"] for t in demo.get_event(number, "anna")["open_tasks"]]
    assert not errors, errors


def publish_and_pilot(page: Any, label: str, unit: str) -> str:
    page.get_by_label("Releasens namn (valfritt)").fill(label)
    page.get_by_role("button", name="Publicera som ny release").click()
    expect(page.get_by_text(re.compile(r"Releasen [0-9a-f]{12} är publicerad"))).to_be_visible(timeout=SLOW)
    pilot = page.locator("section", has=page.get_by_role("heading", name="Pilota på enheter"))
    pilot.get_by_label(unit).check()
    pilot.get_by_role("button", name="Visa vad som ändras").click()
    expect(pilot.get_by_role("heading", name=unit)).to_be_visible(timeout=SLOW)
    pilot.get_by_role("button", name="Pilota releasen på valda enheter").click()
    expect(pilot.get_by_text(f"Releasen körs nu på {unit}.")).to_be_visible()
    return str(page.evaluate("() => fetch('/api/v1/releases', {headers: {Authorization: 'Bearer ' + "
                             "sessionStorage.getItem('avvik.token')}}).then(r => r.json()).then(l => l.at(-1).hash)"))


def test_process_owner_edits_a_form_and_an_sla_validates_publishes_and_pilots_on_one_unit(
    open_page: Callable[..., Any], demo: Engine, report: dict[str, Any], axe_violations: Callable[[Any], list[Any]]
) -> None:
    petra = open_page("petra")
    errors = watch_console(petra)
    open_studio(petra)
    path = "processes/vard/vard.bpmn"
    canvas = open_bpmn(petra, path)
    lanes = [i for i in drawn_ids(path) if i.startswith("Lane_")]
    assert lanes  # the lanes are the roles: each is drawn with its role's name
    for lane in lanes:
        expect(canvas.locator(f".djs-shape[data-element-id='{lane}']")).to_be_visible()
    expect(petra.get_by_text(NO_DIAGRAM)).to_have_count(0)
    assert axe_violations(petra) == []  # the modeler, its palette and the properties panel included

    canvas.locator(".djs-element[data-element-id='triage']").click()
    props = petra.locator(".studio-props")
    expect(props.get_by_label("Formulär")).to_have_value("vard_triage.json")
    props.get_by_role("button", name="Redigera formuläret").click()

    schema = petra.get_by_label("JSON Schema")
    expect(schema).to_have_value(re.compile('"title": "Triage"'))
    form = json.loads(schema.input_value())
    form["properties"]["triage"]["title"] = "Triage i piloten"
    schema.fill(json.dumps(form, ensure_ascii=False, indent=2))
    expect(petra.get_by_test_id("form-preview").get_by_text("Triage i piloten")).to_be_visible()

    file_link(petra, "processes/vard/area.yaml").click()
    sla = petra.get_by_label("sla_triage", exact=True)
    expect(sla).to_have_value("P5D")
    sla.fill("P3D")
    sla.press("Tab")
    expect(petra.get_by_text("2 ändrade filer")).to_be_visible()

    petra.get_by_role("button", name="Validera").click()
    expect(petra.get_by_text(VALID)).to_be_visible(timeout=SLOW)
    petra.get_by_label("Releasens namn (valfritt)").fill("triage-pilot")
    petra.get_by_role("button", name="Publicera som ny release").click()
    expect(petra.get_by_text(re.compile(r"Releasen [0-9a-f]{12} är publicerad"))).to_be_visible(timeout=SLOW)

    pilot = petra.locator("section", has=petra.get_by_role("heading", name="Pilota på enheter"))
    pilot.get_by_label("Akutmottagningen Solna").check()
    pilot.get_by_role("button", name="Visa vad som ändras").click()
    vard = pilot.locator("tr[data-area='vard']")
    expect(vard).to_contain_text("processes/vard/forms/vard_triage.json (ändrad)", timeout=SLOW)
    expect(vard).to_contain_text("sla_triage: P5D → P3D")
    expect(pilot.locator("tr[data-area='miljo']")).to_contain_text("inga")
    pilot.get_by_role("button", name="Pilota releasen på valda enheter").click()
    expect(pilot.get_by_text("Releasen körs nu på Akutmottagningen Solna.")).to_be_visible()
    assert not errors, errors

    piloted = demo.report_event("eva", "ks-akut", report)["number"]
    elsewhere = demo.report_event("eva", "ks-avd12", report)["number"]
    anna = open_page("anna")
    for number, title in ((piloted, "Triage i piloten"), (elsewhere, "Triage")):
        task = next(t for t in demo.get_event(number, "anna")["open_tasks"] if t["spec_name"] == "triage")
        anna.goto(f"/uppgifter/{task['id']}")
        expect(anna.locator("legend", has_text=re.compile(f"^{title}\\*?$"))).to_be_visible()


def test_process_owner_edits_the_routing_decision_table_validates_and_publishes(
    open_page: Callable[..., Any], demo: Engine
) -> None:
    """processes/routing.dmn opens as a decision table in dmn-js; an output cell edited there is in the published
    release's file, and the rest of the file is as it was."""
    petra = open_page("petra")
    errors = watch_console(petra)
    open_studio(petra)
    path = "processes/routing.dmn"
    file_link(petra, path).click()
    editor = petra.locator(f"[data-testid='dmn-editor'][data-path='{path}']")
    expect(editor).to_have_attribute("data-ready", "true", timeout=30_000)
    expect(editor.get_by_text("Utrustning, information eller besökare i sjukvården")).to_be_visible()

    cell = editor.locator("td[data-row-id='rule_9'][data-col-id='out_omrade'] [contenteditable='true']")
    expect(cell).to_have_text('"vard"')
    cell.click()
    petra.keyboard.press("ControlOrMeta+A")
    petra.keyboard.type('"arbetsmiljo"')
    expect(file_link(petra, path).locator("xpath=..")).to_contain_text("ändrad")

    petra.get_by_role("button", name="Validera").click()
    expect(petra.get_by_text(VALID)).to_be_visible(timeout=SLOW)
    petra.get_by_label("Releasens namn (valfritt)").fill("routning")
    petra.get_by_role("button", name="Publicera som ny release").click()
    expect(petra.get_by_text(re.compile(r"Releasen [0-9a-f]{12} är publicerad"))).to_be_visible(timeout=SLOW)
    saved = petra.evaluate(
        "async (path) => { const auth = {Authorization: 'Bearer ' + sessionStorage.getItem('avvik.token')};"
        " const releases = await fetch('/api/v1/releases', {headers: auth}).then(r => r.json());"
        " const q = new URLSearchParams({path});"
        " return fetch(`/api/v1/releases/${releases.at(-1).hash}/file?${q}`, {headers: auth}).then(r => r.json()); }",
        path)
    original = outputs_of(ET.parse(REPO / path).getroot())
    outputs = outputs_of(ET.fromstring(saved["content"].encode()))
    assert outputs == {**original, "rule_9": '"arbetsmiljo"'}  # that cell, and nothing else

    editor.locator(".bjs-powered-by").click()  # the logo's notice: its inline styles are allowed by hash
    notice = petra.locator(".bjs-powered-by-lightbox")
    expect(notice).to_be_visible()
    notice.locator(".backdrop").click(position={"x": 5, "y": 5})
    expect(notice).to_be_hidden()
    assert not errors, errors
