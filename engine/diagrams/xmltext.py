"""Editing a definition file as text, so a regenerated diagram changes nothing else in it.

Re-serialising the whole tree would re-quote attributes, re-escape conditions and flatten the root tag of a
hand-written file; a process owner's diff should show the diagram and nothing more.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any
from xml.sax.saxutils import quoteattr

__all__ = ["attr", "ids_outside", "unique_id", "prefix_for", "prefixes_for", "DiagramLines", "remove_elements",
           "insert_before_close", "declare_namespaces", "indent_unit"]


def attr(name: str, value: object) -> str:
    return f" {name}={quoteattr(str(value))}"


def ids_outside(root: Any, namespace: str) -> set[str]:
    """Ids in use in the file, except those of elements in `namespace` (the diagram being replaced)."""
    return {e.get("id", "") for e in root.iter() if isinstance(e.tag, str) and e.get("id")
            and not e.tag.startswith("{" + namespace + "}")}


def unique_id(wanted: str, taken: set[str]) -> str:
    """`wanted`, or `wanted_2`, `wanted_3` … if taken; the result is taken from then on."""
    candidate, n = wanted, 1
    while candidate in taken:
        n += 1
        candidate = f"{wanted}_{n}"
    taken.add(candidate)
    return candidate


def prefix_for(nsmap: dict[str | None, str], namespace: str, wanted: str) -> tuple[str, bool]:
    """The prefix the file already uses for `namespace`, or a free one to declare (and True)."""
    for prefix, uri in nsmap.items():
        if uri == namespace and prefix:
            return prefix, False
    candidate, n = wanted, 1
    while candidate in nsmap:
        n += 1
        candidate = f"{wanted}{n}"
    return candidate, True


def prefixes_for(nsmap: dict[str | None, str], wanted: Iterable[tuple[str, str]]
                 ) -> tuple[dict[str, str], list[tuple[str, str]]]:
    """prefix_for each (wanted prefix, namespace), by wanted prefix, and the (prefix, namespace) pairs to declare;
    the new prefixes are added to nsmap so no two namespaces get the same one."""
    prefixes: dict[str, str] = {}
    declare: list[tuple[str, str]] = []
    for name, namespace in wanted:
        prefix, new = prefix_for(nsmap, namespace, name)
        prefixes[name], nsmap[prefix] = prefix, namespace
        if new:
            declare.append((prefix, namespace))
    return prefixes, declare


@dataclass(frozen=True)
class DiagramLines:
    """The lines of a diagram interchange block (BPMN DI, DMN DI) at the file's indentation: a shape with its
    bounds, an edge with its waypoints, each with an id that is new in the file."""

    unit: str  # one level of the file's indentation
    di: str  # the prefix of the diagram's own elements (bpmndi, dmndi)
    dc: str
    waypoint: str  # the prefix of DD's DI (di)
    reference: str  # the attribute naming the model element: bpmnElement, dmnElementRef
    taken: set[str]

    def shape(self, tag: str, element: str, bounds: dict[str, int], extra: str = "") -> list[str]:
        """bounds in the order the modeler writes them (bpmn-js: x y width height, dmn-js: height width x y)."""
        return [f"{self.unit * 3}<{self.di}:{tag}{attr('id', unique_id(element + '_di', self.taken))}"
                f"{attr(self.reference, element)}{extra}>",
                f"{self.unit * 4}<{self.dc}:Bounds{''.join(attr(name, value) for name, value in bounds.items())}/>",
                f"{self.unit * 3}</{self.di}:{tag}>"]

    def edge(self, tag: str, element: str, points: Iterable[tuple[int, int]]) -> list[str]:
        return [f"{self.unit * 3}<{self.di}:{tag}{attr('id', unique_id(element + '_di', self.taken))}"
                f"{attr(self.reference, element)}>",
                *(f"{self.unit * 4}<{self.waypoint}:waypoint{attr('x', x)}{attr('y', y)}/>" for x, y in points),
                f"{self.unit * 3}</{self.di}:{tag}>"]


def _tag_end(text: str, start: int) -> int:
    """The index just after the `>` closing the start tag beginning at `start` (quotes respected)."""
    quote = None
    for i in range(start, len(text)):
        c = text[i]
        if quote:
            if c == quote:
                quote = None
        elif c in "\"'":
            quote = c
        elif c == ">":
            return i + 1
    raise ValueError("unterminated tag")


def remove_elements(text: str, local_name: str) -> str:
    """Every `<p:local_name …>…</p:local_name>` (or self-closing) with the whitespace before it on its line."""
    pattern = re.compile(rf"[ \t]*<(?P<p>(?:[\w.-]+:)?){local_name}\b")
    while (match := pattern.search(text)) is not None:
        end = _tag_end(text, match.start())
        if text[end - 2] != "/":
            close = re.compile(rf"</{re.escape(match.group('p'))}{local_name}\s*>").search(text, end)
            if close is None:
                raise ValueError(f"<{local_name}> is not closed")
            end = close.end()
        if text[end:end + 1] == "\n":
            end += 1
        text = text[:match.start()] + text[end:]
    return text


def _start(text: str, prefix: str | None, local_name: str) -> re.Match[str] | None:
    name = f"{prefix}:{local_name}" if prefix else local_name
    return re.search(rf"<{re.escape(name)}(?=[\s/>])", text)


def indent_unit(text: str, root_prefix: str | None) -> str:
    """The indentation of the root's first child, e.g. two spaces."""
    root = _start(text, root_prefix, "definitions")
    after = text[_tag_end(text, root.start()):] if root else ""
    match = re.match(r"\s*?\n([ \t]+)<", after)
    return match.group(1) if match else "  "


def insert_before_close(text: str, prefix: str | None, local_name: str, block: str) -> str:
    """`block` (whole lines) just before the last closing tag of `local_name`."""
    name = f"{prefix}:{local_name}" if prefix else local_name
    close = text.rfind(f"</{name}")
    if close < 0:
        raise ValueError(f"</{name}> not found")
    line_start = text.rfind("\n", 0, close) + 1
    if text[line_start:close].strip():  # the closing tag shares its line with content: start a new line
        return text[:close] + "\n" + block + text[close:]
    return text[:line_start] + block + text[line_start:]


def declare_namespaces(text: str, root_prefix: str | None, declarations: list[tuple[str, str]]) -> str:
    """Add xmlns:prefix="uri" declarations to the root start tag."""
    if not declarations:
        return text
    root = _start(text, root_prefix, "definitions")
    if root is None:
        raise ValueError("no root element")
    end = _tag_end(text, root.start())
    tag = text[root.start():end]
    declared = list(re.finditer(r"\s+xmlns(?::[\w.-]+)?=(\"[^\"]*\"|'[^']*')", tag))
    last = declared[-1] if declared else None
    at = root.start() + (last.end() if last else len(f"<{root_prefix}:definitions" if root_prefix else
                                                         "<definitions"))
    # on the line of the last declaration, so no line below moves (findings and owners cite line numbers)
    added = "".join(f' xmlns:{prefix}="{uri}"' for prefix, uri in declarations)
    return text[:at] + added + text[at:]
