"""Column types shared by every model, portable between SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import datetime, UTC
from typing import Annotated, Any, cast

from sqlalchemy import JSON, DateTime, String, TypeDecorator
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.engine import CursorResult, Dialect, Result
from sqlalchemy.orm import mapped_column

__all__ = ["UTCDateTime", "JSONDocument", "utcnow", "str_id", "str_name", "str_code", "created_at", "rowcount"]


class UTCDateTime(TypeDecorator[datetime]):
    """Timezone-aware UTC in and out; SQLite has no time zones, so naive values are read back as UTC."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTC column")
        return value.astimezone(UTC)

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is not None and value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value


# JSONB on PostgreSQL (indexable, compact), plain JSON text elsewhere.
JSONDocument = JSON().with_variant(JSONB(), "postgresql")


def utcnow() -> datetime:
    return datetime.now(UTC)


str_id = Annotated[str, mapped_column(String(64))]
str_name = Annotated[str, mapped_column(String(200))]
str_code = Annotated[str, mapped_column(String(40))]
created_at = Annotated[datetime, mapped_column(UTCDateTime, default=utcnow)]
JSONType = dict[str, Any]


def rowcount(result: Result[Any]) -> int:
    """Rows an UPDATE or DELETE matched: Session.execute returns a CursorResult for them, typed as its base."""
    return cast(CursorResult[Any], result).rowcount
