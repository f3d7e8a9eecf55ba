"""The records settings an Engine is built with: where attachments are stored, how they are scanned, how large."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from typing import Any

from engine.records.scanning import NoScanner, Scanner, scanner_from_env
from engine.records.storage import AttachmentStore, FileStore, store_from_env

__all__ = ["DEFAULT_MAX_BYTES", "RecordsSettings"]

DEFAULT_MAX_BYTES = 20 * 1024 * 1024  # a phone photo or a scanned statement, with room to spare


@dataclass(frozen=True)
class RecordsSettings:
    store: AttachmentStore = field(default_factory=lambda: FileStore("var/attachments"))
    scanner: Scanner = field(default_factory=NoScanner)
    max_bytes: int = DEFAULT_MAX_BYTES  # AVVIK_ATTACHMENT_MAX_BYTES

    @classmethod
    def from_env(cls, env: Any = os.environ) -> RecordsSettings:
        limit = env.get("AVVIK_ATTACHMENT_MAX_BYTES")
        return cls(store_from_env(env), scanner_from_env(env), int(limit) if limit else DEFAULT_MAX_BYTES)
