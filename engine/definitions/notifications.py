"""Notification rules and templates as data: `processes/notifications.yaml` (the shared default template of each
kind) and `processes/<area>/notifications.yaml` (the area's own templates, shadowing the shared ones, and its
rules: which new tasks also notify which roles, immediately or in the daily digest).

    templates:
      task_created:                       # a kind (KINDS) or a name of the area's own for a rule
        subject: "{{ handelse.nummer }} · {{ handelse.rubrik }}"
        text: |
          Ny uppgift: {{ uppgift.namn }}
          Öppna i avvik: {{ lank }}
        html: |
          <p>Ny uppgift: {{ uppgift.namn }}</p><p><a href="{{ lank }}">Öppna i avvik</a></p>
    rules:
      - id: allvarlig_skada_skyddsombud
        kind: task_created                # or escalation
        tasks: [anmalan_av]               # frivillig: bara dessa användaruppgifter
        when: "arende.personskada == 'allvarlig'"   # frivillig: ett Jinja-uttryck över VARIABLES
        roles: [skyddsombud]              # rollinnehavare på ärendets enhet eller över
        delivery: immediate               # or digest
        template: allvarlig_skada         # frivillig: annars mallen för `kind`

Templates are Jinja2 in the sandboxed environment with StrictUndefined: a template cannot reach Python
internals, and a name it does not get fails instead of printing nothing. Rendering happens when the change that
causes the notification commits, so the text is stored with the notification. `arende` is the case data with
every protected field masked (the validator also refuses a template naming one), and the title is scrubbed of
anything shaped like a personnummer.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from collections.abc import Mapping

from jinja2 import StrictUndefined, Template, meta
from jinja2.sandbox import SandboxedEnvironment

from engine.definitions.yamlfile import load_yaml
from engine.errors import DefinitionError

__all__ = [
    "KINDS", "MANDATORY", "RULE_TRIGGERS", "DELIVERIES", "PARTS", "VARIABLES", "SHARED_FILE", "FILE_NAME",
    "Rendered", "MessageTemplate", "Rule", "NotificationSet", "environment", "parse_notifications",
]

# kind -> the Swedish label a person reads (settings, the digest)
KINDS = {
    "task_created": "Ny uppgift",
    "escalation": "Tidsfristen har passerat",
    "task_assigned": "En uppgift har tilldelats dig",
    "action_assigned": "Du är ansvarig för en åtgärd",
    "action_due": "En åtgärd ska vara klar snart",
    "action_overdue": "En åtgärd är försenad",
    "feedback_given": "Återkoppling på din rapport",
    "case_moved": "Ett ärende har flyttats till din enhet",
    "complaint_answered": "Svar på dina synpunkter",
}
# Escalations carry SLA and legal deadlines (AML 3:3 a the same day, lex Maria): always e-mailed at once.
MANDATORY = frozenset({"escalation"})
RULE_TRIGGERS = ("task_created", "escalation")  # what an area rule may add recipients to
DELIVERIES = ("immediate", "digest")
PARTS = ("subject", "text", "html")
SHARED_FILE = "processes/notifications.yaml"
FILE_NAME = "notifications.yaml"

_COMMON = {"typ": None, "handelse": {"nummer", "rubrik"}, "lank": None, "mottagare": {"namn"}}
_TASK = {"uppgift": {"namn", "roll", "klar_senast"}, "omrade": {"namn"}, "arende": "case"}
_ACTION = {"atgard": {"titel", "klart_datum"}}
# kind -> top-level name -> None (a plain value), its attributes, or "case" (the case data: checked by field)
VARIABLES: dict[str, dict[str, Any]] = {
    "task_created": {**_COMMON, **_TASK},
    "escalation": {**_COMMON, **_TASK},
    "task_assigned": {**_COMMON, "uppgift": {"namn"}, "tilldelad_av": {"namn"}},
    "action_assigned": {**_COMMON, **_ACTION},
    "action_due": {**_COMMON, **_ACTION},
    "action_overdue": {**_COMMON, **_ACTION},
    "feedback_given": {**_COMMON},
    "case_moved": {**_COMMON, "omrade": {"namn"}, "enhet": {"namn"}},
    # the complainant has no login: the receipt code, never the secret (engine/receipts.py stores only its hash)
    "complaint_answered": {"typ": None, "handelse": {"nummer", "rubrik"}, "lank": None, "kvitto": None},
}


def environment() -> SandboxedEnvironment:
    """Autoescape in HTML only: subject and text are plain text."""
    return SandboxedEnvironment(undefined=StrictUndefined, autoescape=False, keep_trailing_newline=True)


_TEXT = environment()
_HTML = SandboxedEnvironment(undefined=StrictUndefined, autoescape=True, keep_trailing_newline=True)


@dataclass(frozen=True)
class Rendered:
    subject: str
    text: str
    html: str


@dataclass(frozen=True)
class MessageTemplate:
    name: str
    subject: Template
    text: Template
    html: Template
    # Whether a part reads `mottagare` (the recipient's name): if not, one rendering serves every recipient, and
    # the rows can be written by one INSERT … SELECT over the recipients (engine/store/outbox.py:add_for).
    personal: bool = False

    def render(self, variables: Mapping[str, Any]) -> Rendered:
        subject = " ".join(self.subject.render(variables).split())  # one line: a header
        return Rendered(subject, self.text.render(variables), self.html.render(variables))


@dataclass(frozen=True)
class Rule:
    id: str
    kind: str  # the notification kind it adds recipients to (RULE_TRIGGERS)
    roles: tuple[str, ...]
    tasks: frozenset[str] = frozenset()  # empty: every task of the trigger
    when: Any = None  # a compiled Jinja expression over the variables, or None: always
    delivery: str = "immediate"
    template: str | None = None

    def applies(self, kind: str, task: str, variables: Mapping[str, Any]) -> bool:
        if kind != self.kind or (self.tasks and task not in self.tasks):
            return False
        return self.when is None or bool(self.when(**variables))


@dataclass(frozen=True)
class NotificationSet:
    """One area's templates (its own over the shared ones) and its rules."""

    templates: dict[str, MessageTemplate]
    rules: tuple[Rule, ...] = ()

    def template(self, name: str) -> MessageTemplate:
        return self.templates[name]


def _reads_recipient(*sources: str) -> bool:
    return any("mottagare" in meta.find_undeclared_variables(_TEXT.parse(source)) for source in sources)


def _templates(raw: Any) -> dict[str, MessageTemplate]:
    found = {}
    for key, parts in (raw or {}).items():
        subject, text, html = str(parts["subject"]), str(parts["text"]), str(parts["html"])
        found[str(key)] = MessageTemplate(
            str(key), _TEXT.from_string(subject), _TEXT.from_string(text), _HTML.from_string(html),
            _reads_recipient(subject, text, html))
    return found


def _compile_when(source: str | None) -> Any:
    return _TEXT.compile_expression(source, undefined_to_none=False) if source else None


def parse_notifications(files: Mapping[str, bytes], area_id: str | None) -> NotificationSet:
    """The templates and rules an area's notifications use (area_id None: the shared templates alone). The
    files passed the validator; anything else is a DefinitionError."""
    shared = load_yaml(files[SHARED_FILE], SHARED_FILE) if SHARED_FILE in files else {}
    path = f"processes/{area_id}/{FILE_NAME}"
    own = load_yaml(files[path], path) if area_id and path in files else {}
    try:
        templates = {**_templates(shared.get("templates")), **_templates(own.get("templates"))}
        rules = tuple(
            Rule(id=str(r["id"]), kind=str(r["kind"]), roles=tuple(str(x) for x in r["roles"]),
                 tasks=frozenset(str(t) for t in r.get("tasks") or ()), when=_compile_when(r.get("when")),
                 delivery=str(r.get("delivery") or "immediate"), template=r.get("template"))
            for r in own.get("rules") or ()
        )
    except (KeyError, TypeError, AttributeError) as exc:
        raise DefinitionError(f"Notifieringsmallarna kan inte läsas: {exc}.") from None
    except Exception as exc:  # a Jinja syntax error the validator would have located
        raise DefinitionError(f"Notifieringsmallarna kan inte läsas: {exc}") from None
    missing = sorted(set(KINDS) - set(templates))
    if missing:
        raise DefinitionError(f"Notifieringsmall saknas för: {', '.join(missing)}.")
    return NotificationSet(templates, rules)

