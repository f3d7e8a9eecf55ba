"""Export templates: documents prefilled from a case for an authority (IVO's lex Maria and lex Sarah
notifications, Försäkringskassan's work-injury report, Kammarkollegiet's programme-participant form, ...),
declared as data per area in `processes/<area>/exports/<id>.yaml`:

    id: fk_arbetsskada
    title: Förifyllnad – anmälan om arbetsskada
    authority: Försäkringskassan            # optional: who receives it
    note: Fältlistan är inte verifierad mot blanketten. Kontrollera varje fält i e-tjänsten.
    sections:                     # optional: Swedish headings for the first part of the target paths
      den_skadade: Den skadade
    fields:                       # target path in the document -> source, or {source, label, verified}
      den_skadade.personnummer: arende.skadad.personnummer
      arbetsstalle.cfar: {source: arbetsstalle.cfar, label: CFAR-nummer, verified: true}

A field is `verified` only when the authority's published form has been checked to hold it (see
../shared/docs/legal-verification.md); every other field is shown as unverified in the document.

Sources start with one of SOURCE_ROOTS: `arende` (the case data: report, forms, engine facts), `handelse`
(number, title, created_at), `enhet` (the unit where it happened: id, name, kind, cfar), `arbetsstalle` (the
nearest unit up the tree with a CFAR number), `huvudman` (the root unit: the region) and `upprattare` (the user
preparing the document: id, name, email).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from engine.definitions.yamlfile import load_yaml
from engine.errors import DefinitionError

__all__ = ["SOURCE_ROOTS", "ExportField", "ExportTemplate", "parse_export", "field_spec", "value_at"]

SOURCE_ROOTS = ("arende", "handelse", "enhet", "arbetsstalle", "huvudman", "upprattare")


@dataclass(frozen=True)
class ExportField:
    target: str  # dotted path in the document
    source: str  # dotted path in the sources
    label: str  # Swedish, for the printed document
    verified: bool  # checked against the authority's published form


@dataclass(frozen=True)
class ExportTemplate:
    id: str
    title: str
    note: str | None
    fields: tuple[ExportField, ...]  # in file order
    authority: str | None = None
    sections: tuple[tuple[str, str], ...] = ()  # (first path part, Swedish heading)

    def section_title(self, target: str) -> str:
        head = target.split(".")[0]
        return dict(self.sections).get(head) or _humanize(head)

    def fill(self, sources: dict[str, Any]) -> tuple[dict[str, Any], list[str]]:
        """The nested document, and the target paths whose source had no value (to fill in by hand)."""
        document: dict[str, Any] = {}
        missing = []
        for item in self.fields:
            value = value_at(sources, item.source)
            if value in (None, ""):
                missing.append(item.target)
            *parents, leaf = item.target.split(".")
            node = document
            for part in parents:
                node = node.setdefault(part, {})
            node[leaf] = value
        return document, missing


def field_spec(raw: Any) -> tuple[Any, Any, Any]:
    """(source, label, verified) of a field's declaration: a source string or a mapping."""
    if isinstance(raw, dict):
        return raw.get("source"), raw.get("label"), raw.get("verified", False)
    return raw, None, False


def _humanize(name: str) -> str:
    text = name.replace("_", " ")
    return text[:1].upper() + text[1:]


def value_at(data: Any, dotted: str) -> Any:
    """The value at a dotted path of nested mappings, or None."""
    for part in dotted.split("."):
        if not isinstance(data, dict):
            return None
        data = data.get(part)
    return data


def parse_export(text: bytes, name: str) -> ExportTemplate:
    try:
        raw = load_yaml(text, name)
        fields = []
        for target, declared in raw["fields"].items():
            source, label, verified = field_spec(declared)
            fields.append(ExportField(str(target), str(source), str(label or _humanize(str(target).split(".")[-1])),
                                      verified is True))
        sections = tuple((str(k), str(v)) for k, v in (raw.get("sections") or {}).items())
        return ExportTemplate(str(raw["id"]), str(raw["title"]), raw.get("note"), tuple(fields),
                              raw.get("authority"), sections)
    except (KeyError, TypeError, AttributeError):
        raise DefinitionError(f"{name} är inte en giltig exportmall.") from None
