"""What every use case receives: a session in one transaction, the release provider and the clock."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from collections.abc import Callable

from sqlalchemy.orm import Session

from engine.definitions.release import Release, ReleaseCache, parse_release
from engine.errors import DefinitionError
from engine.lru import Lru
from engine.runtime.workflow_cache import WorkflowCache
from engine.store import releases as release_store
from engine.store.models import ReleaseRecord, TaskRow

__all__ = ["Context", "ReleaseRecords", "StoredCase"]


class ReleaseRecords:
    """Stored release rows by id, per process: a published release never changes, so a step need not read its
    row again. Kept as copies no session holds (files included, from the parsed release), and only once the
    transaction that read the row committed. Bounded like the ReleaseCache: old releases fall out."""

    def __init__(self, size: int = 16) -> None:
        self._items: Lru[int, ReleaseRecord] = Lru(size)

    def get(self, release_id: int) -> ReleaseRecord | None:
        return self._items.get(release_id)

    def put(self, record: ReleaseRecord) -> None:
        self._items.put(record.id, record)


def _detached_copy(record: ReleaseRecord, release: Release) -> ReleaseRecord:
    files = {path: content.decode("utf-8") for path, content in release.files.items()}  # what record.files holds
    return ReleaseRecord(id=record.id, hash=record.hash, label=record.label, files=files,
                         published_by=record.published_by, created_at=record.created_at)


@dataclass
class StoredCase:
    """A case's stored rows as far as a use case knows them without reading: the timers its stored state waits
    on (the timer table holds no others), the ids of its tasks that state has finished (only those can have an
    ended row to reopen) and its open task rows (read with the task being worked). None: not known."""

    timers: frozenset[str] | None = None
    finished_tasks: frozenset[str] | None = None
    open_tasks: list[TaskRow] | None = None


@dataclass
class Context:
    session: Session
    releases: ReleaseCache
    clock: Callable[[], datetime]
    public_url: str = "http://localhost:8000"  # the web application: links in notifications point here
    _records: dict[int, ReleaseRecord] = field(default_factory=dict)  # by id, for this use case
    workflows: WorkflowCache | None = None  # the process's deserialized workflows (engine/runtime/workflow_cache.py)
    after_commit: list[Callable[[], None]] = field(default_factory=list)  # run once the transaction committed
    # The principal whose deputy the actor is acting as, set where the access rule lets a deputyship decide
    # (engine/access.py:acting_as, engine/tasks.py:task_for); engine/changelog.py writes it into every change row.
    on_behalf_of: str | None = None
    known_releases: ReleaseRecords | None = None  # the process's release rows by id
    # What this use case knows of the stored rows of the cases it loaded or wrote, so a step need not read them
    # again (engine/cases.py:save_step).
    stored: dict[int, StoredCase] = field(default_factory=dict)

    def stored_case(self, case_id: int) -> StoredCase:
        return self.stored.setdefault(case_id, StoredCase())

    def release(self, record: ReleaseRecord) -> Release:
        """The parsed release of a stored record; parsed once per process, then shared from the cache."""
        cached = self.releases.get(record.hash)
        if cached is not None:
            return cached
        files = {path: text.encode("utf-8") for path, text in record.files.items()}
        return self.releases.put(parse_release(files))

    def release_by_id(self, release_id: int) -> tuple[ReleaseRecord, Release]:
        record = self._records.get(release_id) or self._known_release(release_id)
        if record is None:
            record = release_store.release_by_id(self.session, release_id)
            if record is None:
                raise DefinitionError("Ärendets release finns inte längre.")
            self._keep_release(record)
        self._records[release_id] = record
        return record, self.release(record)

    def _known_release(self, release_id: int) -> ReleaseRecord | None:
        return self.known_releases.get(release_id) if self.known_releases is not None else None

    def _keep_release(self, record: ReleaseRecord) -> None:
        """Remember the row for the process once this transaction committed (a rolled-back id may be reused)."""
        known = self.known_releases
        if known is not None:
            copy = _detached_copy(record, self.release(record))
            self.after_commit.append(lambda: known.put(copy))

    def current_release(self) -> tuple[ReleaseRecord, Release]:
        """The newest published release: what exists, not what runs (bindings decide that)."""
        record = release_store.latest_release(self.session)
        if record is None:
            raise DefinitionError("Inga definitioner är publicerade. Kör 'avvik release publish'.")
        return record, self.release(record)
