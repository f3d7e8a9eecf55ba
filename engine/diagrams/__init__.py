"""Diagrams in definition files: laying out BPMN DI and DMN DI so a process opens in a standard modeler
(bpmn-js, Camunda Modeler, spiff-arena) with its pool, lanes (the roles) and flows drawn.

    layout(name, data)   the file with a freshly laid out diagram (`avvik layout FILE --write`)
    bpmn_gaps / dmn_gaps what a file's diagram leaves undrawn (the validator's warning, the shipped-file test)

graph reads the process model, place computes the geometry, bpmndi/dmndi write it, xmltext edits the file's
text so that nothing but the diagram changes.
"""

from __future__ import annotations

from engine.diagrams.bpmndi import layout_bpmn
from engine.diagrams.coverage import Gaps, bpmn_gaps, dmn_gaps
from engine.diagrams.dmndi import layout_dmn
from engine.diagrams.graph import BPMN_NS
from engine.errors import DefinitionError

__all__ = ["layout", "Gaps", "bpmn_gaps", "dmn_gaps"]


def layout(name: str, data: bytes) -> bytes:
    """`data` (a BPMN or DMN file) with its diagram replaced by a new layout; DefinitionError (Swedish) if the
    file cannot be read or laid out. The process model itself is left exactly as it was."""
    from engine.validation.xmlsafe import load_xml

    root, found = load_xml(name, data)
    if root is None:
        raise DefinitionError(f"{name} kan inte läsas som XML, så inget diagram kan ritas.", findings=found)
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise DefinitionError(f"{name} är inte sparad som UTF-8.") from None
    namespace = (root.tag.split("}")[0].lstrip("{") if isinstance(root.tag, str) else "")
    try:
        if namespace == BPMN_NS:
            result = layout_bpmn(text, root)
        elif "DMN" in namespace:
            result = layout_dmn(text, root)
        else:
            raise DefinitionError(f"{name} är varken en BPMN- eller en DMN-fil.")
    except ValueError as exc:
        raise DefinitionError(f"Diagrammet i {name} kan inte ritas: {exc}") from None
    encoded = result.encode("utf-8")
    check, found = load_xml(name, encoded)
    if check is None:  # a bug of ours must never write a broken file
        raise DefinitionError(f"Diagrammet i {name} kunde inte ritas utan att filen förstördes; den lämnas orörd.",
                              findings=found)
    return encoded
