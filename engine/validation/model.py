"""The parsed definition set the cross-file rules work on, and how much of it the caller gave us."""

from __future__ import annotations

from dataclasses import dataclass, field

from engine.validation.areas import YamlDoc
from engine.validation.bpmn import BpmnDoc
from engine.validation.dmn import DmnDoc
from engine.validation.forms import FormFile

__all__ = ["Mode", "Entry", "Scope", "DefinitionSet", "TREE", "AREA", "SINGLE"]


@dataclass(frozen=True)
class Mode:
    """What the caller handed over decides which missing things are problems and which are just not here."""

    tree: bool  # a whole tree: intake.yaml and the set of areas are known
    complete: bool  # other files of the same folder are here: a missing form or process is a real problem
    shared_known: bool  # forms/ is here: a form not found anywhere is a real problem


TREE = Mode(tree=True, complete=True, shared_known=True)
AREA = Mode(tree=False, complete=True, shared_known=True)
SINGLE = Mode(tree=False, complete=False, shared_known=False)


@dataclass(frozen=True)
class Entry:
    path: str  # key in the definition set, as shown in findings
    data: bytes
    kind: str  # bpmn | dmn | form | ui | area | intake | export | notifications | misplaced
    scope: str  # "" = processes/ itself (intake) or forms/; else the area folder name


@dataclass
class Scope:
    """One folder of processes: processes/ itself (the intake) or processes/<area>/."""

    name: str
    bpmn: list[BpmnDoc] = field(default_factory=list)
    dmn: list[DmnDoc] = field(default_factory=list)
    forms: list[FormFile] = field(default_factory=list)  # the area's own forms/ (and .ui.json files)
    area_files: list[str] = field(default_factory=list)  # its area.yaml, if there is one
    area: YamlDoc | None = None  # None if missing or unreadable
    exports: list[YamlDoc] = field(default_factory=list)  # exports/*.yaml: prefilled documents
    notifications: YamlDoc | None = None  # notifications.yaml: templates (and in an area, rules)
    notification_files: list[str] = field(default_factory=list)  # its path, if there is one


@dataclass
class DefinitionSet:
    mode: Mode
    scopes: dict[str, Scope] = field(default_factory=dict)
    shared: list[FormFile] = field(default_factory=list)
    intake: YamlDoc | None = None
    intake_files: list[str] = field(default_factory=list)  # processes/intake.yaml, if there is one
    broken: set[str] = field(default_factory=set)  # files with an error finding of their own

    def scope(self, name: str) -> Scope:
        return self.scopes.setdefault(name, Scope(name))
