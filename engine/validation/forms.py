"""Form files (JSON Schema 2020-12) and their uiSchemas: syntax, metaschema, $refs and $ref loops, titles,
protected fields; walked with the engine's own schema walker (engine/definitions/schemawalk.py)."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from referencing import Registry

from engine.definitions.forms import EVENT_REF, REPORT_EVENT, UNIT
from engine.rules.links import LINK_TYPES, UNIT_FIELD_KINDS
from engine.validation.actionlists import action_list_findings
from engine.validation.findings import ERROR, WARNING, Finding
from engine.definitions.schemawalk import ANY_ITEM, PROTECTED, Field, Node, children, closure, ref_cycles, subschemas
from engine.definitions.schemawalk import fields as walk_fields
from engine.definitions.forms import DECISION, root_node
from engine.validation.jsonlines import line_for, pointer, pointer_lines
from engine.validation.source import decode_text

__all__ = ["FormFile", "read_form", "check_schema", "check_ui"]

DRAFT = "https://json-schema.org/draft/2020-12/schema"
# Names that suggest a patient identifier: such a field must be protected (logged reads, never in lists).
PATIENT_ID = re.compile(r"personnummer|samordningsnummer|reservnummer|patient_?id", re.IGNORECASE)


@dataclass
class FormFile:
    file: str  # path in the definition set
    name: str  # file name, which is how BPMN and $ref name it
    scope: str  # "" for forms/, else the area id
    ui: bool
    content: Any = None
    text: str = ""
    _lines: dict[str, int] | None = field(default=None, repr=False)
    broken: bool = False  # has an error finding of its own

    def line(self, ptr: str) -> int | None:
        """Line of a JSON pointer; the text is scanned only when a finding needs it."""
        if self._lines is None:
            self._lines = pointer_lines(self.text)
        return line_for(self._lines, ptr)


def read_form(form: FormFile, data: bytes) -> list[Finding]:
    """Parse the JSON into form.content (None if it cannot be read)."""
    text, found = decode_text(form.file, data)
    if text is None:
        return found
    fix = "Rätta JSON-koden: kontrollera kommatecken, citattecken och klamrar på raden (och raden före)."
    try:
        content = json.loads(text)
    except json.JSONDecodeError as exc:
        return [Finding(ERROR, "form.json_syntax", form.file,
                        f"Filen är inte giltig JSON (rad {exc.lineno}, kolumn {exc.colno}): {exc.msg}.", fix,
                        line=exc.lineno)]
    except RecursionError:
        return [Finding(ERROR, "form.too_deep", form.file, "Filen är för djupt nästlad för att kunna läsas.",
                        "Förenkla formuläret: ett formulär har sällan mer än några nivåer.")]
    except ValueError as exc:  # e.g. a number with too many digits
        return [Finding(ERROR, "form.json_syntax", form.file, f"Filen är inte giltig JSON: {exc}.", fix)]
    if not isinstance(content, dict):
        return [Finding(ERROR, "form.not_object", form.file,
                        "Filen ska innehålla ett JSON-objekt ({ … }) men innehåller något annat.",
                        "Skriv formuläret som ett JSON Schema-objekt med type, title och properties.", line=1)]
    form.content, form.text = content, text
    return []


def _at(form: FormFile, severity: str, code: str, ptr: str, message: str, fix: str, name: str | None = None) -> Finding:
    return Finding(severity, code, form.file, message, fix, line=form.line(ptr), element_id=ptr or "/",
                   element_name=name)


def _header(form: FormFile, schema: dict[str, Any]) -> Iterator[Finding]:
    if str(schema.get("$schema", "")).rstrip("#") != DRAFT:
        yield _at(form, WARNING, "form.schema_version", "", "Formuläret anger inte JSON Schema 2020-12 som version.",
                  f'Lägg till "$schema": "{DRAFT}".')
    if "$id" not in schema:
        yield _at(form, WARNING, "form.id_missing", "", "Formuläret saknar $id.", f'Lägg till "$id": "{form.name}".')
    elif schema["$id"] != form.name:
        yield _at(form, ERROR, "form.id_mismatch", "/$id",
                  f"Formulärets $id är '{schema['$id']}', men filen heter {form.name}; hänvisningar ($ref) mellan "
                  "formulär går då fel.", f'Ändra till "$id": "{form.name}".')
    if not schema.get("title"):
        yield _at(form, WARNING, "form.title_missing", "", "Formuläret saknar en svensk rubrik (title).",
                  'Lägg till "title": "…" överst i formuläret.')
    decision = schema.get(DECISION)
    if decision is not None and not (isinstance(decision, str) and decision):
        yield _at(form, ERROR, "form.decision_invalid", f"/{DECISION}", f"{DECISION} ska vara ett beslutsnamn (text).",
                  f'Skriv t.ex. "{DECISION}": "lex_maria".')


@lru_cache(maxsize=512)
def _metaschema_error(canonical: str) -> tuple[str, str] | None:
    """(pointer, message) of the first metaschema error; cached, as the same forms are checked at every publish
    and a metaschema check costs tens of milliseconds."""
    from jsonschema import Draft202012Validator
    from jsonschema.exceptions import SchemaError

    try:
        Draft202012Validator.check_schema(json.loads(canonical))
    except SchemaError as exc:
        return pointer(*exc.absolute_path), exc.message
    except RecursionError:
        return "", ""
    return None


def _metaschema(form: FormFile, schema: dict[str, Any]) -> Iterator[Finding]:
    try:
        error = _metaschema_error(json.dumps(schema, sort_keys=True))
    except (RecursionError, ValueError):
        error = ("", "")
    if error == ("", ""):
        yield _at(form, ERROR, "form.too_deep", "", "Formuläret är för djupt nästlat för att kunna kontrolleras.",
                  "Förenkla formuläret.")
    elif error is not None:
        ptr, message = error
        yield _at(form, ERROR, "form.metaschema", ptr,
                  f"Formuläret följer inte JSON Schema 2020-12 vid {ptr or 'roten'}: {message}.",
                  "Rätta nyckelordet enligt JSON Schema 2020-12 (t.ex. type som \"string\", required som lista).")


def _refs(form: FormFile, root: Node, registry: Registry, complete: bool) -> Iterator[Finding]:
    for node in subschemas(root):
        ref = node.schema.get("$ref")
        if not isinstance(ref, str) or node.follow() is not None:
            continue
        target = ref.split("#", 1)[0]
        if not complete and target and target not in registry:
            continue  # validated alone: the other form is simply not here
        yield _at(form, ERROR, "form.ref_unresolvable", node.pointer + "/$ref",
                  f"Hänvisningen \"$ref\": \"{ref}\" går inte att följa: formuläret eller definitionen finns inte.",
                  "Rätta filnamnet och sökvägen, t.ex. \"common.json#/$defs/datum\", eller lägg till den saknade "
                  "definitionen.")


def _cycles(form: FormFile, root: Node) -> Iterator[Finding]:
    """A $ref loop that never reaches a field: validating the first submission would never end."""
    reported: set[str] = set()
    for cycle in ref_cycles(n for n in subschemas(root) if "$ref" in n.schema):
        sites = sorted((n for n in cycle if "$ref" in n.schema and n.file == form.name), key=lambda n: n.pointer)
        if not sites or sites[0].pointer in reported:
            continue  # a loop through other files only is reported in them
        reported.add(sites[0].pointer)
        chain = " → ".join(f"{n.file}#{n.pointer}" for n in (*cycle, cycle[0]) if "$ref" in n.schema or n is cycle[0])
        yield _at(form, ERROR, "form.ref_cycle", sites[0].pointer + "/$ref",
                  f"Hänvisningen \"$ref\": \"{sites[0].schema['$ref']}\" leder i en slinga tillbaka till sig själv "
                  f"({chain}) utan att gå ner i något fält, så kontrollen av ett ifyllt formulär skulle aldrig "
                  "ta slut.",
                  "Bryt slingan: låt hänvisningen peka på en definition som inte hänvisar tillbaka, eller lägg den "
                  "under properties eller items så att den gäller ett underfält.")


def _fields(form: FormFile, root: Node) -> Iterator[Finding]:
    """Each field declared in this file (from the top, and in each of its $defs) needs a title, and one named
    like a patient identifier must be protected."""
    seen: set[str] = set()
    definitions = [n for key in ("$defs", "definitions") if isinstance(root.schema.get(key), dict)
                   for name in root.schema[key] if (n := root.at(key, name)) is not None]
    for top in (root, *definitions):  # a definition's fields are checked where it is written, used or not
        every = list(walk_fields(top))
        for found in every:
            name = found.path[-1]
            if any("$ref" in n.schema and n.follow() is None for n in found.nodes):
                continue  # what it refers to is not here (or not found: the $ref finding says so)
            for site in found.declared:
                if site.file != form.name or site.pointer in seen or not isinstance(name, str):
                    continue
                seen.add(site.pointer)
                is_object = any(n.schema.get("type") == "object" or "properties" in n.schema for n in found.nodes)
                if not is_object and not found.keyword("title"):
                    yield _at(form, WARNING, "form.title_missing", site.pointer,
                              f"Fältet '{name}' saknar en svensk rubrik (title), så den som fyller i ser bara det "
                              "tekniska namnet.", f'Lägg till "title": "…" på fältet {name}.', name)
                if PATIENT_ID.search(name) and not found.protected:
                    yield _at(form, ERROR, "form.protected_missing", site.pointer,
                              f"Fältet '{name}' ser ut att innehålla en patientidentitet men är inte skyddat: "
                              "läsningar loggas inte och fältet kan visas i listor.",
                              f'Lägg till "{PROTECTED}": true på fältet, eller hänvisa till '
                              "common.json#/$defs/personnummer.", name)
                siblings = {f.path[-1]: f for f in every if f.path[:-1] == found.path[:-1]}
                yield from _keywords(form, found, site, siblings)


def _keywords(form: FormFile, found: Field, site: Node, siblings: dict[Any, Field]) -> Iterator[Finding]:
    """x-avvik-event-ref and x-avvik-unit name a known kind; x-avvik-report-event names two sibling fields."""
    name = str(found.path[-1])
    for keyword, allowed in ((EVENT_REF, LINK_TYPES), (UNIT, UNIT_FIELD_KINDS)):
        value = found.keyword(keyword)
        if value is not None and value not in allowed:
            yield _at(form, ERROR, "form.keyword_invalid", site.pointer + pointer(keyword),
                      f"{keyword} på fältet '{name}' har ett okänt värde.", f"Tillåtna värden: {', '.join(allowed)}.",
                      name)
    spec = found.keyword(REPORT_EVENT)
    if spec is not None and not _reports_event(spec, siblings):
        yield _at(form, ERROR, "form.keyword_invalid", site.pointer + pointer(REPORT_EVENT),
                  f"{REPORT_EVENT} på fältet '{name}' ska ange två fält bredvid det: en enhet och ett AVV-nummer.",
                  f'Skriv t.ex. "{REPORT_EVENT}": {{"unit": "berord_enhet", "number": "kopplad_handelse"}}, där '
                  f'"number" har "{EVENT_REF}".', name)


def _reports_event(spec: Any, siblings: dict[Any, Field]) -> bool:
    """{unit, number} naming sibling fields, the number one an event reference (engine/reported_events.py)."""
    if not isinstance(spec, dict) or not isinstance(spec.get("unit"), str) or not isinstance(spec.get("number"), str):
        return False
    number = siblings.get(spec["number"])
    return spec["unit"] in siblings and number is not None and number.keyword(EVENT_REF) in LINK_TYPES


def check_schema(form: FormFile, registry: Registry, complete: bool) -> list[Finding]:
    schema = form.content
    if not isinstance(schema, dict):
        return []
    root = Node(schema, registry.resolver(base_uri=form.name), form.name)
    found = [*_header(form, schema), *_metaschema(form, schema), *_refs(form, root, registry, complete)]
    cycles = list(_cycles(form, root))
    found.extend(cycles)
    if not cycles:  # the fields of a schema that loops are not worth listing
        found.extend(_fields(form, root))
        found.extend(action_list_findings(form, root, registry))
    return found


def _ui_walk(form: FormFile, ui: dict[str, Any], nodes: tuple[Node, ...], ptr: str) -> Iterator[Finding]:
    parts = children(nodes)
    fields = {name: declared for name, declared in parts.items() if isinstance(name, str)}
    fix = "Rätta fältnamnet så att det finns i formuläret, eller ta bort inställningen."
    for key, value in ui.items():
        if key == "ui:order" and isinstance(value, list):
            for index, item in enumerate(value):
                if item != "*" and item not in fields:
                    yield _at(form, ERROR, "form.ui_unknown_field", ptr + pointer(key, index),
                              f"ui:order nämner fältet '{item}', som inte finns i formuläret.", fix, str(item))
        elif key.startswith("ui:"):
            continue
        elif key == "items" and ANY_ITEM in parts:
            if isinstance(value, dict):
                yield from _ui_walk(form, value, closure(parts[ANY_ITEM]), ptr + "/items")
        elif key not in fields:
            yield _at(form, ERROR, "form.ui_unknown_field", ptr + pointer(key),
                      f"Visningsinställningen gäller fältet '{key}', som inte finns i formuläret.", fix, key)
        elif isinstance(value, dict):
            yield from _ui_walk(form, value, closure(fields[key]), ptr + pointer(key))


def check_ui(form: FormFile, schema_name: str | None, registry: Registry, complete: bool) -> list[Finding]:
    """uiSchema keys must name fields of the form it belongs to (ui: keys are settings, not fields)."""
    if not isinstance(form.content, dict):
        return []
    if schema_name is None or schema_name not in registry:
        if not complete:
            return []
        return [_at(form, WARNING, "form.ui_without_schema", "",
                    f"Det finns inget formulär {form.name.removesuffix('.ui.json')}.json som visningsinställningarna "
                    "hör till.", "Döp filen efter formuläret: <formulär>.ui.json, eller ta bort den.")]
    root = root_node(registry, schema_name)
    return list(_ui_walk(form, form.content, closure([root]), "")) if root else []
