"""events by unit: the unit-path index carries the event id and reporter (PostgreSQL), so a list under a unit
counts its events from the index alone

Revision ID: 0011_events_unit_path_cover
Revises: 0010_stats_rollup
Create Date: 2026-11-29 16:00:00
"""

from alembic import op

revision = '0011_events_unit_path_cover'
down_revision = '0010_stats_rollup'
branch_labels = None
depends_on = None


def upgrade() -> None:
    if op.get_bind().dialect.name != 'postgresql':
        return  # SQLite has no INCLUDE: its index stays as it is
    op.drop_index('ix_events_unit_path', table_name='events')
    op.create_index('ix_events_unit_path', 'events', ['unit_path'], postgresql_include=['id', 'reporter_id'])


def downgrade() -> None:
    if op.get_bind().dialect.name != 'postgresql':
        return
    op.drop_index('ix_events_unit_path', table_name='events')
    op.create_index('ix_events_unit_path', 'events', ['unit_path'])
