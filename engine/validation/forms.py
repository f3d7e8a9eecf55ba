"""Form files (JSON Schema 2020-12) and their uiSchemas: syntax, metaschema, $refs, titles, protected fields."""

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
from engine.validation.findings import ERROR, WARNING, Finding
from engine.validation.formindex import DECISION, PROTECTED, properties, resolve
from engine.validation.jsonlines import line_for, pointer, pointer_lines
from engine.validation.source import decode_text

__all__ = ["FormFile", "read_form", "check_schema", "check_ui"]

DRAFT = "https://json-schema.org/draft/2020-12/schema"
# Names that suggest a patient identifier: such a field must be protected (logged reads, never in lists).
PATIENT_ID = re.compile(r"personnummer|samordningsnummer|reservnummer|patient_?id", re.IGNORECASE)
_DATA_KEYS = {"const", "enum", "default", "examples"}  # values here are data, not schemas


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


def _refs(form: FormFile, schema: dict[str, Any], registry: Registry, complete: bool) -> Iterator[Finding]:
    resolver = registry.resolver(base_uri=form.name)
    stack: list[tuple[Any, str]] = [(schema, "")]
    while stack:
        node, ptr = stack.pop()
        if isinstance(node, list):
            stack.extend((v, ptr + pointer(i)) for i, v in enumerate(node))
            continue
        if not isinstance(node, dict):
            continue
        stack.extend((v, ptr + pointer(k)) for k, v in node.items() if k not in _DATA_KEYS)
        ref = node.get("$ref")
        if not isinstance(ref, str):
            continue
        try:
            resolver.lookup(ref)
        except Exception:
            target = ref.split("#", 1)[0]
            if not complete and target and target not in registry:
                continue  # validated alone: the other form is simply not here
            yield _at(form, ERROR, "form.ref_unresolvable", ptr + "/$ref",
                      f"Hänvisningen \"$ref\": \"{ref}\" går inte att följa: formuläret eller definitionen finns inte.",
                      "Rätta filnamnet och sökvägen, t.ex. \"common.json#/$defs/datum\", eller lägg till den saknade "
                      "definitionen.")


def _fields(form: FormFile, node: Any, resolver: Any, ptr: str, depth: int = 0) -> Iterator[Finding]:
    if not isinstance(node, dict) or depth > 30:
        return
    for name, child in (node.get("properties") or {}).items():
        if not isinstance(child, dict):
            continue
        child_ptr = ptr + pointer("properties", name)
        try:
            merged, _ = resolve(child, resolver)
        except Exception:
            continue  # the $ref finding says what is wrong
        if merged.get("type") != "object" and "properties" not in merged and not merged.get("title"):
            yield _at(form, WARNING, "form.title_missing", child_ptr,
                      f"Fältet '{name}' saknar en svensk rubrik (title), så den som fyller i ser bara det tekniska "
                      "namnet.", f'Lägg till "title": "…" på fältet {name}.', name)
        if PATIENT_ID.search(name) and merged.get(PROTECTED) is not True:
            yield _at(form, ERROR, "form.protected_missing", child_ptr,
                      f"Fältet '{name}' ser ut att innehålla en patientidentitet men är inte skyddat: läsningar "
                      "loggas inte och fältet kan visas i listor.",
                      f'Lägg till "{PROTECTED}": true på fältet, eller hänvisa till common.json#/$defs/personnummer.',
                      name)
        for keyword, allowed in ((EVENT_REF, LINK_TYPES), (UNIT, UNIT_FIELD_KINDS)):
            if keyword in merged and merged[keyword] not in allowed:
                yield _at(form, ERROR, "form.keyword_invalid", child_ptr + pointer(keyword),
                          f"{keyword} på fältet '{name}' har ett okänt värde.",
                          f"Tillåtna värden: {', '.join(allowed)}.", name)
        if REPORT_EVENT in merged and not _reports_event(merged[REPORT_EVENT], node.get("properties") or {}):
            yield _at(form, ERROR, "form.keyword_invalid", child_ptr + pointer(REPORT_EVENT),
                      f"{REPORT_EVENT} på fältet '{name}' ska ange två fält bredvid det: en enhet och ett AVV-nummer.",
                      f'Skriv t.ex. "{REPORT_EVENT}": {{"unit": "berord_enhet", "number": "kopplad_handelse"}}, där '
                      f'"number" har "{EVENT_REF}".', name)
        if "$ref" not in child:
            yield from _fields(form, child, resolver, child_ptr, depth + 1)
    for key in ("$defs", "definitions"):
        for name, child in (node.get(key) or {}).items() if isinstance(node.get(key), dict) else ():
            yield from _fields(form, child, resolver, ptr + pointer(key, name), depth + 1)
    if isinstance(node.get("items"), dict) and "$ref" not in node["items"]:
        yield from _fields(form, node["items"], resolver, ptr + "/items", depth + 1)
    for key in ("allOf", "anyOf", "oneOf"):
        for index, member in enumerate(node.get(key) or []) if isinstance(node.get(key), list) else ():
            yield from _fields(form, member, resolver, ptr + pointer(key, index), depth + 1)


def _reports_event(spec: Any, siblings: dict[str, Any]) -> bool:
    """{unit, number} naming sibling fields, the number one an event reference (engine/reported_events.py)."""
    if not isinstance(spec, dict) or not isinstance(spec.get("unit"), str) or not isinstance(spec.get("number"), str):
        return False
    number = siblings.get(spec["number"])
    return spec["unit"] in siblings and isinstance(number, dict) and number.get(EVENT_REF) in LINK_TYPES


def check_schema(form: FormFile, registry: Registry, complete: bool) -> list[Finding]:
    schema = form.content
    if not isinstance(schema, dict):
        return []
    found = [*_header(form, schema), *_metaschema(form, schema), *_refs(form, schema, registry, complete)]
    found.extend(_fields(form, schema, registry.resolver(base_uri=form.name), ""))
    return found


def _ui_walk(form: FormFile, ui: dict[str, Any], schema: Any, resolver: Any, ptr: str) -> Iterator[Finding]:
    try:
        merged, resolver = resolve(schema, resolver)
    except Exception:
        return
    fields = {name: (child, res) for name, child, res in properties(merged, resolver)}
    fix = "Rätta fältnamnet så att det finns i formuläret, eller ta bort inställningen."
    for key, value in ui.items():
        if key == "ui:order" and isinstance(value, list):
            for index, item in enumerate(value):
                if item != "*" and item not in fields:
                    yield _at(form, ERROR, "form.ui_unknown_field", ptr + pointer(key, index),
                              f"ui:order nämner fältet '{item}', som inte finns i formuläret.", fix, str(item))
        elif key.startswith("ui:"):
            continue
        elif key == "items" and isinstance(merged.get("items"), dict):
            if isinstance(value, dict):
                yield from _ui_walk(form, value, merged["items"], resolver, ptr + "/items")
        elif key not in fields:
            yield _at(form, ERROR, "form.ui_unknown_field", ptr + pointer(key),
                      f"Visningsinställningen gäller fältet '{key}', som inte finns i formuläret.", fix, key)
        elif isinstance(value, dict):
            child, res = fields[key]
            yield from _ui_walk(form, value, child, res, ptr + pointer(key))


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
    try:
        schema = registry.contents(schema_name)
    except Exception:
        return []
    return list(_ui_walk(form, form.content, schema, registry.resolver(base_uri=schema_name), ""))
