"""Writing a decision requirements diagram (DRD) into a DMN file as DMNDI, the way dmn-js saves it: decisions
in a row, their inputs, knowledge models and sources in a row below, requirement arrows between them."""

from __future__ import annotations

from lxml import etree

from engine.diagrams.xmltext import (
    DiagramLines, attr, declare_namespaces, ids_outside, indent_unit, insert_before_close, prefixes_for,
    remove_elements, unique_id,
)

__all__ = ["DMNDI_BY_VERSION", "DRD_ELEMENTS", "layout_dmn"]

# DMN model namespace -> (DMNDI, DC, DI); DMN 1.1 has no standard diagram interchange
DMNDI_BY_VERSION = {
    "https://www.omg.org/spec/DMN/20191111/MODEL/": ("https://www.omg.org/spec/DMN/20191111/DMNDI/",
                                                     "http://www.omg.org/spec/DMN/20180521/DC/",
                                                     "http://www.omg.org/spec/DMN/20180521/DI/"),
    "http://www.omg.org/spec/DMN/20180521/MODEL/": ("http://www.omg.org/spec/DMN/20180521/DMNDI/",
                                                    "http://www.omg.org/spec/DMN/20180521/DC/",
                                                    "http://www.omg.org/spec/DMN/20180521/DI/"),
}
DRD_ELEMENTS = {"decision": (180, 80), "inputData": (125, 45), "businessKnowledgeModel": (135, 46),
                "knowledgeSource": (100, 63)}
_REQUIREMENTS = {"informationRequirement": "requiredInput|requiredDecision",
                 "knowledgeRequirement": "requiredKnowledge", "authorityRequirement": "requiredAuthority|"
                 "requiredInput|requiredDecision"}


def layout_dmn(text: str, root: etree._Element) -> str:
    namespace = etree.QName(root.tag).namespace or ""
    if namespace not in DMNDI_BY_VERSION:
        raise ValueError("DMN-versionen saknar standardiserad diagramdel; spara filen som DMN 1.3.")
    dmndi_ns, dc_ns, di_ns = DMNDI_BY_VERSION[namespace]
    nsmap = dict(root.nsmap)
    model_prefix = next((p for p, uri in nsmap.items() if uri == namespace), None)
    p, declare = prefixes_for(nsmap, (("dmndi", dmndi_ns), ("dc", dc_ns), ("di", di_ns)))
    unit = indent_unit(text, model_prefix)
    elements = [e for e in root if isinstance(e.tag, str) and etree.QName(e.tag).localname in DRD_ELEMENTS
                and etree.QName(e.tag).namespace == namespace and e.get("id")]
    taken = ids_outside(root, dmndi_ns)
    bounds: dict[str, tuple[int, int, int, int]] = {}
    columns = {"top": 0, "bottom": 0}
    for element in elements:
        kind = etree.QName(element.tag).localname
        width, height = DRD_ELEMENTS[kind]
        row = "top" if kind == "decision" else "bottom"
        x = 160 + columns[row] * 240
        columns[row] += 1
        bounds[element.get("id", "")] = (x, 100 if row == "top" else 300, width, height)
    lines = [f"{unit}<{p['dmndi']}:DMNDI>",
             f"{unit * 2}<{p['dmndi']}:DMNDiagram{attr('id', unique_id('DMNDiagram_1', taken))}>"]
    di = DiagramLines(unit, p["dmndi"], p["dc"], p["di"], "dmnElementRef", taken)
    for element_id, (x, y, width, height) in bounds.items():
        lines += di.shape("DMNShape", element_id, {"height": height, "width": width, "x": x, "y": y})
    for element in elements:
        target = bounds[element.get("id", "")]
        for requirement in element:
            if not isinstance(requirement.tag, str) or not requirement.get("id"):
                continue
            kind = etree.QName(requirement.tag).localname
            refs = [c.get("href", "").lstrip("#") for c in requirement if isinstance(c.tag, str)
                    and etree.QName(c.tag).localname in _REQUIREMENTS.get(kind, "").split("|")]
            source = bounds.get(refs[0]) if refs else None
            if source is None:
                continue
            # up from the top of the required element to the bottom of the one that requires it
            source_top, target_bottom = (source[0] + source[2] // 2, source[1]), (target[0] + target[2] // 2,
                                                                                 target[1] + target[3])
            lines += di.edge("DMNEdge", requirement.get("id", ""), [source_top, target_bottom])
    lines += [f"{unit * 2}</{p['dmndi']}:DMNDiagram>", f"{unit}</{p['dmndi']}:DMNDI>"]
    text = remove_elements(text, "DMNDI")
    text = insert_before_close(text, model_prefix, "definitions", "\n".join(lines) + "\n")
    return declare_namespaces(text, model_prefix, declare)
