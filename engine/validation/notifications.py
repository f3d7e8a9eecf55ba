"""Notification templates and rules (processes/notifications.yaml, processes/<area>/notifications.yaml): their
shape, Jinja syntax, the names each template may use, and never a protected field.

File-local checks (`check_notifications`) need only the file; the names a template uses are checked with its
area (`notification_findings`), where the forms say which `arende` fields exist and which are protected, and
the BPMN which tasks and roles there are.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from jinja2 import TemplateSyntaxError, meta, nodes
from referencing import Registry

from engine.definitions.notifications import DELIVERIES, KINDS, PARTS, RULE_TRIGGERS, VARIABLES, environment
from engine.validation.areas import YamlDoc
from engine.validation.findings import ERROR, WARNING, Finding
from engine.definitions.forms import has_path, touches_protected
from engine.plaindata import list_at, mapping_at

__all__ = ["check_notifications", "notification_findings", "shared_findings"]

_ENV = environment()
_RULE_KEYS: dict[str, type] = {"id": str, "kind": str, "tasks": list, "when": str, "roles": list, "delivery": str,
                               "template": str}
_REQUIRED = {"subject": (("handelse", "nummer"), ("handelse", "rubrik")), "text": (("lank",),), "html": (("lank",),)}
_FIX_SHAPE = "Se docs/notifications.md: templates: {namn: {subject, text, html}} och rules: [{id, kind, roles, ...}]."


@dataclass(frozen=True)
class _Ref:
    path: tuple[str, ...]  # e.g. ("arende", "skada", "allvar")
    dynamic: bool  # reached through a computed key (arende[x]): which field cannot be known
    lineno: int


def _line(doc: YamlDoc, path: tuple[Any, ...], source: str, lineno: int) -> int | None:
    """The file line of a template's line: a block scalar (|) starts on the line after its key."""
    key_line = doc.line(*path)
    return key_line + lineno if key_line is not None and "\n" in source.rstrip("\n") else key_line


def _chain(node: nodes.Node) -> tuple[tuple[str, ...], bool, nodes.Node | None, list[nodes.Node]]:
    """(names from the root, dynamic, the root node, computed keys to visit) of a.b['c'][x]."""
    parts: list[str] = []
    keys: list[nodes.Node] = []
    dynamic = False
    while True:
        if isinstance(node, nodes.Getattr):
            parts.append(node.attr)
            node = node.node
        elif isinstance(node, nodes.Getitem):
            if isinstance(node.arg, nodes.Const) and isinstance(node.arg.value, str):
                parts.append(node.arg.value)
            else:
                dynamic = True
                parts.clear()  # what follows a computed key is of an unknown field
                keys.append(node.arg)
            node = node.node
        elif isinstance(node, nodes.Name):
            return (node.name, *reversed(parts)), dynamic, node, keys
        else:
            return (), dynamic, node, keys


def _refs(node: nodes.Node) -> Iterator[_Ref]:
    """Every name a template reads, with the attributes read from it (maximal chains)."""
    if isinstance(node, (nodes.Getattr, nodes.Getitem)) or (isinstance(node, nodes.Name) and node.ctx == "load"):
        path, dynamic, root, keys = _chain(node)
        if path:
            yield _Ref(path, dynamic, node.lineno)
        elif root is not None:
            yield from _refs(root)
        for key in keys:
            yield from _refs(key)
        return
    for child in node.iter_child_nodes():
        yield from _refs(child)


def _syntax_message(exc: TemplateSyntaxError) -> str:
    """Jinja's reason in Swedish for the common mistakes; its own words (in parentheses) otherwise."""
    message = exc.message or ""
    if message.startswith("Unexpected end of template"):
        return "ett block ({% if %}, {% for %}) avslutas aldrig"
    if message.startswith("Encountered unknown tag"):
        return f"okänd tagg ({message.rstrip('.')})"
    if "expected token" in message or message.startswith("unexpected"):
        return f"ett uttryck är ofullständigt eller har ett tecken för mycket ({message.rstrip('.')})"
    return f"mallen kan inte tolkas ({message.rstrip('.')})"


def _parse(doc: YamlDoc, path: tuple[Any, ...], source: str, element: str,
           expression: bool = False) -> tuple[Any, Finding | None]:
    try:
        return _ENV.parse("{{ " + source + " }}" if expression else source), None
    except TemplateSyntaxError as exc:
        what = "Villkoret" if expression else f"Mallen ({path[-1]})"
        return None, Finding(ERROR, "notification.template_syntax", doc.file,
                             f"{what} har ett syntaxfel: {_syntax_message(exc)}.",
                             "Kontrollera {{ … }} och {% … %} (varje {% if %} behöver {% endif %}).",
                             line=_line(doc, path, source, exc.lineno or 1), element_id=element)


def check_notifications(doc: YamlDoc, shared: bool) -> list[Finding]:
    """Shape and syntax of one notifications.yaml; rules only in an area's file."""
    found: list[Finding] = []
    allowed = {"templates"} | (set() if shared else {"rules"})
    for key in doc.data:
        if key not in allowed:
            found.append(Finding(WARNING, "notification.unknown_key", doc.file, f"Nyckeln {key}: är okänd och används "
                                 "inte" + (" (regler hör hemma i ett områdes notifications.yaml)." if key == "rules"
                                           else "."), _FIX_SHAPE, line=doc.line(key)))
    templates = doc.data.get("templates") or {}
    if not isinstance(templates, dict):
        return found + [Finding(ERROR, "notification.invalid_value", doc.file, "templates: ska vara en tabell med "
                                "en mall per namn.", _FIX_SHAPE, line=doc.line("templates"))]
    for name, parts in templates.items():
        if shared and name not in KINDS:
            found.append(Finding(ERROR, "notification.unknown_kind", doc.file,
                                 f"'{name}' är ingen typ av notifiering.",
                                 f"De gemensamma mallarna heter som typerna: {', '.join(KINDS)}.",
                                 line=doc.line("templates", name), element_id=str(name)))
        if not isinstance(parts, dict):
            found.append(Finding(ERROR, "notification.invalid_value", doc.file, f"Mallen '{name}' ska ha subject, "
                                 "text och html.", _FIX_SHAPE, line=doc.line("templates", name), element_id=str(name)))
            continue
        for part in PARTS:
            source = parts.get(part)
            if not isinstance(source, str) or not source.strip():
                found.append(Finding(ERROR, "notification.missing_key", doc.file,
                                     f"Mallen '{name}' saknar {part}: (en text).", _FIX_SHAPE,
                                     line=doc.line("templates", name), element_id=str(name)))
                continue
            _, problem = _parse(doc, ("templates", name, part), source, str(name))
            if problem:
                found.append(problem)
    rules = doc.data.get("rules") or []
    if shared or not isinstance(rules, list):
        return found
    for index, rule in enumerate(rules):
        found.extend(_rule_shape(doc, index, rule))
    return found


def _rule_shape(doc: YamlDoc, index: int, rule: Any) -> list[Finding]:
    where = ("rules", index)
    if not isinstance(rule, dict):
        return [Finding(ERROR, "notification.invalid_value", doc.file, "En regel ska ha id, kind och roles.",
                        _FIX_SHAPE, line=doc.line(*where))]
    rule_id = str(rule.get("id"))
    found = []
    for key in ("id", "kind", "roles"):
        if not rule.get(key):
            found.append(Finding(ERROR, "notification.missing_key", doc.file, f"Regeln saknar {key}:.", _FIX_SHAPE,
                                 line=doc.line(*where), element_id=rule_id))
    for key, value in rule.items():
        if key not in _RULE_KEYS:
            found.append(Finding(WARNING, "notification.unknown_key", doc.file, f"Nyckeln {key}: är okänd och "
                                 "används inte.", f"Kända nycklar: {', '.join(_RULE_KEYS)}.",
                                 line=doc.line(*where, key), element_id=rule_id))
        elif value is not None and not isinstance(value, _RULE_KEYS[key]):
            found.append(Finding(ERROR, "notification.invalid_value", doc.file, f"Värdet för {key}: har fel typ.",
                                 _FIX_SHAPE, line=doc.line(*where, key), element_id=rule_id))
    if rule.get("kind") is not None and rule.get("kind") not in RULE_TRIGGERS:
        found.append(Finding(ERROR, "notification.unknown_kind", doc.file,
                             f"Regeln '{rule_id}' gäller '{rule.get('kind')}', som en regel inte kan utgå från.",
                             f"Skriv kind: {' eller kind: '.join(RULE_TRIGGERS)}.", line=doc.line(*where, "kind"),
                             element_id=rule_id))
    if rule.get("delivery") is not None and rule.get("delivery") not in DELIVERIES:
        found.append(Finding(ERROR, "notification.invalid_value", doc.file,
                             f"Regeln '{rule_id}' har delivery: {rule.get('delivery')}.",
                             "Skriv delivery: immediate (genast) eller delivery: digest (daglig sammanställning).",
                             line=doc.line(*where, "delivery"), element_id=rule_id))
    if isinstance(rule.get("when"), str):
        _, problem = _parse(doc, (*where, "when"), rule["when"], rule_id, expression=True)
        if problem:
            found.append(problem)
    return found


def shared_findings(doc: YamlDoc | None, files: list[str]) -> list[Finding]:
    """The shared file must exist and have a template for every kind, and use no case data."""
    if doc is None:
        if files:
            return []  # present but unreadable: its own findings say why
        return [Finding(ERROR, "notification.shared_missing", "processes/notifications.yaml",
                        "Trädet saknar processes/notifications.yaml med standardmallarna för notifieringar.",
                        "Skapa filen med en mall (subject, text, html) för varje typ, se docs/notifications.md.")]
    templates = mapping_at(doc.data, "templates")
    found = []
    missing = [kind for kind in KINDS if kind not in templates]
    if missing:
        found.append(Finding(ERROR, "notification.template_missing", doc.file,
                             f"Standardmall saknas för: {', '.join(missing)}.",
                             "Lägg till en mall per typ under templates:.", line=doc.line("templates")))
    for kind, parts in templates.items():
        if kind in VARIABLES and isinstance(parts, dict):
            found.extend(_names(doc, str(kind), parts, VARIABLES[kind], None, None))
    return found


def _names(doc: YamlDoc, name: str, parts: dict[str, Any], variables: dict[str, Any],
           registry: Registry | None, forms: list[str] | None) -> Iterator[Finding]:
    """Every name a template reads must be one it gets; `arende` fields must exist and not be protected."""
    for part in PARTS:
        source = parts.get(part)
        if not isinstance(source, str):
            continue
        tree, _ = _parse(doc, ("templates", name, part), source, name)
        if tree is None:
            continue
        refs = [r for r in _refs(tree) if r.path[0] in meta.find_undeclared_variables(tree)]
        yield from _ref_findings(doc, ("templates", name, part), source, refs, variables, registry, forms,
                                 f"Mallen '{name}' ({part})", name)
        read = {r.path[:2] for r in refs} | {r.path[:1] for r in refs}
        for needed in _REQUIRED[part]:
            if needed not in read:
                yield Finding(ERROR, "notification.required_missing", doc.file,
                              f"Mallen '{name}' ({part}) nämner inte {'.'.join(needed)}: varje meddelande ska ha "
                              "händelsens nummer och rubrik i ämnet och länken till dess sida i texten.",
                              f"Lägg till {{{{ {'.'.join(needed)} }}}} i {part}:.",
                              line=doc.line("templates", name, part), element_id=name)


def _ref_findings(doc: YamlDoc, path: tuple[Any, ...], source: str, refs: Iterable[_Ref], variables: dict[str, Any],
                  registry: Registry | None, forms: list[str] | None, what: str, element: str) -> Iterator[Finding]:
    for ref in refs:
        line = _line(doc, path, source, ref.lineno)
        root = ref.path[0]
        if root not in variables:
            yield Finding(ERROR, "notification.unknown_variable", doc.file,
                          f"{what} använder '{root}', som inte finns för den här typen av notifiering.",
                          f"Använd bara: {', '.join(variables)}.", line=line, element_id=element)
        elif variables[root] == "case":
            yield from _case_ref(doc, ref, line, element, what, registry, forms)
        elif isinstance(variables[root], set) and len(ref.path) > 1 and ref.path[1] not in variables[root]:
            yield Finding(ERROR, "notification.unknown_variable", doc.file,
                          f"{what} använder '{root}.{ref.path[1]}', men {root} har bara "
                          f"{', '.join(sorted(variables[root]))}.", "Rätta namnet.", line=line, element_id=element)
        elif ref.dynamic:
            yield Finding(ERROR, "notification.unknown_variable", doc.file,
                          f"{what} läser '{root}' med en beräknad nyckel.", f"Skriv {root}.namn.", line=line,
                          element_id=element)


def _case_ref(doc: YamlDoc, ref: _Ref, line: int | None, element: str, what: str, registry: Registry | None,
              forms: list[str] | None) -> Iterator[Finding]:
    dotted = ".".join(ref.path[1:])
    if registry is None or forms is None:
        yield Finding(ERROR, "notification.case_in_shared", doc.file,
                      f"{what} använder ärendets data, men de gemensamma mallarna gäller alla områden.",
                      "Använd arende.… bara i ett områdes egen notifications.yaml.", line=line, element_id=element)
    elif ref.dynamic or not dotted:
        yield Finding(ERROR, "notification.protected_field", doc.file,
                      f"{what} läser ärendets data utan att nämna ett fält, så skyddade fält kunde komma med.",
                      "Nämn fältet, t.ex. {{ arende.skada.allvar }}.", line=line, element_id=element)
    elif any(touches_protected(registry, form, dotted) for form in forms):
        yield Finding(ERROR, "notification.protected_field", doc.file,
                      f"{what} använder fältet '{dotted}', som är eller innehåller ett skyddat fält "
                      "(x-avvik-protected). Skyddade uppgifter får aldrig stå i ett meddelande.",
                      "Ta bort fältet ur mallen; mottagaren läser det i avvik.", line=line, element_id=element)
    elif not any(has_path(registry, form, dotted) for form in forms):
        yield Finding(ERROR, "notification.unknown_variable", doc.file,
                      f"{what} använder fältet '{dotted}', som inget formulär i området har.",
                      "Rätta fältnamnet (punkt mellan nivåer).", line=line, element_id=element)


def notification_findings(doc: YamlDoc | None, shared: YamlDoc | None, registry: Registry, forms: list[str],
                          roles: set[str], tasks: set[str]) -> list[Finding]:
    """An area's notifications.yaml against its area: rules' roles, tasks and templates, and every name each
    template and condition reads."""
    if doc is None:
        return []
    own = mapping_at(doc.data, "templates")
    shared_names = set((shared.data.get("templates") or {}) if shared is not None else {}) | set(KINDS)
    used_by: dict[str, set[str]] = {}  # template -> the kinds whose notifications it renders
    found: list[Finding] = []
    for index, rule in enumerate(list_at(doc.data, "rules")):
        if not isinstance(rule, dict) or rule.get("kind") not in RULE_TRIGGERS:
            continue
        rule_id, where = str(rule.get("id")), ("rules", index)
        for pos, role in enumerate(list_at(rule, "roles")):
            if role not in roles:
                found.append(Finding(ERROR, "notification.unknown_role", doc.file,
                                     f"Regeln '{rule_id}' notifierar rollen '{role}', som inte finns i området.",
                                     f"Använd en av: {', '.join(sorted(roles))}.", line=doc.line(*where, "roles", pos),
                                     element_id=rule_id))
        for pos, task in enumerate(list_at(rule, "tasks")):
            if task not in tasks:
                found.append(Finding(ERROR, "notification.unknown_task", doc.file,
                                     f"Regeln '{rule_id}' gäller uppgiften '{task}', som inte finns i områdets BPMN.",
                                     "Ange id för en användaruppgift.", line=doc.line(*where, "tasks", pos),
                                     element_id=rule_id))
        template = rule.get("template") or rule["kind"]
        if template not in own and template not in shared_names:
            found.append(Finding(ERROR, "notification.template_unknown", doc.file,
                                 f"Regeln '{rule_id}' använder mallen '{template}', som inte finns.",
                                 "Lägg till mallen under templates: eller rätta namnet.",
                                 line=doc.line(*where, "template"), element_id=rule_id))
        used_by.setdefault(str(template), set()).add(rule["kind"])
        if isinstance(rule.get("when"), str):
            tree, _ = _parse(doc, (*where, "when"), rule["when"], rule_id, expression=True)
            if tree is not None:
                found.extend(_ref_findings(doc, ("rules", index, "when"), rule["when"], _refs(tree),
                                           VARIABLES[rule["kind"]], registry, forms,
                                           f"Villkoret i regeln '{rule_id}'", rule_id))
    for name, parts in own.items():
        kinds = used_by.get(str(name), set()) | ({name} if name in KINDS else set())
        if not kinds:
            found.append(Finding(WARNING, "notification.template_unused", doc.file,
                                 f"Mallen '{name}' används inte: den heter inte som en typ och ingen regel nämner den.",
                                 "Ta bort mallen eller ange den i en regel (template:).",
                                 line=doc.line("templates", name), element_id=str(name)))
            continue
        # a template some rules share gets only the names every one of their kinds provides
        variables = {k: v for k, v in VARIABLES[sorted(kinds)[0]].items()
                     if all(k in VARIABLES[kind] for kind in kinds)}
        if isinstance(parts, dict):
            found.extend(_names(doc, str(name), parts, variables, registry, forms))
    return found
