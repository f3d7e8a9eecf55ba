"""processes/annual_report.yaml: its shape, that every mapped class is declared, and (for a whole tree) that
every area and category it names exists."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from engine.validation.areas import YamlDoc
from engine.validation.findings import ERROR, WARNING, Finding
from engine.plaindata import mapping_at

__all__ = ["check_annual", "annual_cross_findings"]

_FIX = ("Se docs/documents.md: readers, deviation_areas, complaint_area (frivillig), classification "
        "(id, name, verified, note, classes) och mapping: {område: {kategori: klass}}.")


def _strings(value: Any) -> bool:
    return isinstance(value, list) and bool(value) and all(isinstance(v, str) for v in value)


def check_annual(doc: YamlDoc) -> list[Finding]:
    data, found = doc.data, []

    def error(code: str, message: str, *path: Any, fix: str = _FIX, element: str | None = None) -> None:
        found.append(Finding(ERROR, code, doc.file, message, fix, line=doc.line(*path), element_id=element))

    if not _strings(data.get("readers")):
        error("annual.readers_invalid", "readers ska vara en lista med de roller som får läsa årsrapporten.",
              "readers")
    if not _strings(data.get("deviation_areas")):
        error("annual.areas_invalid", "deviation_areas ska vara en lista med områden (t.ex. [vard, omsorg]).",
              "deviation_areas")
    if data.get("complaint_area") is not None and not isinstance(data.get("complaint_area"), str):
        error("annual.areas_invalid", "complaint_area ska vara ett områdes id (t.ex. synpunkter).", "complaint_area")
    classification = data.get("classification")
    classes: dict[str, Any] = {}
    if not isinstance(classification, dict):
        error("annual.classification_missing", "Klassifikationen (classification) saknas.", "classification")
    else:
        for key in ("id", "name"):
            if not isinstance(classification.get(key), str):
                error("annual.classification_invalid", f"Klassifikationen saknar {key}.", "classification")
        if not isinstance(classification.get("verified", False), bool):
            error("annual.classification_invalid", "verified ska vara true eller false.",
                  "classification", "verified")
        classes = mapping_at(classification, "classes")
        if not classes or not all(isinstance(v, str) for v in classes.values()):
            error("annual.classes_invalid", "Klassifikationen ska ha klasser (classes: {id: svensk benämning}).",
                  "classification", "classes")
    mapping = data.get("mapping", {})
    if not isinstance(mapping, dict):
        error("annual.mapping_invalid", "mapping ska vara en tabell: {område: {kategori: klass}}.", "mapping")
        return found
    for area, categories in mapping.items():
        if not isinstance(categories, dict):
            error("annual.mapping_invalid", f"Mappningen för området '{area}' ska vara en tabell {{kategori: klass}}.",
                  "mapping", area, element=str(area))
            continue
        for category, klass in categories.items():
            if classes and klass not in classes:
                error("annual.class_unknown",
                      f"Kategorin '{category}' i området '{area}' mappas till klassen '{klass}', som inte finns "
                      f"bland klassifikationens klasser.", "mapping", area, category,
                      fix=f"Välj en av: {', '.join(classes)}, eller lägg till klassen under classification.classes.",
                      element=f"{area}.{category}")
    return found


def _categories(forms: list[Any]) -> set[str]:
    """Every value (enum or oneOf const) a field named `kategori` offers in the area's forms (at any depth)."""
    found: set[str] = set()
    stack = [f.content for f in forms if not f.ui and isinstance(f.content, dict)]
    while stack:
        node = stack.pop()
        if isinstance(node, dict):
            for key, value in node.items():
                if key == "kategori" and isinstance(value, dict):
                    found.update(v for v in value.get("enum", []) if isinstance(v, str))
                    found.update(o["const"] for o in value.get("oneOf", []) if isinstance(o, dict) and "const" in o)
                stack.append(value)
        elif isinstance(node, list):
            stack.extend(node)
    return found


def annual_cross_findings(doc: YamlDoc, areas: dict[str, list[Any]]) -> Iterator[Finding]:
    """`areas`: area id -> its forms. Named areas must exist; mapped categories must be offered by the area."""
    data = doc.data
    named: list[tuple[str, int | None, Any]] = [
        ("deviation_areas", i, a) for i, a in enumerate(data.get("deviation_areas") or [])]
    if isinstance(data.get("complaint_area"), str):
        named.append(("complaint_area", None, data["complaint_area"]))
    mapping = mapping_at(data, "mapping")
    named += [("mapping", a, a) for a in mapping]
    for key, index, area in named:
        if isinstance(area, str) and area not in areas:
            path = (key,) if index is None else (key, index)
            yield Finding(ERROR, "annual.area_unknown", doc.file, f"Området '{area}' finns inte.",
                          f"Välj ett av: {', '.join(sorted(areas))}.", line=doc.line(*path), element_id=area)
    for area, categories in mapping.items():
        if area not in areas or not isinstance(categories, dict):
            continue
        offered = _categories(areas[area])
        for category in categories:
            if category not in offered:
                yield Finding(ERROR, "annual.category_unknown", doc.file,
                              f"Området '{area}' har ingen kategori '{category}'.",
                              f"Kategorierna är: {', '.join(sorted(offered)) or '(inga)'}.",
                              line=doc.line("mapping", area, category), element_id=f"{area}.{category}")
        for category in sorted(offered - set(categories)):
            yield Finding(WARNING, "annual.category_unmapped", doc.file,
                          f"Kategorin '{category}' i området '{area}' är inte mappad och räknas som \"Ej mappad\".",
                          "Lägg till den under mapping om den ska räknas i en klass.",
                          line=doc.line("mapping", area), element_id=f"{area}.{category}")
