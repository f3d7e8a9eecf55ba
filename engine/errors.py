"""The one error tree of avvik. Every error a caller can act on is one of these.

    AvvikError                   base: .code (stable, machine-readable), .message (Swedish, for staff)
    ├── DefinitionError          a definition tree or file is not runnable; .findings lists where and why
    ├── SandboxError             an expression from a definition file was refused or failed
    ├── ProcessFault             a running process could not advance (an expression failed, a step limit hit)
    ├── InvalidInput             data failed a schema or a rule; .errors = [{"path", "message"}]
    │   ├── MotivationRequired   a transition needs a motivation (e.g. åtgärd avbruten)
    │   ├── TooLarge             an uploaded file is over the configured size
    │   └── Infected             the virus scanner found something in an uploaded file
    ├── AuthenticationFailed     no valid credentials (unknown, expired or revoked token)
    ├── NotFound                 the thing does not exist, or the caller may not know that it does
    ├── PermissionDenied         the caller lacks the role (× unit) the step needs
    ├── RateLimited              too many requests from one source in a window
    ├── Unavailable              a part the request needs is not there (virus scanner, file store, PDF library)
    └── Conflict                 the request clashes with the current state
        ├── StaleWrite           someone else changed the case first (optimistic lock)
        ├── TaskNotReady         the task is not ready (already done, not yet reached, or claimed)
        ├── ClosureBlocked       closing rules are unmet; .unmet lists them (and the actions that block)
        ├── CaseClosed           the area case is closed: its actions no longer move
        │   └── EventClosed      the event is closed: it takes no new actions until reopened
        ├── IllegalTransition    a status change the lifecycle does not allow
        ├── NoActiveConfiguration  no release is bound for the unit (publishing alone activates nothing)
        └── StateUnreadable      a case's stored workflow state is in a format this version cannot read

The server maps the branches to HTTP status codes in one place; the engine knows nothing of HTTP.
"""

from __future__ import annotations

from typing import Any

__all__ = [
    "AvvikError",
    "DefinitionError",
    "SandboxError",
    "ProcessFault",
    "InvalidInput",
    "MotivationRequired",
    "TooLarge",
    "Infected",
    "Unavailable",
    "AuthenticationFailed",
    "NotFound",
    "PermissionDenied",
    "RateLimited",
    "Conflict",
    "StaleWrite",
    "TaskNotReady",
    "ClosureBlocked",
    "CaseClosed",
    "EventClosed",
    "IllegalTransition",
    "NoActiveConfiguration",
    "StateUnreadable",
]


class AvvikError(Exception):
    code = "error"
    default_message = "Något gick fel."

    def __init__(self, message: str | None = None, **details: Any) -> None:
        self.message = message or self.default_message
        self.details = details
        super().__init__(self.message)

    def to_dict(self) -> dict[str, Any]:
        return {"code": self.code, "message": self.message, **self.details}


class DefinitionError(AvvikError):
    code = "definition_invalid"
    default_message = "Definitionerna går inte att köra."

    def __init__(self, message: str | None = None, findings: list[Any] | None = None) -> None:
        self.findings = list(findings or [])
        super().__init__(message)

    def to_dict(self) -> dict[str, Any]:
        return {
            "code": self.code,
            "message": self.message,
            "findings": [f.to_dict() if hasattr(f, "to_dict") else f for f in self.findings],
        }


class SandboxError(AvvikError):
    code = "expression_refused"
    default_message = "Uttrycket är inte tillåtet."


class ProcessFault(AvvikError):
    code = "process_fault"
    default_message = "Processen kunde inte gå vidare. Kontakta processägaren."


class InvalidInput(AvvikError):
    code = "validation_failed"
    default_message = "Uppgifterna är inte giltiga."

    def __init__(self, message: str | None = None, errors: list[dict[str, str]] | None = None) -> None:
        self.errors = list(errors or [])
        super().__init__(message, errors=self.errors)


class MotivationRequired(InvalidInput):
    code = "motivation_required"
    default_message = "En motivering krävs."


class TooLarge(InvalidInput):
    code = "too_large"
    default_message = "Filen är för stor."


class Infected(InvalidInput):
    code = "attachment_infected"
    default_message = "Filen innehåller skadlig kod och sparades inte."


class Unavailable(AvvikError):
    code = "unavailable"
    default_message = "En tjänst som behövs svarar inte just nu. Försök igen om en stund."


class AuthenticationFailed(AvvikError):
    code = "unauthenticated"
    default_message = "Du är inte inloggad, eller så har din inloggning gått ut."


class NotFound(AvvikError):
    code = "not_found"
    default_message = "Hittades inte."


class PermissionDenied(AvvikError):
    code = "forbidden"
    default_message = "Du saknar behörighet för detta."


class RateLimited(AvvikError):
    code = "rate_limited"
    default_message = "För många inskick. Vänta en stund och försök igen."


class Conflict(AvvikError):
    code = "conflict"
    default_message = "Begäran krockar med ärendets nuvarande läge."


class StaleWrite(Conflict):
    code = "stale"
    default_message = "Ärendet har ändrats av någon annan. Ladda om och försök igen."


class TaskNotReady(Conflict):
    code = "not_ready"
    default_message = "Uppgiften är inte redo att utföras."


class ClosureBlocked(Conflict):
    code = "closure_blocked"
    default_message = "Ärendet kan inte avslutas än."

    def __init__(self, message: str | None = None, unmet: list[dict[str, Any]] | None = None) -> None:
        self.unmet = list(unmet or [])
        super().__init__(message, unmet=self.unmet)


class CaseClosed(Conflict):
    code = "case_closed"
    default_message = "Ärendet är avslutat. Det kan öppnas igen, med skäl, av en roll som får göra det."


class EventClosed(CaseClosed):
    code = "event_closed"
    default_message = "Händelsen är avslutad och tar inte emot nya åtgärder. Den kan öppnas igen, med skäl."


class IllegalTransition(Conflict):
    code = "illegal_transition"
    default_message = "Den statusändringen är inte tillåten."


class NoActiveConfiguration(Conflict):
    code = "no_active_configuration"
    default_message = (
        "Enheten har ingen aktiv konfiguration för det här. En processägare behöver binda en release till enheten "
        "eller en överordnad enhet."
    )


class StateUnreadable(Conflict):
    code = "state_unreadable"
    default_message = "Ärendets sparade läge kan inte läsas av den här versionen av avvik. Kontakta förvaltningen."
