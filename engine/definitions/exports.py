"""Export templates: documents prefilled from a case for an authority's e-service (Försäkringskassan's
work-injury report, Kammarkollegiet's programme-participant form, ...), declared as data per area in
`processes/<area>/exports/<id>.yaml`:

    id: fk_arbetsskada
    title: Förifyllnad – anmälan om arbetsskada
    note: Fältlistan är inte verifierad mot blanketten. Kontrollera varje fält i e-tjänsten.
    fields:                       # target path in the document -> source
      den_skadade.personnummer: arende.skadad.personnummer
      arbetsstalle.cfar: arbetsstalle.cfar

Sources start with one of SOURCE_ROOTS: `arende` (the case data: report, forms, engine facts), `handelse`
(number, title, created_at), `enhet` (the unit where it happened: id, name, kind, cfar), `arbetsstalle` (the
nearest unit up the tree with a CFAR number) and `huvudman` (the root unit: the region).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from engine.definitions.yamlfile import load_yaml
from engine.errors import DefinitionError

__all__ = ["SOURCE_ROOTS", "ExportTemplate", "parse_export"]

SOURCE_ROOTS = ("arende", "handelse", "enhet", "arbetsstalle", "huvudman")


@dataclass(frozen=True)
class ExportTemplate:
    id: str
    title: str
    note: str | None
    fields: tuple[tuple[str, str], ...]  # (target path, source path), in file order

    def fill(self, sources: dict[str, Any]) -> tuple[dict[str, Any], list[str]]:
        """The nested document, and the target paths whose source had no value (to fill in by hand)."""
        document: dict[str, Any] = {}
        missing = []
        for target, source in self.fields:
            value = _get(sources, source)
            if value in (None, ""):
                missing.append(target)
            *parents, leaf = target.split(".")
            node = document
            for part in parents:
                node = node.setdefault(part, {})
            node[leaf] = value
        return document, missing


def _get(data: Any, dotted: str) -> Any:
    for part in dotted.split("."):
        if not isinstance(data, dict):
            return None
        data = data.get(part)
    return data


def parse_export(text: bytes, name: str) -> ExportTemplate:
    try:
        raw = load_yaml(text, name)
        fields = tuple((str(target), str(source)) for target, source in raw["fields"].items())
        return ExportTemplate(str(raw["id"]), str(raw["title"]), raw.get("note"), fields)
    except (KeyError, TypeError, AttributeError):
        raise DefinitionError(f"{name} är inte en giltig exportmall.") from None
