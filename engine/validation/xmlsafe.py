"""Loading BPMN/DMN XML safely, keeping line numbers, and locating findings on elements.

No DTD is ever loaded and no entity is ever expanded: a DOCTYPE is how XXE (reading server files) and
"billion laughs" (memory exhaustion) attacks start, and no modeller writes one, so any DOCTYPE is refused.
"""

from __future__ import annotations

import re

from lxml import etree

from engine.validation.findings import ERROR, Finding
from engine.validation.source import check_bytes, line_of_offset

__all__ = ["load_xml", "at", "local", "owner", "element_at_line"]

_DOCTYPE = re.compile(rb"<!\s*(DOCTYPE|ENTITY)", re.IGNORECASE)

# libxml2's messages are English and terse; the common ones get a Swedish explanation first.
_SYNTAX_HINTS = [
    ("Premature end of data", "Filen tar slut mitt i en tagg; den verkar vara avklippt."),
    ("EndTag: '</' not found", "Filen tar slut innan alla taggar är stängda; den verkar vara avklippt."),
    ("Extra content at the end", "Det finns text efter den sista taggen."),
    ("Opening and ending tag mismatch", "En tagg stängs med fel namn."),
    ("Start tag expected", "Filen börjar inte med en XML-tagg."),
    ("Document is empty", "Filen innehåller ingen XML."),
    ("not proper UTF-8", "Filen innehåller tecken som inte är giltig UTF-8."),
    ("Entity", "Filen använder en entitet (&namn;) som inte är definierad."),
]


def _parser() -> etree.XMLParser:
    # A new parser per document: lxml parsers are not thread-safe, and the HTTP API validates concurrently.
    return etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False, load_dtd=False,
                           dtd_validation=False, remove_blank_text=False)


def _doctype_finding(file: str, line: int | None) -> Finding:
    return Finding(ERROR, "xml.doctype", file,
                   "Filen innehåller en DOCTYPE- eller ENTITY-deklaration. Sådana används för att läsa andra filer "
                   "på servern eller för att få den att gå ner, och tas därför aldrig emot.",
                   "Ta bort raden <!DOCTYPE ...> (och eventuella <!ENTITY ...>) och spara filen på nytt från "
                   "modelleringsverktyget.", line=line)


def load_xml(file: str, data: bytes) -> tuple[etree._Element | None, list[Finding]]:
    """The root element with source lines, or None and the findings that say why not."""
    found = check_bytes(file, data)
    if found:
        return None, found
    # UTF-16 would hide the DOCTYPE from a byte scan; scan the decoded text instead
    scanned = data.decode("utf-16", "replace").encode() if data.startswith((b"\xff\xfe", b"\xfe\xff")) else data
    match = _DOCTYPE.search(scanned)
    if match:
        return None, [_doctype_finding(file, line_of_offset(scanned, match.start()))]
    try:
        root = etree.fromstring(data, _parser())
    except etree.XMLSyntaxError as exc:
        raw = str(exc.msg or exc)
        hint = next((sv for en, sv in _SYNTAX_HINTS if en in raw), "Filen är inte giltig XML.")
        line = exc.lineno or None
        return None, [Finding(ERROR, "xml.syntax", file, hint,
                              "Öppna filen i modelleringsverktyget och spara den på nytt, eller rätta XML-koden "
                              "på den angivna raden.", line=line, detail=raw)]
    except Exception as exc:  # e.g. ValueError for odd encodings; never a traceback for the owner
        return None, [Finding(ERROR, "xml.syntax", file, "Filen kan inte läsas som XML.",
                              "Spara filen på nytt från modelleringsverktyget som UTF-8.", detail=str(exc))]
    if root.getroottree().docinfo.doctype:  # e.g. a UTF-16 file the byte scan could not read
        return None, [_doctype_finding(file, None)]
    return root, []


def local(node: etree._Element) -> str:
    """The tag without namespace ('userTask'); comments and processing instructions give ''."""
    tag = node.tag
    return etree.QName(tag).localname if isinstance(tag, str) else ""


def owner(node: etree._Element) -> etree._Element:
    """The nearest element with an id: findings about e.g. a <conditionExpression> name its sequence flow."""
    current: etree._Element | None = node
    while current is not None:
        if current.get("id"):
            return current
        current = current.getparent()
    return node


def at(severity: str, code: str, file: str, node: etree._Element | None, message: str, fix: str,
       line: int | None = None, detail: str | None = None) -> Finding:
    """A finding located on an element: its line (unless given), its id and its name."""
    if node is None:
        return Finding(severity, code, file, message, fix, line=line, detail=detail)
    element = owner(node)
    return Finding(severity, code, file, message, fix,
                   line=line or node.sourceline or element.sourceline,
                   element_id=element.get("id"), element_name=element.get("name") or None, detail=detail)


def element_at_line(root: etree._Element, line: int) -> etree._Element | None:
    """The innermost element with an id whose start tag ends on `line` (libxml2's line), else the nearest one
    before it; never the root, which stands for the whole file."""
    best: etree._Element | None = None
    for node in root.iter():
        if not isinstance(node.tag, str) or node is root or not node.sourceline:
            continue
        if node.sourceline > line:
            break
        if node.get("id"):
            best = node
    return best
