"""Stored releases: the definition files themselves, by content hash."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine.store.models import ReleaseRecord

__all__ = ["release_by_hash", "release_by_id", "latest_release", "add_release", "all_releases"]


def release_by_hash(session: Session, release_hash: str) -> ReleaseRecord | None:
    return session.scalar(select(ReleaseRecord).where(ReleaseRecord.hash == release_hash))


def release_by_id(session: Session, release_id: int) -> ReleaseRecord | None:
    return session.get(ReleaseRecord, release_id)


def latest_release(session: Session) -> ReleaseRecord | None:
    return session.scalar(select(ReleaseRecord).order_by(ReleaseRecord.id.desc()).limit(1))


def all_releases(session: Session) -> list[ReleaseRecord]:
    return list(session.scalars(select(ReleaseRecord).order_by(ReleaseRecord.id)))


def add_release(
    session: Session, release_hash: str, files: dict[str, str], label: str | None, published_by: str | None
) -> ReleaseRecord:
    record = ReleaseRecord(hash=release_hash, files=files, label=label, published_by=published_by)
    session.add(record)
    session.flush()
    return record
