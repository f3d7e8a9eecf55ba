"""What every use case receives: a session in one transaction, the release provider and the clock."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from collections.abc import Callable

from sqlalchemy.orm import Session

from engine.definitions.release import Release, ReleaseCache, parse_release
from engine.errors import DefinitionError
from engine.runtime.workflow_cache import WorkflowCache
from engine.store import releases as release_store
from engine.store.models import ReleaseRecord

__all__ = ["Context"]


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

    def release(self, record: ReleaseRecord) -> Release:
        """The parsed release of a stored record; parsed once per process, then shared from the cache."""
        cached = self.releases.get(record.hash)
        if cached is not None:
            return cached
        files = {path: text.encode("utf-8") for path, text in record.files.items()}
        return self.releases.put(parse_release(files))

    def release_by_id(self, release_id: int) -> tuple[ReleaseRecord, Release]:
        record = self._records.get(release_id) or release_store.release_by_id(self.session, release_id)
        if record is not None:
            self._records[release_id] = record
        if record is None:
            raise DefinitionError("Ärendets release finns inte längre.")
        return record, self.release(record)

    def current_release(self) -> tuple[ReleaseRecord, Release]:
        """The newest published release: what exists, not what runs (bindings decide that)."""
        record = release_store.latest_release(self.session)
        if record is None:
            raise DefinitionError("Inga definitioner är publicerade. Kör 'avvik release publish'.")
        return record, self.release(record)
