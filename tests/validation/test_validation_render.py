"""The public face: Finding, the text and JSON renderings, has_errors."""

from __future__ import annotations

import json

from engine.validation import Finding, has_errors, render_json, render_text

ERROR = Finding("error", "bpmn.lane_unknown_role", "processes/vard/vard.bpmn",
                "Uppgiften 'Triagera händelsen' ligger i simbanan 'handlaggare2', men rollen finns inte i area.yaml.",
                "Lägg till rollen under roles: i processes/vard/area.yaml.", line=42, element_id="triage",
                element_name="Triagera händelsen")
WARNING = Finding("warning", "form.title_missing", "forms/intake.json", "Fältet 'plats' saknar en svensk rubrik.",
                  'Lägg till "title".', element_id="/properties/plats")


def test_text_names_file_line_element_and_fix() -> None:
    text = render_text([ERROR, WARNING])
    first, second, summary = text.splitlines()
    assert first.startswith('FEL processes/vard/vard.bpmn:42 [triage "Triagera händelsen"] Uppgiften')
    assert first.endswith("— Åtgärd: Lägg till rollen under roles: i processes/vard/area.yaml.")
    assert second.startswith("VARNING forms/intake.json [/properties/plats] Fältet")
    assert summary == "1 fel och 1 varning."


def test_text_without_findings() -> None:
    assert render_text([]) == "Inga fel hittades.\n"


def test_json_round_trips_every_field() -> None:
    data = json.loads(render_json([ERROR, WARNING]))
    assert (data["errors"], data["warnings"]) == (1, 1)
    assert data["findings"][0] == ERROR.to_dict()
    assert Finding(**data["findings"][1]) == WARNING


def test_has_errors_ignores_warnings() -> None:
    assert has_errors([WARNING, ERROR]) and not has_errors([WARNING]) and not has_errors([])
