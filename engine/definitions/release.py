"""A release: one validated, content-hashed definition set, parsed once per process and then shared.

Building a release runs the validator first; a release with any error finding is never built, so everything
below may assume well-formed input.
"""

from __future__ import annotations

from dataclasses import dataclass
from collections.abc import Mapping

from SpiffWorkflow.bpmn.specs.bpmn_process_spec import BpmnProcessSpec
from SpiffWorkflow.spiff.parser.process import SpiffBpmnParser

from engine.definitions.annual import ANNUAL_FILE, AnnualDefinition, parse_annual
from engine.definitions.areas import Area, Intake, parse_area, parse_intake
from engine.definitions.exports import ExportTemplate, parse_export
from engine.definitions.files import content_hash
from engine.definitions.forms import FormSet
from engine.definitions.isotime import quote_bare_timers
from engine.definitions.notifications import NotificationSet, parse_notifications
from engine.errors import DefinitionError
from engine.lru import Lru
from engine.rules.access import AreaAccess

__all__ = [
    "STANDARD",
    "UserTaskInfo",
    "AreaDefinition",
    "Release",
    "parse_release",
    "variant_names",
    "ReleaseCache",
]


@dataclass(frozen=True)
class UserTaskInfo:
    spec_name: str
    name: str  # Swedish label from the BPMN
    role: str  # lane name
    form: str | None
    ui_form: str | None
    instructions: str | None
    unit_field: str | None = None  # dotted case-data field naming the unit whose role holders get the task


STANDARD = "standard"
# A user task property: the task goes to the unit named in this (dotted) case-data field instead of the case's
# own unit, e.g. the unit a complaint concerns gets a task to contribute.
UNIT_FIELD_PROPERTY = "avvikUnitField"


@dataclass(frozen=True)
class AreaDefinition:
    area: Area
    variant: str
    spec: BpmnProcessSpec
    subprocess_specs: dict[str, BpmnProcessSpec]
    user_tasks: dict[str, UserTaskInfo]
    exports: dict[str, ExportTemplate]
    access: AreaAccess


@dataclass(frozen=True)
class Release:
    hash: str
    files: Mapping[str, bytes]
    areas: dict[str, AreaDefinition]  # the standard variant of each area
    variants: dict[tuple[str, str], AreaDefinition]  # (area, variant) -> definition, the standard included
    forms: FormSet
    intake: Intake
    routing_spec: BpmnProcessSpec
    routing_subprocess_specs: dict[str, BpmnProcessSpec]
    # area id -> its notification templates and rules; "" -> the shared templates alone
    notifications: dict[str, NotificationSet]
    annual: AnnualDefinition | None = None  # processes/annual_report.yaml: the annual figures' definition


def _directly_in(files: Mapping[str, bytes], folder: str, suffix: str) -> list[str]:
    depth = folder.count("/") + 1
    return [p for p in sorted(files) if p.startswith(folder + "/") and p.count("/") == depth and p.endswith(suffix)]


def _parser_for(files: Mapping[str, bytes], folder: str, dmn_folder: str | None = None) -> SpiffBpmnParser:
    """A parser over the BPMN files directly inside `folder` and the DMN files of `dmn_folder` (default: the
    same folder): a variant brings its own BPMN and uses its area's decision tables."""
    parser = SpiffBpmnParser()
    for path in _directly_in(files, folder, ".bpmn"):
        parser.add_bpmn_str(files[path], filename=path)
    for path in _directly_in(files, dmn_folder or folder, ".dmn"):
        parser.add_dmn_str(files[path], filename=path)
    return parser


def _definition(files: Mapping[str, bytes], area: Area, variant: str) -> AreaDefinition:
    folder = f"processes/{area.id}" if variant == STANDARD else f"processes/{area.id}/variants/{variant}"
    parser = _parser_for(files, folder, dmn_folder=f"processes/{area.id}")
    spec = parser.get_spec(area.entry_process)
    subprocess_specs = parser.get_subprocess_specs(area.entry_process)
    quote_bare_timers([spec, *subprocess_specs.values()])
    exports = {
        template.id: template
        for template in (parse_export(files[p], p)
                         for p in _directly_in(files, f"processes/{area.id}/exports", ".yaml"))
    }
    user_tasks = _user_tasks(spec, subprocess_specs)
    return AreaDefinition(area, variant, spec, subprocess_specs, user_tasks, exports, _access(area, user_tasks))


def _access(area: Area, user_tasks: dict[str, UserTaskInfo]) -> AreaAccess:
    """The lane roles work in the area; the area adds readers and narrows protected fields and restricted cases."""
    workers = frozenset(area.roles) | {t.role for t in user_tasks.values() if t.role}
    return AreaAccess(
        area=area.id,
        workers=workers,
        readers=frozenset(area.readers) - workers,
        protected=frozenset(area.protected_roles) if area.protected_roles is not None else workers,
        restricting_decisions=frozenset(area.restricting_decisions),
        restricted_to=frozenset(area.restricted_to),
    )


def variant_names(files: Mapping[str, bytes], area_id: str) -> list[str]:
    """The area's variants: each folder processes/<area>/variants/<name>/ with BPMN files in it."""
    prefix = f"processes/{area_id}/variants/"
    return sorted({p[len(prefix):].split("/")[0] for p in files if p.startswith(prefix) and p.endswith(".bpmn")})


def _user_tasks(spec: BpmnProcessSpec, subprocess_specs: dict[str, BpmnProcessSpec]) -> dict[str, UserTaskInfo]:
    tasks: dict[str, UserTaskInfo] = {}
    for process in (spec, *subprocess_specs.values()):
        for name, task_spec in process.task_specs.items():
            if not getattr(task_spec, "manual", False):
                continue
            extensions = getattr(task_spec, "extensions", {}) or {}
            properties = extensions.get("properties", {})
            tasks[name] = UserTaskInfo(
                spec_name=name,
                name=task_spec.bpmn_name or name,
                role=task_spec.lane or "",
                form=properties.get("formJsonSchemaFilename"),
                ui_form=properties.get("formUiSchemaFilename"),
                instructions=extensions.get("instructionsForEndUser"),
                unit_field=properties.get(UNIT_FIELD_PROPERTY),
            )
    return tasks


def parse_release(files: Mapping[str, bytes]) -> Release:
    """Parse a definition set that already passed the validator (at publication)."""
    try:
        return _parse(files)
    except DefinitionError:
        raise
    except Exception as exc:  # validated input should never get here; still no traceback for the owner
        raise DefinitionError(f"Definitionerna kunde inte läsas: {exc}") from exc


def _parse(files: Mapping[str, bytes]) -> Release:
    variants: dict[tuple[str, str], AreaDefinition] = {}
    for path in sorted(files):
        parts = path.split("/")
        if len(parts) == 3 and parts[0] == "processes" and parts[2] == "area.yaml":
            area = parse_area(files[path], path)
            for variant in [STANDARD, *variant_names(files, area.id)]:
                variants[(area.id, variant)] = _definition(files, area, variant)
    intake = parse_intake(files["processes/intake.yaml"], "processes/intake.yaml")
    root_parser = _parser_for(files, "processes")
    routing_spec = root_parser.get_spec(intake.routing_process)
    routing_subprocess_specs = root_parser.get_subprocess_specs(intake.routing_process)
    quote_bare_timers([routing_spec, *routing_subprocess_specs.values()])
    return Release(
        hash=content_hash(files),
        files=dict(files),
        areas={area: d for (area, variant), d in variants.items() if variant == STANDARD},
        variants=variants,
        forms=FormSet(files),
        intake=intake,
        routing_spec=routing_spec,
        routing_subprocess_specs=routing_subprocess_specs,
        notifications={"": parse_notifications(files, None)} | {
            area: parse_notifications(files, area) for (area, variant) in variants if variant == STANDARD},
        annual=parse_annual(files[ANNUAL_FILE]) if ANNUAL_FILE in files else None,
    )


class ReleaseCache:
    """Parsed releases by hash, so a request never re-parses definitions. Bounded: old releases fall out."""

    def __init__(self, size: int = 16) -> None:
        self._items: Lru[str, Release] = Lru(size)

    def get(self, release_hash: str) -> Release | None:
        return self._items.get(release_hash)

    def put(self, release: Release) -> Release:
        self._items.put(release.hash, release)
        return release
