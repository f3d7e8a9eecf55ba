"""Which legal entity (vårdgivare / huvudman) a unit belongs to: the one function per-entity records key on.

A legal entity is the root unit of the org tree ('/rs/ks/ks-akut/' -> 'rs'; engine/entities.py holds the rest
of what an entity is). Log chains, retention plans, culling protocols, number series and release ownership all
key on this one function.
"""

from __future__ import annotations

__all__ = ["INSTALLATION", "legal_entity"]

# The chain of log rows that belong to no unit (a release published, an IDM sync): the installation's own.
INSTALLATION = "*"


def legal_entity(unit_path: str | None) -> str:
    """The legal entity's id for a unit's materialised path; INSTALLATION for none."""
    if not unit_path or not unit_path.strip("/"):
        return INSTALLATION
    return unit_path.strip("/").split("/")[0]
