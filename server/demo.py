"""A demo organisation for `avvik seed-demo`, the README walk-through and the tests.

Region Stockholm and Region Gotland, two legal entities (huvudmän) in one installation, each with its own number
series (RS-…, RG-…), its own complaints unit behind its own e-service (/synpunkter/rs, /synpunkter/rg), its own
process owner and auditor, and the unit kinds the intake routes on. The CFAR numbers are made up
(eight digits, as SCB's are); replace them from SCB's register in a real installation.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from engine.api import Engine

__all__ = ["UNITS", "USERS", "ENTITIES", "REGION_ROOTS", "DEMO_MAIL_DOMAIN", "seed_demo"]

# (id, name, kind, parent, cfar)
UNITS: list[tuple[str, str, str, str | None, str | None]] = [
    ("rs", "Region Stockholm", "region", None, None),
    ("ks", "Karolinska Universitetssjukhuset", "sjukhus", "rs", None),
    ("ks-akut", "Akutmottagningen Solna", "akut", "ks", "90000001"),
    ("ks-avd12", "Vårdavdelning 12, Solna", "avdelning", "ks", "90000002"),
    ("ks-klinkem", "Klinisk kemi, Solna", "lab", "ks", "90000003"),
    ("sos", "Södersjukhuset", "sjukhus", "rs", None),
    ("sos-akut", "Akutmottagningen Södersjukhuset", "akut", "sos", "90000006"),
    ("rs-tand", "Folktandvården Eastmaninstitutet", "tandvard", "rs", "90000004"),
    ("rs-klagomal", "Patient- och klagomålsfunktionen, Region Stockholm", "klagomal", "rs", "90000005"),
    ("rg", "Region Gotland", "region", None, None),
    ("rg-vs", "Visby lasarett", "sjukhus", "rg", None),
    ("rg-akut", "Akutmottagningen Visby", "akut", "rg-vs", "90000011"),
    ("rg-aldre", "Äldreboendet Solberga", "aldreboende", "rg", "90000012"),
    ("rg-klagomal", "Patientnämnden och klagomål, Region Gotland", "klagomal", "rg", "90000013"),
]

# (root unit = entity id, number prefix, complaints unit)
ENTITIES: list[tuple[str, str, str]] = [("rs", "RS", "rs-klagomal"), ("rg", "RG", "rg-klagomal")]

# (id, name, [(role, unit)])
USERS: list[tuple[str, str, list[tuple[str, str]]]] = [
    # vård (Karolinska) and Region Stockholm-wide functions
    ("anna", "Anna Handläggare", [("handlaggare", "ks")]),
    ("bertil", "Bertil Verksamhetschef", [("verksamhetschef", "ks")]),
    ("cecilia", "Cecilia Patientsäkerhet", [("patientsakerhet", "rs")]),
    ("eva", "Eva Rapportör", []),
    ("revisor", "Rut Revisor", [("revisor", "rs")]),
    ("petra", "Petra Processägare", [("processagare", "rs")]),
    ("ivar", "Ivar Systemförvaltare", [("forvaltare", "rs")]),  # the outbox, over HTTP
    # Södersjukhuset: where a report moved at triage is handled
    ("olof", "Olof Handläggare Södersjukhuset", [("handlaggare", "sos")]),
    ("stina", "Stina Verksamhetschef Södersjukhuset", [("verksamhetschef", "sos")]),
    # tandvård
    ("tina", "Tina Handläggare tandvård", [("handlaggare", "rs-tand")]),
    ("tor", "Tor Verksamhetschef tandvård", [("verksamhetschef", "rs-tand")]),
    # lab
    ("lars", "Lars Kvalitetsansvarig lab", [("kvalitetsansvarig_lab", "ks-klinkem")]),
    # arbetsmiljö (Karolinska) and miljö (regionen)
    ("karin", "Karin Chef", [("chef", "ks")]),
    ("sven", "Sven Skyddsombud", [("skyddsombud", "ks")]),
    ("hanna", "Hanna HR arbetsmiljö", [("hr_arbetsmiljo", "rs")]),
    ("mikael", "Mikael Miljösamordnare", [("miljosamordnare", "rs")]),
    # synpunkter och klagomål
    ("klara", "Klara Klagomålshandläggare", [("klagomalshandlaggare", "rs")]),
    ("greta", "Greta Verksamhetschef klagomål", [("verksamhetschef", "rs-klagomal")]),
    # Region Gotland: vård and omsorg (the region is also kommun)
    ("david", "David Handläggare Gotland", [("handlaggare", "rg")]),
    ("vera", "Vera Verksamhetschef Solberga", [("verksamhetschef", "rg-aldre")]),
    ("sara", "Sara SAS", [("sas", "rg")]),
    ("maria", "Maria MAS", [("mas", "rg")]),
    ("ingrid", "Ingrid Klagomålshandläggare Gotland", [("klagomalshandlaggare", "rg")]),
    ("gustav", "Gustav Revisor Gotland", [("revisor", "rg")]),
    ("per", "Per Processägare Gotland", [("processagare", "rg")]),
]


# Demo addresses (a reserved test domain, RFC 2606): notifications to them go to the log or a local sink.
DEMO_MAIL_DOMAIN = "demo.avvik.example"

# The region roots: binding a release there makes it each region's default (publishing alone activates nothing).
REGION_ROOTS = [unit_id for unit_id, _, _, parent, _ in UNITS if parent is None]


def seed_demo(engine: Engine, release_hash: str) -> None:
    """Create the demo units, entities and users and run the release on both regions (idempotent)."""
    for unit_id, name, kind, parent, cfar in UNITS:
        engine.add_unit(unit_id, name, kind, parent, cfar)
    for entity_id, prefix, complaints_unit in ENTITIES:
        engine.configure_entity(entity_id, prefix=prefix, complaints_unit=complaints_unit)
    for root in REGION_ROOTS:
        engine.activate_release(release_hash, root)
    for user_id, name, grants in USERS:
        engine.add_user(user_id, name, f"{user_id}@{DEMO_MAIL_DOMAIN}")
        for role, unit_id in grants:
            engine.grant_role(user_id, role, unit_id)
