"""One vård case from report to closure: the report, each user task in order with valid data (the same data as
tests/engine/test_vard_case.py) and which demo user holds the task's role."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

__all__ = ["AREA", "REPORT", "REPORT_UNIT", "REPORTER", "Step", "STEPS", "DEMO_USERS", "data_for", "start_data"]

AREA = "vard"
REPORT_UNIT = "ks-akut"
REPORTER = "eva"
REPORT: dict[str, Any] = {
    "rubrik": "Fel läkemedel gavs på akuten",
    "beskrivning": "Patienten fick fel dos av ett blodförtunnande läkemedel.",
    "hande_tid": "2026-11-20T14:30:00+01:00",
    "handelsetyp": "negativ_handelse",
    "drabbade": ["patient"],
    "personskada": "lindrig",
    "vill_ha_aterkoppling": True,
}


@dataclass(frozen=True)
class Step:
    spec_name: str
    role: str
    data: dict[str, Any]


STEPS: tuple[Step, ...] = (
    Step("triage", "handlaggare", {"triage": {"beslut": "accepterad"}}),
    Step("klassificering", "handlaggare", {
        "kategori": "lakemedel",
        "riskbedomning": {"konsekvens_faktisk": 2, "konsekvens_potentiell": 3, "sannolikhet": 2},
        "vardskada": "ja",
        "patient": {"personnummer": "19121212-1212"},
    }),
    Step("lex_maria_bedomning", "patientsakerhet",
         {"lex_maria": {"varde": "ja", "referens": "IVO 3.1.1-12345/2026", "datum": "2026-11-21"}}),
    Step("utredning", "handlaggare",
         {"utredning": {"niva": "handelseanalys", "sammanfattning": "Fel dos.", "godkand_av": "bertil"}}),
    Step("informera_patient", "handlaggare",
         {"patientinformation": {"datum": "2026-11-22", "till": "patient", "vardskada_informerad": True}}),
    Step("aterkoppling", "handlaggare",
         {"aterkoppling": {"status": "given", "text": "Tack, vi har infört dubbelkontroll.", "datum": "2026-11-23"}}),
    Step("signera_avslut", "verksamhetschef", {"avslut": {"lardomar": "Dubbelkontroll av doser."}}),
)

# server/demo.py: anna is handläggare on ks, cecilia patientsäkerhet on rs, bertil verksamhetschef on ks.
DEMO_USERS = {"handlaggare": "anna", "patientsakerhet": "cecilia", "verksamhetschef": "bertil"}

_BY_NAME = {step.spec_name: step for step in STEPS}


def data_for(spec_name: str) -> dict[str, Any]:
    """The valid form data for the vård task `spec_name`."""
    return _BY_NAME[spec_name].data


def start_data(variables: dict[str, Any]) -> dict[str, Any]:
    """What the engine hands a new vård case: the area's variables, the report, the event's number and title."""
    return {**variables, **REPORT, "event_number": "AVV-2026-000001", "event_title": REPORT["rubrik"]}
