"""covering indexes (PostgreSQL): the events' unit-path index carries id and reporter, so a list under a unit
counts its events from the index alone; the open tasks' role index carries id, unit path and assignee, so a
worklist finds its page from the index alone

Revision ID: 0011_covering_indexes
Revises: 0010_stats_rollup
Create Date: 2026-11-29 16:00:00
"""

from alembic import op
import sqlalchemy as sa

revision = '0011_covering_indexes'
down_revision = '0010_stats_rollup'
branch_labels = None
depends_on = None

_OPEN = sa.text('ended_at IS NULL')


def _indexes(include: bool) -> None:
    op.drop_index('ix_events_unit_path', table_name='events')
    op.create_index('ix_events_unit_path', 'events', ['unit_path'],
                    postgresql_include=['id', 'reporter_id'] if include else [])
    op.drop_index('ix_tasks_open_role_due', table_name='tasks')
    op.create_index('ix_tasks_open_role_due', 'tasks', ['role', 'due_at', 'created_at'], postgresql_where=_OPEN,
                    postgresql_include=['id', 'unit_path', 'assignee_id'] if include else [])


def upgrade() -> None:
    if op.get_bind().dialect.name == 'postgresql':  # SQLite has no INCLUDE: its indexes stay as they are
        _indexes(include=True)


def downgrade() -> None:
    if op.get_bind().dialect.name == 'postgresql':
        _indexes(include=False)
