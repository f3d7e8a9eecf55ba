"""A demo organisation for `avvik seed-demo`, the README walk-through and the tests.

Region Stockholm and Region Gotland with the unit kinds the intake routes on. The CFAR numbers are made up
(eight digits, as SCB's are); replace them from SCB's register in a real installation.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from engine.api import Engine

__all__ = ["UNITS", "USERS", "seed_demo"]

# (id, name, kind, parent, cfar)
UNITS: list[tuple[str, str, str, str | None, str | None]] = [
    ("rs", "Region Stockholm", "region", None, None),
    ("ks", "Karolinska Universitetssjukhuset", "sjukhus", "rs", None),
    ("ks-akut", "Akutmottagningen Solna", "akut", "ks", "90000001"),
    ("ks-avd12", "Vårdavdelning 12, Solna", "avdelning", "ks", "90000002"),
    ("ks-klinkem", "Klinisk kemi, Solna", "lab", "ks", "90000003"),
    ("rs-tand", "Folktandvården Eastmaninstitutet", "tandvard", "rs", "90000004"),
    ("rs-pn", "Patientnämnden Stockholm", "patientnamnd", "rs", "90000005"),
    ("rg", "Region Gotland", "region", None, None),
    ("rg-vs", "Visby lasarett", "sjukhus", "rg", None),
    ("rg-akut", "Akutmottagningen Visby", "akut", "rg-vs", "90000011"),
    ("rg-aldre", "Äldreboendet Solberga", "aldreboende", "rg", "90000012"),
]

# (id, name, [(role, unit)])
USERS: list[tuple[str, str, list[tuple[str, str]]]] = [
    ("anna", "Anna Handläggare", [("handlaggare", "ks")]),
    ("bertil", "Bertil Verksamhetschef", [("verksamhetschef", "ks")]),
    ("cecilia", "Cecilia Patientsäkerhet", [("patientsakerhet", "rs")]),
    ("david", "David Handläggare Gotland", [("handlaggare", "rg")]),
    ("eva", "Eva Rapportör", []),
    ("revisor", "Rut Revisor", [("revisor", "rs")]),
]


def seed_demo(engine: Engine) -> None:
    """Create the demo units and users (idempotent)."""
    for unit_id, name, kind, parent, cfar in UNITS:
        engine.add_unit(unit_id, name, kind, parent, cfar)
    for user_id, name, grants in USERS:
        engine.add_user(user_id, name)
        for role, unit_id in grants:
            engine.grant_role(user_id, role, unit_id)
