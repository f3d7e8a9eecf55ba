"""Definition files -> an immutable, parsed Release."""

from engine.definitions.areas import Area, ClosureRule, Intake
from engine.definitions.files import content_hash, read_tree
from engine.definitions.forms import Form, FormSet, swedish_errors
from engine.definitions.release import AreaDefinition, Release, ReleaseCache, UserTaskInfo, parse_release

__all__ = [
    "Area",
    "AreaDefinition",
    "ClosureRule",
    "Form",
    "FormSet",
    "Intake",
    "Release",
    "ReleaseCache",
    "UserTaskInfo",
    "parse_release",
    "content_hash",
    "read_tree",
    "swedish_errors",
]
