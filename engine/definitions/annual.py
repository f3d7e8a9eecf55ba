"""The annual figures' definition (processes/annual_report.yaml): which areas count as deviations for the
patient safety report (patientsäkerhetsberättelse, PSL 3 kap. 10 §), which roles at a legal entity's root may
read the figures, and how each area's categories map onto an external classification (e.g. WHO's Minimal
Information Model for Patient Safety). The process owner edits it; it is part of the release and validated by
`avvik validate` (engine/validation/annual.py).

    readers: [verksamhetschef, patientsakerhet, revisor]
    deviation_areas: [vard, tandvard, omsorg]
    complaint_area: synpunkter
    classification:
      id: who_mim_ps
      name: WHO Minimal Information Model for Patient Safety (MIM PS) – händelsetyp
      verified: false
      classes: {medication: Läkemedel, ...}
    mapping:
      vard: {lakemedel: medication, ...}
"""

from __future__ import annotations

from dataclasses import dataclass

from engine.definitions.yamlfile import load_yaml
from engine.errors import DefinitionError

__all__ = ["ANNUAL_FILE", "AnnualDefinition", "parse_annual"]

ANNUAL_FILE = "processes/annual_report.yaml"


@dataclass(frozen=True)
class AnnualDefinition:
    readers: frozenset[str]
    deviation_areas: tuple[str, ...]
    complaint_area: str | None
    classification_id: str
    classification_name: str
    classification_verified: bool
    classification_note: str | None
    classes: tuple[tuple[str, str], ...]  # (id, Swedish label), in file order
    mapping: dict[str, dict[str, str]]  # area -> category -> class id

    def class_of(self, area: str, category: str | None) -> str | None:
        return self.mapping.get(area, {}).get(category) if category else None


def parse_annual(text: bytes, name: str = ANNUAL_FILE) -> AnnualDefinition:
    try:
        raw = load_yaml(text, name)
        classification = raw["classification"]
        return AnnualDefinition(
            readers=frozenset(str(r) for r in raw["readers"]),
            deviation_areas=tuple(str(a) for a in raw["deviation_areas"]),
            complaint_area=raw.get("complaint_area"),
            classification_id=str(classification["id"]),
            classification_name=str(classification["name"]),
            classification_verified=classification.get("verified") is True,
            classification_note=classification.get("note"),
            classes=tuple((str(k), str(v)) for k, v in classification["classes"].items()),
            mapping={str(area): {str(c): str(k) for c, k in (cats or {}).items()}
                     for area, cats in (raw.get("mapping") or {}).items()},
        )
    except (KeyError, TypeError, AttributeError):
        raise DefinitionError(f"{name} är inte en giltig definition av årsrapporten.") from None
