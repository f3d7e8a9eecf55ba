"""area.yaml and intake.yaml: YAML syntax (safe loading only), the keys each may have, and their value types.

Files are read with PyYAML's safe loader only (no Python tags); the node tree it builds also gives line numbers.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import yaml

from engine.definitions.variables import declaration_problems
from engine.definitions.yamlfile import anchor_line
from engine.validation.expressions import Expr, check_syntax
from engine.validation.findings import ERROR, WARNING, Finding
from engine.validation.source import decode_text
from engine.plaindata import mapping_at

__all__ = ["YamlDoc", "read_yaml", "check_area", "check_intake", "RULE_KINDS"]

RULE_KINDS = ("actions_terminal", "fields_filled", "decision_recorded")
_AREA_KEYS: dict[str, type] = {
    "id": str, "name": str, "entry_process": str, "roles": dict, "variables": dict, "closing_tasks": list,
    "closure_rules": list, "retention_class": str, "responsible_unit_kind": str, "access": dict,
    "reopen_roles": list, "unit_kinds": list,
}
_ACCESS_KEYS: dict[str, type] = {"readers": list, "protected": list, "restricted": dict}
_RESTRICTED_KEYS: dict[str, type] = {"after_decisions": list, "roles": list}
_AREA_REQUIRED = ("id", "name", "entry_process", "roles")
_INTAKE_KEYS: dict[str, type] = {
    "form": str, "ui_form": str, "public_form": str, "routing_process": str, "fallback_area": str,
    "fallback_area_by_unit_kind": dict,
}
_INTAKE_REQUIRED = ("form", "routing_process", "fallback_area")
_RULE_KEYS: dict[str, type] = {"id": str, "kind": str, "message": str, "when": str, "fields": list, "decision": str}
_TYPES: dict[type, str] = {
    str: "en text", dict: "en tabell med nycklar (nyckel: värde)", list: "en lista ([a, b] eller rader med -)",
}


@dataclass
class YamlDoc:
    file: str
    data: dict[str, Any] = field(default_factory=dict)
    lines: dict[tuple[Any, ...], int] = field(default_factory=dict)
    exprs: list[Expr] = field(default_factory=list)

    def line(self, *path: Any) -> int | None:
        while path:
            if path in self.lines:
                return self.lines[path]
            path = path[:-1]
        return self.lines.get(())


def _line_map(node: yaml.Node | None) -> dict[tuple[Any, ...], int]:
    """Key path -> line. Each node is visited once: aliases could otherwise make this walk exponential."""
    lines: dict[tuple[Any, ...], int] = {}
    seen: set[int] = set()
    stack: list[tuple[yaml.Node, tuple[Any, ...]]] = [(node, ())] if node is not None else []
    while stack:
        current, path = stack.pop()
        if id(current) in seen or len(path) > 10:
            continue
        seen.add(id(current))
        lines.setdefault(path, current.start_mark.line + 1)
        if isinstance(current, yaml.MappingNode):
            for key, value in current.value:
                lines.setdefault((*path, key.value), key.start_mark.line + 1)
                stack.append((value, (*path, key.value)))
        elif isinstance(current, yaml.SequenceNode):
            stack.extend((item, (*path, i)) for i, item in enumerate(current.value))
    return lines


def _safe_load(text: str) -> tuple[Any, dict[tuple[Any, ...], int]]:
    """yaml.safe_load, keeping the composed nodes for their line numbers (libyaml's loader where installed)."""
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)(text)
    try:
        node = loader.get_single_node()
        return (loader.construct_document(node) if node is not None else None), _line_map(node)
    finally:
        loader.dispose()


def read_yaml(file: str, data: bytes) -> tuple[YamlDoc | None, list[Finding]]:
    text, found = decode_text(file, data)
    if text is None:
        return None, found
    fix = "Kontrollera indrag (mellanslag, inte tabbar), kolon och citattecken på raden."
    try:
        loaded, lines = _safe_load(text)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else None
        started = exc.context_mark.line + 1 if exc.context_mark and exc.problem_mark else None
        where = f" (rad {line})" if line else ""
        if started and started != line:  # e.g. an unclosed { … } is noticed lines after it was opened
            where = f" (rad {line}; det som inte avslutas börjar på rad {started})"
        return None, [Finding(ERROR, "yaml.syntax", file, f"YAML-filen kan inte läsas{where}: {exc.problem or exc}.",
                              fix, line=line)]
    except Exception as exc:  # e.g. RecursionError on absurd nesting, or a YAMLError without a position
        return None, [Finding(ERROR, "yaml.syntax", file, f"YAML-filen kan inte läsas: {type(exc).__name__}.", fix)]
    line = anchor_line(text)
    if line is not None:
        return None, [Finding(ERROR, "yaml.anchor", file,
                              f"Filen använder ett YAML-ankare eller alias (&namn eller *namn) på rad {line}. Det "
                              "är inte tillåtet i definitionsfiler: ett alias upprepar ett värde överallt där det "
                              "nämns, och alias av alias kan göra varje ärende gigantiskt.",
                              "Skriv ut värdet på varje ställe där det behövs i stället för att hänvisa till det.",
                              line=line)]
    if not isinstance(loaded, dict):
        return None, [Finding(ERROR, "yaml.not_mapping", file, "Filen ska bestå av nycklar med värden (nyckel: värde).",
                              "Utgå från exemplet i docs/definitions.md.", line=1)]
    return YamlDoc(file, loaded, lines), []


def _keys(doc: YamlDoc, prefix: str, value: dict[str, Any], spec: dict[str, type], required: tuple[str, ...],
          path: tuple[Any, ...] = (), what: str = "filen", element: str | None = None) -> list[Finding]:
    found = []
    for key in required:
        if value.get(key) in (None, ""):
            found.append(Finding(ERROR, f"{prefix}.missing_key", doc.file, f"Nyckeln {key}: saknas i {what}.",
                                 f"Lägg till {key}: (se docs/definitions.md).", line=doc.line(*path),
                                 element_id=element))
    for key, item in value.items():
        if key not in spec:
            found.append(Finding(WARNING, f"{prefix}.unknown_key", doc.file,
                                 f"Nyckeln {key}: är okänd och används inte.",
                                 f"Kontrollera stavningen; kända nycklar är {', '.join(spec)}.",
                                 line=doc.line(*path, key), element_id=element))
        elif item is not None and not isinstance(item, spec[key]):
            found.append(Finding(ERROR, f"{prefix}.invalid_value", doc.file,
                                 f"Värdet för {key}: ska vara {_TYPES[spec[key]]}.",
                                 f"Ändra värdet för {key}: (se docs/definitions.md).", line=doc.line(*path, key),
                                 element_id=element))
    return found


def _rules(doc: YamlDoc, rules: list[Any]) -> list[Finding]:
    found, seen = [], set()
    for index, rule in enumerate(rules):
        path = ("closure_rules", index)
        if not isinstance(rule, dict):
            found.append(Finding(ERROR, "area.invalid_value", doc.file, f"Avslutsregel nr {index + 1} är ingen tabell.",
                                 "Skriv regeln med id:, kind: och message:.", line=doc.line(*path)))
            continue
        rule_id = str(rule.get("id")) if rule.get("id") is not None else None
        found.extend(_keys(doc, "area", rule, _RULE_KEYS, ("id", "kind", "message"), path,
                           f"avslutsregel nr {index + 1}", rule_id))
        if rule_id in seen:
            found.append(Finding(ERROR, "area.rule_duplicate_id", doc.file, f"Två avslutsregler heter '{rule_id}'.",
                                 "Ge varje regel ett eget id.", line=doc.line(*path, "id"), element_id=rule_id))
        seen.add(rule_id)
        kind = rule.get("kind")
        if kind is not None and kind not in RULE_KINDS:
            found.append(Finding(ERROR, "area.rule_kind_unknown", doc.file, f"Regeltypen '{kind}' finns inte.",
                                 f"Använd en av {', '.join(RULE_KINDS)}.", line=doc.line(*path, "kind"),
                                 element_id=rule_id))
        needs = {"fields_filled": "fields", "decision_recorded": "decision"}.get(str(kind))
        if needs and not rule.get(needs):
            found.append(Finding(ERROR, "area.missing_key", doc.file, f"Regeltypen {kind} kräver {needs}:.",
                                 f"Lägg till {needs}: i regeln.", line=doc.line(*path), element_id=rule_id))
        if isinstance(rule.get("fields"), list) and not all(isinstance(f, str) for f in rule["fields"]):
            found.append(Finding(ERROR, "area.invalid_value", doc.file, "fields: ska vara en lista med fältnamn.",
                                 "Skriv t.ex. fields: [kategori, riskbedomning.sannolikhet].",
                                 line=doc.line(*path, "fields"), element_id=rule_id))
        if isinstance(rule.get("when"), str) and rule["when"].strip():
            expr = Expr(doc.file, "when", rule["when"], doc.line(*path, "when"), rule_id)
            doc.exprs.append(expr)
            found.extend(check_syntax(expr))
    return found


def check_area(doc: YamlDoc, folder: str | None) -> list[Finding]:
    data = doc.data
    found = _keys(doc, "area", data, _AREA_KEYS, _AREA_REQUIRED)
    if folder and isinstance(data.get("id"), str) and data["id"] != folder:
        found.append(Finding(ERROR, "area.id_mismatch", doc.file,
                             f"Områdets id är '{data['id']}', men mappen heter '{folder}'.",
                             f"Ändra till id: {folder} eller döp om mappen.", line=doc.line("id")))
    for role, value in (data.get("roles") or {}).items() if isinstance(data.get("roles"), dict) else ():
        if not isinstance(value, dict) or not value.get("name"):
            found.append(Finding(WARNING, "area.role_without_name", doc.file,
                                 f"Rollen '{role}' saknar ett svenskt namn.",
                                 f"Skriv t.ex. {role}: {{name: Handläggare}}.", line=doc.line("roles", role)))
    for name, raw in (data.get("variables") or {}).items() if isinstance(data.get("variables"), dict) else ():
        if not (isinstance(name, str) and name.isidentifier() and not name.startswith("_")):
            found.append(Finding(ERROR, "area.invalid_value", doc.file,
                                 f"Variabelnamnet '{name}' kan inte användas i uttryck.",
                                 "Använd små bokstäver, siffror och understreck, t.ex. sla_triage_days.",
                                 line=doc.line("variables", name)))
        found.extend(_variable(doc, str(name), raw))
    found.extend(_reopen_roles(doc))
    tasks = data.get("closing_tasks")
    if isinstance(tasks, list) and not all(isinstance(t, str) for t in tasks):
        found.append(Finding(ERROR, "area.invalid_value", doc.file, "closing_tasks: ska vara en lista med uppgifts-id.",
                             "Skriv t.ex. closing_tasks: [signera_avslut].", line=doc.line("closing_tasks")))
    if isinstance(data.get("closure_rules"), list):
        found.extend(_rules(doc, data["closure_rules"]))
    if isinstance(data.get("access"), dict):
        found.extend(_access(doc, data["access"], set(data["roles"]) if isinstance(data.get("roles"), dict) else set()))
    return found


def _names(doc: YamlDoc, value: Any, path: tuple[str, ...]) -> list[str] | Finding:
    if isinstance(value, list) and all(isinstance(v, str) and v for v in value):
        return value
    return Finding(ERROR, "area.invalid_value", doc.file, f"{path[-1]}: ska vara en lista med roll- eller beslutsnamn.",
                   f"Skriv t.ex. {path[-1]}: [verksamhetschef].", line=doc.line(*path))


def _access(doc: YamlDoc, access: dict[str, Any], roles: set[str]) -> list[Finding]:
    """access: readers (read-only roles), protected (who sees protected fields) and restricted cases."""
    found = _keys(doc, "area", access, _ACCESS_KEYS, (), ("access",), "access:")
    restricted = mapping_at(access, "restricted")
    if restricted:
        found += _keys(doc, "area", restricted, _RESTRICTED_KEYS, ("after_decisions", "roles"),
                       ("access", "restricted"), "access: restricted:")
    lists = {path: _names(doc, value, path) for path, value in (
        (("access", "readers"), access.get("readers")), (("access", "protected"), access.get("protected")),
        (("access", "restricted", "after_decisions"), restricted.get("after_decisions")),
        (("access", "restricted", "roles"), restricted.get("roles"))) if value is not None}
    found += [v for v in lists.values() if isinstance(v, Finding)]
    readers = lists.get(("access", "readers"))
    known = roles | set(readers if isinstance(readers, list) else ())
    for path in (("access", "protected"), ("access", "restricted", "roles")):
        names = lists.get(path)
        for name in names if isinstance(names, list) else ():
            if name not in known:
                found.append(Finding(ERROR, "area.access_role_unknown", doc.file,
                                     f"Rollen '{name}' under {path[-1]}: varken arbetar i området (roles:) eller "
                                     "läser det (access: readers:).",
                                     "Lägg till rollen under roles: eller access: readers:, eller rätta stavningen.",
                                     line=doc.line(*path)))
    return found


def _variable(doc: YamlDoc, name: str, raw: Any) -> list[Finding]:
    """The same check the engine makes on a unit's overlay (engine/definitions/variables.py)."""
    return [
        Finding(ERROR, "area.variable_invalid", doc.file, f"Variabeln {name}: {message}",
                "Deklarera variabeln som {type: duration, default: P5D, min: PT1H, max: P30D} (typerna duration, "
                "number, boolean, enum, text; se docs/definitions.md).",
                line=doc.line("variables", name, *((key,) if key else ())), element_id=name)
        for key, message in declaration_problems(name, raw)
    ]


def _reopen_roles(doc: YamlDoc) -> list[Finding]:
    roles, reopen = doc.data.get("roles"), doc.data.get("reopen_roles")
    if not isinstance(reopen, list) or not isinstance(roles, dict):
        return []
    return [
        Finding(ERROR, "area.reopen_role_unknown", doc.file,
                f"reopen_roles: nämner rollen '{role}', som inte finns under roles:.",
                "Ange roller som området deklarerar under roles:, t.ex. reopen_roles: [verksamhetschef].",
                line=doc.line("reopen_roles", index), element_id=str(role))
        for index, role in enumerate(reopen) if role not in roles
    ]


def check_intake(doc: YamlDoc) -> list[Finding]:
    found = _keys(doc, "intake", doc.data, _INTAKE_KEYS, _INTAKE_REQUIRED)
    table = doc.data.get("fallback_area_by_unit_kind")
    if isinstance(table, dict) and not all(isinstance(v, str) for v in table.values()):
        found.append(Finding(ERROR, "intake.invalid_value", doc.file,
                             "fallback_area_by_unit_kind: ska koppla enhetstyper till område-id.",
                             "Skriv t.ex. tandvard: tandvard.", line=doc.line("fallback_area_by_unit_kind")))
    return found
