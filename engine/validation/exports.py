"""Export templates (processes/<area>/exports/*.yaml): their shape, and that each source names something a
case can hold."""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from referencing import Registry

from engine.definitions.exports import SOURCE_ROOTS, field_spec
from engine.validation.areas import YamlDoc
from engine.validation.findings import ERROR, Finding
from engine.definitions.forms import has_path

__all__ = ["check_export", "export_source_findings"]

_ATTRIBUTES = {
    "handelse": {"number", "title", "created_at"},
    "enhet": {"id", "name", "kind", "cfar"},
    "arbetsstalle": {"id", "name", "kind", "cfar"},
    "huvudman": {"id", "name", "kind", "cfar"},
    "upprattare": {"id", "name", "email"},
}
_FIX_SHAPE = ("Se docs/documents.md: id (= filnamnet), title, authority och note (frivilliga), sections (frivillig) "
              "och fields: {mål: källa} eller {mål: {source: källa, label: rubrik, verified: true/false}}.")


def check_export(doc: YamlDoc, stem: str) -> list[Finding]:
    found = []
    data = doc.data
    if data.get("id") != stem:
        found.append(Finding(ERROR, "export.id_mismatch", doc.file, f"Exportmallens id ska vara filens namn, '{stem}'.",
                             f"Skriv id: {stem}.", line=doc.line("id")))
    if not isinstance(data.get("title"), str):
        found.append(Finding(ERROR, "export.missing_key", doc.file, "Exportmallen saknar en titel (title).",
                             _FIX_SHAPE, line=doc.line()))
    fields = data.get("fields")
    if not isinstance(fields, dict) or not fields:
        found.append(Finding(ERROR, "export.missing_key", doc.file, "Exportmallen saknar fält (fields).",
                             _FIX_SHAPE, line=doc.line()))
        return found
    sections = data.get("sections")
    if sections is not None and not (isinstance(sections, dict) and all(isinstance(v, str) for v in sections.values())):
        found.append(Finding(ERROR, "export.sections_invalid", doc.file,
                             "sections ska vara en tabell från fältens första del till en svensk rubrik.",
                             _FIX_SHAPE, line=doc.line("sections")))
    for target, declared in fields.items():
        source, label, verified = field_spec(declared)
        if isinstance(declared, dict) and (set(declared) - {"source", "label", "verified"}
                                           or not isinstance(verified, bool)
                                           or not (label is None or isinstance(label, str))):
            found.append(Finding(ERROR, "export.field_invalid", doc.file,
                                 f"Fältet '{target}' får bara ha source, label (text) och verified (true/false).",
                                 _FIX_SHAPE, line=doc.line("fields", target), element_id=str(target)))
        root, _, rest = str(source).partition(".")
        if not isinstance(source, str) or root not in SOURCE_ROOTS or not rest:
            found.append(Finding(ERROR, "export.source_invalid", doc.file,
                                 f"Fältet '{target}' har källan '{source}', som inte börjar med något av "
                                 f"{', '.join(SOURCE_ROOTS)}.",
                                 "Skriv t.ex. arende.skadad.personnummer eller arbetsstalle.cfar.",
                                 line=doc.line("fields", target), element_id=str(target)))
        elif root in _ATTRIBUTES and rest not in _ATTRIBUTES[root]:
            found.append(Finding(ERROR, "export.source_unknown", doc.file,
                                 f"Fältet '{target}' läser '{source}', men {root} har bara "
                                 f"{', '.join(sorted(_ATTRIBUTES[root]))}.",
                                 "Rätta källan.", line=doc.line("fields", target), element_id=str(target)))
    return found


def export_source_findings(
    exports: Iterable[YamlDoc], registry: Registry, forms: Iterable[str], scalars: set[str]
) -> Iterator[Finding]:
    """`arende.x.y` must be a field of one of the area's forms (or the intake form); `arende.x` may also be an
    engine-provided name or an area variable (`scalars`)."""
    form_names = sorted(forms)
    for doc in exports:
        fields = doc.data.get("fields")
        for target, declared in (fields.items() if isinstance(fields, dict) else ()):
            source = field_spec(declared)[0]
            root, _, rest = str(source).partition(".")
            if root != "arende" or not rest or rest in scalars:
                continue
            if not any(has_path(registry, name, rest) for name in form_names):
                yield Finding(ERROR, "export.source_unknown", doc.file,
                              f"Fältet '{target}' läser '{source}', men inget formulär i området har fältet "
                              f"'{rest}'.",
                              "Rätta fältnamnet (punkt mellan nivåer) eller lägg till fältet i ett formulär.",
                              line=doc.line("fields", target), element_id=str(target))
