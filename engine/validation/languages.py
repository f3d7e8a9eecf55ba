"""Expression languages of other engines, named for a process owner who brings a model from another tool.

Camunda 7, Activiti and Flowable write JUEL (`${approved}`), Camunda 8/Zeebe writes FEEL (`= approved`),
Trisotech and others XPath (`bpmn:getDataObject('x')`), scripts come in JavaScript or Groovy. avvik runs none of
them: conditions, timers and scripts are Python-like expressions in avvik's sandbox (docs/definitions.md).
A finding that names the language and shows the avvik way is worth more than "invalid syntax".
"""

from __future__ import annotations

import re

__all__ = ["language_from_attribute", "language_from_syntax", "foreign_message", "EXAMPLE_EXPRESSION"]

EXAMPLE_EXPRESSION = 'triage["beslut"] == "accepterad" and not akut'
# what each language's typical condition looks like in avvik
_TRANSLATIONS = {
    "JUEL": "${approved} skrivs approved och ${status == 'ok'} skrivs status == \"ok\"",
    "FEEL": '= approved skrivs approved, och = status = "ok" skrivs status == "ok"',
    "XPath": "bpmn:getDataObject('approved') skrivs approved, och not(x) skrivs not x",
    "JavaScript": "a && b skrivs a and b, a || b skrivs a or b, !a skrivs not a och === skrivs ==",
    "Groovy": "skriv om skriptet som Python-tilldelningar, t.ex. summa = belopp * 2",
}
_BY_ATTRIBUTE = [
    (re.compile(r"juel|jsp|\bel\b|java\.sun\.com", re.I), "JUEL"),
    (re.compile(r"feel", re.I), "FEEL"),
    (re.compile(r"xpath|xquery|1999/xpath", re.I), "XPath"),
    (re.compile(r"javascript|ecmascript|\bjs\b|nashorn|graal", re.I), "JavaScript"),
    (re.compile(r"groovy", re.I), "Groovy"),
]
_JUEL = re.compile(r"^\s*[$#]\{.*\}\s*$", re.S)
_FEEL = re.compile(r"^\s*=|\b(some|every)\s+\w+\s+in\b.*\bsatisfies\b", re.S)
_XPATH = re.compile(r"\b[A-Za-z_][\w.-]*:[A-Za-z_][\w.-]*\s*\(|^\s*(not|count|string|number|boolean)\s*\(.*\)\s*=")
_JAVASCRIPT = re.compile(r"&&|\|\||===|!==|(^|[\s(])![A-Za-z_(]|\b(var|let|const|function)\s")


def language_from_attribute(language: str | None) -> str | None:
    """The foreign language a `language` / `scriptFormat` attribute names; None for Python or nothing."""
    if not language or "python" in language.lower():
        return None
    for pattern, name in _BY_ATTRIBUTE:
        if pattern.search(language):
            return name
    return language.strip()


def language_from_syntax(text: str) -> str | None:
    """The foreign language an expression's text is written in, if it is recognisably one."""
    if _JUEL.match(text):
        return "JUEL"
    if _FEEL.search(text):
        return "FEEL"
    if _XPATH.search(text):
        return "XPath"
    if _JAVASCRIPT.search(text):
        return "JavaScript"
    return None


def foreign_message(label: str, quoted: str, language: str) -> tuple[str, str]:
    """A Swedish message and fix for an expression in `language` (e.g. "Villkoret", "'${approved}'")."""
    known = language in _TRANSLATIONS
    name = f"{language} ({_DESCRIPTIONS[language]})" if language in _DESCRIPTIONS else f"språket '{language}'"
    subject = f"{label} {quoted}" if quoted else label
    message = (f"{subject} är skrivet i {name}, som avvik inte kör. avvik läser Python-liknande uttryck "
               "som körs i avviks sandlåda.")
    fix = (f"Skriv om det som ett Python-uttryck, t.ex. {EXAMPLE_EXPRESSION}"
           + (f" ({_TRANSLATIONS[language]})" if known else "")
           + "; ta bort attributet language/scriptFormat. Se docs/definitions.md.")
    return message, fix


_DESCRIPTIONS = {
    "JUEL": "Java Unified Expression Language, från Camunda 7, Activiti eller Flowable",
    "FEEL": "uttrycksspråket från DMN och Camunda 8/Zeebe",
    "XPath": "XML-uttryck, från t.ex. Trisotech",
    "JavaScript": "skriptspråk från t.ex. Camunda 7",
    "Groovy": "skriptspråk från t.ex. Camunda 7",
}
