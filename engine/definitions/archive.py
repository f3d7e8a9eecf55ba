"""Definition trees uploaded as a zip or tar archive, read defensively into the path -> bytes mapping."""

from __future__ import annotations

import io
import posixpath
import tarfile
import zipfile

from engine.definitions.files import DEFINITION_SUFFIXES, MAX_FILE_BYTES
from engine.errors import DefinitionError

__all__ = ["MAX_ARCHIVE_FILES", "read_archive"]

MAX_ARCHIVE_FILES = 2000
MAX_TOTAL_BYTES = 50 * 1024 * 1024


def _clean(name: str) -> str | None:
    """A safe relative POSIX path, or None for anything that tries to leave the tree."""
    path = posixpath.normpath(name.replace("\\", "/"))
    if path.startswith(("/", "../")) or path == ".." or ":" in path.split("/")[0]:
        return None
    return path


def _members(data: bytes) -> list[tuple[str, bytes]]:
    buffer = io.BytesIO(data)
    if zipfile.is_zipfile(buffer):
        with zipfile.ZipFile(buffer) as archive:
            infos = [i for i in archive.infolist() if not i.is_dir()]
            _check_counts(len(infos), sum(i.file_size for i in infos))
            return [(i.filename, archive.read(i)) for i in infos if i.file_size <= MAX_FILE_BYTES]
    try:
        with tarfile.open(fileobj=io.BytesIO(data), mode="r:*") as archive:
            members = [m for m in archive.getmembers() if m.isfile()]  # links and devices are skipped
            _check_counts(len(members), sum(m.size for m in members))
            # extractfile gives None only for what is not a regular file, which was skipped above
            return [(m.name, (archive.extractfile(m) or io.BytesIO()).read())
                    for m in members if m.size <= MAX_FILE_BYTES]
    except tarfile.TarError:
        raise DefinitionError("Filen är varken ett zip- eller tar-arkiv.") from None


def _check_counts(count: int, total: int) -> None:
    if count > MAX_ARCHIVE_FILES or total > MAX_TOTAL_BYTES:
        raise DefinitionError(f"Arkivet är för stort (högst {MAX_ARCHIVE_FILES} filer, {MAX_TOTAL_BYTES} byte).")


def read_archive(data: bytes) -> dict[str, bytes]:
    """processes/ and forms/ files of an archive; one enclosing folder (e.g. 'defs/processes/…') is allowed."""
    members = [(path, content) for name, content in _members(data) if (path := _clean(name)) is not None]
    roots = {p.split("/")[0] for p, _ in members}
    if not roots & {"processes", "forms"} and len(roots) == 1:
        prefix = roots.pop() + "/"
        members = [(p[len(prefix):], c) for p, c in members]
    files = {
        path: content
        for path, content in members
        if path.split("/")[0] in ("processes", "forms") and path.endswith(DEFINITION_SUFFIXES)
    }
    if not files:
        raise DefinitionError("Arkivet innehåller inga definitioner (mapparna processes/ och forms/).")
    return files
