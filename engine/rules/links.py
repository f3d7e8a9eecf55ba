"""The kinds of link between events, as data the engine, the validator and the API share."""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["LinkType", "LINK_TYPES", "UNIT_FIELD_KINDS"]


@dataclass(frozen=True)
class LinkType:
    label: str  # read from the linking event: "Dubblett av AVV-…"
    inverse_label: str  # read from the linked event: "Har en dubblett: AVV-…"
    self_allowed: bool = False  # may an event link to itself (a lab report also routed to vård)?
    target_area: str | None = None  # the linked event must be handled in this area


LINK_TYPES: dict[str, LinkType] = {
    "duplicate_of": LinkType("Dubblett av", "Har en dubblett"),
    "lab_deviation_for": LinkType("Laboratorieavvikelse för", "Har en laboratorieavvikelse", True, "vard"),
    "complaint_about": LinkType("Klagomål om", "Har ett klagomål"),
    "related": LinkType("Relaterad till", "Relaterad till"),
}

# x-avvik-unit values: any unit of the legal entity, or one the case moves to
UNIT_FIELD_KINDS = ("unit", "move")
