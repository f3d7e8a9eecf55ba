"""schemathesis over the whole API from /openapi.json, logged in with a demo token: every operation with valid and
invalid inputs, then stateful sequences along the document's links (report → event → task → claim/complete,
action → transition). The budget is bounded (about 450 requests) and derandomized, so CI is deterministic.
Any 5xx, undocumented status, wrong content type or body that does not match its schema fails the suite."""

from __future__ import annotations

from typing import Any

import schemathesis
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis.errors import Unsatisfiable
from schemathesis.checks import not_a_server_error
from schemathesis.core.failures import Failure, FailureGroup
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from ..http import API

EXAMPLES = 5  # per operation and mode
SCENARIOS, STEPS = 15, 6  # stateful sequences along the links
CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance,
          response_headers_conformance]
BUDGET = settings(derandomize=True, deadline=None, database=None, suppress_health_check=list(HealthCheck),
                  phases=[Phase.explicit, Phase.generate])  # a failure is reported as found, not shrunk


@schemathesis.serializer("application/zip", "application/x-tar")
def archive(_context: Any, value: Any) -> bytes:
    """Release uploads: whatever bytes schemathesis makes up; the server must refuse them cleanly."""
    return value if isinstance(value, bytes) else str(value).encode()


def test_every_operation_answers_within_its_contract(app: Any, auth: Any) -> None:
    schema = schemathesis.openapi.from_wsgi(f"{API}/openapi.json", app)
    headers = auth("petra")  # processägare: may reach the configuration endpoints too
    failures: list[str] = []
    for result in schema.get_all_operations():
        operation = result.ok()
        for mode in (schemathesis.GenerationMode.POSITIVE, schemathesis.GenerationMode.NEGATIVE):

            @settings(BUDGET, max_examples=EXAMPLES)
            @given(case=operation.as_strategy(generation_mode=mode))
            def check(case: Any) -> None:
                try:
                    case.validate_response(case.call(headers=headers), checks=CHECKS)
                except (Failure, FailureGroup) as error:  # collect them all, report together
                    failures.append(f"{operation.label} ({mode.value}): {str(error)[:500]}")

            try:
                check()
            except Unsatisfiable:
                continue  # nothing to make invalid: the operation has no parameters and no body
    assert not failures, "\n".join(failures)


def test_stateful_sequences_along_the_links_keep_the_contract(app: Any, auth: Any) -> None:
    schema = schemathesis.openapi.from_wsgi(f"{API}/openapi.json", app)
    headers = auth("anna")  # handläggare: claims, completes and creates actions on what she reports

    class Workflow(schema.as_state_machine()):  # type: ignore[misc]
        def get_call_kwargs(self, case: Any) -> dict[str, Any]:
            return {"headers": headers}

        def validate_response(self, response: Any, case: Any, additional_checks: Any = None, **kwargs: Any) -> None:
            case.validate_response(response, checks=CHECKS)

    Workflow.run(settings=settings(BUDGET, max_examples=SCENARIOS, stateful_step_count=STEPS))
