"""The SpiffWorkflow adapter of the sandbox: a script engine whose expressions and scripts never reach eval/exec."""

from __future__ import annotations

import textwrap
from collections import ChainMap
from collections.abc import Mapping
from typing import Any

from SpiffWorkflow.bpmn.exceptions import WorkflowTaskException
from SpiffWorkflow.bpmn.script_engine import PythonScriptEngine
from SpiffWorkflow.bpmn.script_engine.python_environment import BasePythonScriptEngineEnvironment

from engine.errors import SandboxError
from engine.sandbox import check_expression, evaluate, execute


class _SandboxSyntaxError(SandboxError, SyntaxError):
    """A syntax refusal that is also a SyntaxError; raised only by SandboxScriptEngine.validate.

    SpiffWorkflow's DMNEngine.needs_eq tells `"vard"` from `>= 5` by catching SyntaxError from validate().
    lineno is always set: SpiffWorkflow's error formatter crashes on a SyntaxError whose lineno is None.
    """


class SandboxEnvironment(BasePythonScriptEngineEnvironment):
    """A SpiffWorkflow script environment that evaluates through the sandbox instead of eval/exec."""

    def __init__(self) -> None:
        super().__init__({})  # no injectable globals: the sandbox's functions are fixed

    def evaluate(self, expression: str, context: dict[str, Any],
                 external_context: Mapping[str, Any] | None = None) -> Any:
        """Evaluate with the task data over the external context (DMN's input value, data objects)."""
        return evaluate(expression, ChainMap(context, dict(external_context or {})))

    def execute(self, script: str, context: dict[str, Any],
                external_context: Mapping[str, Any] | None = None) -> bool:
        """Run a script task; the task data changes only where the script assigned or deleted."""
        external = dict(external_context or {})
        scope = {**external, **context}
        execute(script, scope)
        for name in [name for name in context if name not in scope]:
            del context[name]
        context.update({name: value for name, value in scope.items()
                        if name in context or name not in external or value is not external[name]})
        return True


class SandboxScriptEngine(PythonScriptEngine):
    """The script engine for avvik's workflows: every expression and script runs in the sandbox.

    Errors reach SpiffWorkflow's callers as WorkflowTaskException, which keeps only the wrapped error's class
    name, so it is raised `from` the SandboxError: callers find it as the exception's __cause__.
    """

    def __init__(self) -> None:
        super().__init__(environment=SandboxEnvironment())

    def validate(self, expression: str) -> None:
        """Check an expression; a syntax error is raised as a SandboxError that is also a SyntaxError."""
        try:
            check_expression(expression)
        except SandboxError as err:
            if err.details.get("reason") != "syntax_error":
                raise
            error = _SandboxSyntaxError(err.message, **err.details)
            error.lineno, error.offset, error.text = err.details.get("line", 1), 1, expression
            raise error from None

    def evaluate(self, task: Any, expression: str, external_context: Mapping[str, Any] | None = None) -> Any:
        """Evaluate an expression against the task's data."""
        try:
            return self.environment.evaluate(expression, task.data, external_context)
        except SandboxError as err:
            _locate(err, task)
            raise WorkflowTaskException(err.message, task=task, exception=err) from err

    def execute(self, task: Any, script: str, external_context: Mapping[str, Any] | None = None) -> bool:
        """Run a script task against the task's data."""
        try:
            ran: bool = self.environment.execute(script, task.data, external_context)
            return ran
        except SandboxError as err:
            _locate(err, task)
            line = err.details.get("line")
            error_line = textwrap.dedent(script).splitlines()[line - 1] if line else ""
            raise WorkflowTaskException(err.message, task=task, exception=err, line_number=line,
                                        error_line=error_line) from err


def _locate(err: SandboxError, task: Any) -> None:
    """Name the BPMN element the expression belongs to (a gateway's condition is evaluated by the gateway)."""
    err.details.setdefault("element_id", task.task_spec.bpmn_id)
    if task.task_spec.bpmn_name:
        err.details.setdefault("element_name", task.task_spec.bpmn_name)
