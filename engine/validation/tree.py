"""The validator's front door: a whole definition set (release loader, HTTP API) or paths on disk (CLI).

Whatever is handed in, the answer is a list of findings; no exception escapes for any input.
"""

from __future__ import annotations

import os
from dataclasses import replace
from collections.abc import Mapping, Sequence
from pathlib import Path

from engine.definitions.files import DEFINITION_SUFFIXES, MAX_FILE_BYTES, read_tree
from engine.validation.crossfile import cross_findings
from engine.validation.findings import ERROR, Finding, sort_findings
from engine.validation.load import classify, classify_single, internal_error, load
from engine.validation.model import AREA, SINGLE, TREE, Entry, Mode
from engine.validation.spiff import spiff_findings

__all__ = ["validate_files", "validate_paths"]


def _dedupe(findings: list[Finding]) -> list[Finding]:
    return list(dict.fromkeys(findings))


def _check(entries: list[Entry], mode: Mode) -> list[Finding]:
    try:
        ds, found = load(entries, mode)
        found.extend(cross_findings(ds))
        # SpiffWorkflow is the safety net: where our own checks already explain a file, its (first, often
        # cryptic) complaint about the same file would only repeat them.
        explained = {f.file for f in found if f.severity == ERROR}
        for name, scope in list(ds.scopes.items()):
            # a variant is parsed with its area's decision tables, as the release loader does
            variant = mode.complete and "/variants/" in name
            dmn = {d.file: d.root for d in (ds.scope(name.split("/", 1)[0]) if variant else scope).dmn}
            found.extend(f for f in spiff_findings(scope.bpmn, dmn, mode.complete) if f.file not in explained)
    except Exception as exc:  # never a traceback, whatever the input
        found = [internal_error(entries[0].path if entries else "", exc)]
    return sort_findings(_dedupe(found))


def validate_files(files: Mapping[str, bytes]) -> list[Finding]:
    """All checks, file-local and cross-file, for a definition set keyed by relative POSIX path."""
    # text instead of bytes (e.g. from a JSON API body) is taken as UTF-8 rather than refused
    files = {path: data.encode() if isinstance(data, str) else data for path, data in files.items()}
    return _check(classify(files), TREE)


def _shown(base: Path, relative: str) -> str:
    return Path(os.path.normpath(os.path.join(str(base), relative))).as_posix()


def _retarget(findings: list[Finding], base: Path, prefix: str = "") -> list[Finding]:
    """Findings with file names as the caller knows them (relative to the path they gave)."""
    out = []
    for f in findings:
        if prefix and not f.file.startswith(prefix):
            continue  # e.g. the shared forms read only to check an area folder
        shown = _shown(base, f.file[len(prefix):])
        # a fix naming the file (e.g. `avvik layout FILE --write`) names it as the caller knows it too
        out.append(replace(f, file=shown, fix=f.fix.replace(f.file, shown)))
    return out


def _is_area(path: Path) -> bool:
    """processes/<area>/ — or any folder holding an area.yaml or process files directly."""
    return path.parent.name == "processes" or any(
        p.suffix in {".bpmn", ".dmn"} or p.name in {"area.yaml", "area.yml"} for p in path.iterdir() if p.is_file())


def _is_tree(path: Path) -> bool:
    # an area folder has a forms/ folder too, so forms/ alone marks a tree only when it is not an area
    return (path / "processes").is_dir() or ((path / "forms").is_dir() and not _is_area(path))


def _area_files(area: Path) -> dict[str, bytes]:
    files = {}
    for path in sorted(area.rglob("*")):
        if path.is_file() and not path.is_symlink() and path.suffix in DEFINITION_SUFFIXES:
            files[f"processes/{area.name}/{path.relative_to(area).as_posix()}"] = path.read_bytes()
    return files


def _validate_area(area: Path) -> list[Finding]:
    """One area folder, with its tree's shared forms and intake when it lies in one (only its own findings)."""
    files = _area_files(area)
    root = area.parent.parent
    shared_known = area.parent.name == "processes" and (root / "forms").is_dir()
    if shared_known:
        files.update({k: v for k, v in read_tree(root).items()
                      if k.startswith("forms/") or k == "processes/intake.yaml"})
    mode = AREA if shared_known else Mode(tree=False, complete=True, shared_known=False)
    return _retarget(_check(classify(files), mode), base=area, prefix=f"processes/{area.name}/")


def _validate_file(path: Path) -> list[Finding]:
    shown = path.as_posix()
    if path.suffix not in DEFINITION_SUFFIXES:
        return [Finding(ERROR, "path.unsupported", shown,
                        f"Filtypen {path.suffix or '(ingen)'} är ingen definitionsfil.",
                        "Ange en .bpmn-, .dmn-, .json- eller .yaml-fil, ett område eller ett definitionsträd.")]
    if path.stat().st_size > MAX_FILE_BYTES:  # not even read into memory
        return [Finding(ERROR, "file.too_large", shown,
                        f"Filen är {path.stat().st_size // 1024} kB, men en definitionsfil får vara högst "
                        f"{MAX_FILE_BYTES // 1024} kB.", "Kontrollera att det är rätt fil.")]
    return _check([classify_single(shown, path.read_bytes())], SINGLE)


def _validate_path(path: Path) -> list[Finding]:
    shown = path.as_posix()
    if not path.exists():
        return [Finding(ERROR, "path.not_found", shown, "Sökvägen finns inte.",
                        "Kontrollera stavningen, eller ange definitionsträdets mapp (med processes/ och forms/).")]
    if path.is_file():
        return _validate_file(path)
    if _is_tree(path):
        return _retarget(_check(classify(read_tree(path)), TREE), base=path)
    if path.name == "processes" and _is_tree(path.parent):
        return _validate_path(path.parent)
    if path.parent.name == "variants":  # one variant: its area's rules apply, so check the area, keep its part
        return [f for f in _validate_area(path.parent.parent) if f.file.startswith(shown.rstrip("/") + "/")]
    if _is_area(path):
        return _validate_area(path)
    return [Finding(ERROR, "path.unknown_layout", shown,
                    "Mappen är varken ett definitionsträd (med processes/ och forms/) eller en områdesmapp.",
                    "Ange trädets rotmapp, en mapp processes/<område>/ eller enskilda filer.")]


def validate_paths(paths: Sequence[Path]) -> list[Finding]:
    """For the CLI: each path is a tree root, one area folder, or a single file validated alone."""
    findings: list[Finding] = []
    for path in paths:
        try:
            findings.extend(_validate_path(Path(path)))
        except OSError as exc:
            findings.append(Finding(ERROR, "path.unreadable", Path(path).as_posix(),
                                    f"Sökvägen kan inte läsas ({exc.strerror or exc}).",
                                    "Kontrollera behörigheterna för filen eller mappen."))
        except Exception as exc:
            findings.append(internal_error(Path(path).as_posix(), exc))
    return sort_findings(_dedupe(findings))
