"""The alembic migrations build exactly the schema the models declare, on SQLite and PostgreSQL."""

from __future__ import annotations

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext

from engine import Database
from engine.store.models import Base
from engine.store.schema import current_revision, head_revision

pytestmark = pytest.mark.shared_database  # alembic reads the schema over its own connection


def test_database_is_at_the_newest_revision(db: Database) -> None:
    assert current_revision(db) == head_revision()


def test_migrations_match_the_models(db: Database) -> None:
    with db.engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        differences = compare_metadata(context, Base.metadata)
    assert differences == []
