"""Reading a definition tree into memory: relative path -> bytes.

A release is exactly this mapping (processes/ + forms/), so what is validated, hashed, stored and run is one
and the same set of bytes, whether it came from a folder, an upload or the database.
"""

from __future__ import annotations

import hashlib
from pathlib import Path
from collections.abc import Mapping

__all__ = ["DEFINITION_SUFFIXES", "MAX_FILE_BYTES", "read_tree", "content_hash"]

DEFINITION_SUFFIXES = (".bpmn", ".dmn", ".json", ".yaml", ".yml")
# A definition file larger than this is refused by the validator rather than parsed.
MAX_FILE_BYTES = 2 * 1024 * 1024


def read_tree(root: Path) -> dict[str, bytes]:
    """Every definition file under root/processes and root/forms, keyed by its POSIX path relative to root."""
    files: dict[str, bytes] = {}
    for top in ("processes", "forms"):
        base = root / top
        if not base.is_dir():
            continue
        for path in sorted(base.rglob("*")):
            if path.is_file() and not path.is_symlink() and path.suffix in DEFINITION_SUFFIXES:
                files[path.relative_to(root).as_posix()] = path.read_bytes()
    return files


def content_hash(files: Mapping[str, bytes]) -> str:
    """SHA-256 over sorted (path, content) pairs: the identity of a release."""
    digest = hashlib.sha256()
    for name in sorted(files):
        encoded = name.encode()
        digest.update(len(encoded).to_bytes(4, "big") + encoded)
        digest.update(len(files[name]).to_bytes(8, "big") + files[name])
    return digest.hexdigest()
