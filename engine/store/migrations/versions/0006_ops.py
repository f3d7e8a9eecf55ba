"""operations: the worker's heartbeat, and an index for the open/overdue task gauges of /metrics

Revision ID: 0006_ops
Revises: 0005_notify2
Create Date: 2026-11-29 00:20:00
"""

from alembic import op
import sqlalchemy as sa

revision = '0006_ops'
down_revision = '0005_notify2'
branch_labels = None
depends_on = None

_OPEN = sa.text('ended_at IS NULL')


def upgrade() -> None:
    op.create_table('worker_heartbeats',
    sa.Column('worker_id', sa.String(length=200), nullable=False),
    sa.Column('started_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('beat_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('interval_ms', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('worker_id')
    )
    with op.batch_alter_table('worker_heartbeats', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_worker_heartbeats_beat_at'), ['beat_at'], unique=False)
    with op.batch_alter_table('tasks', schema=None) as batch_op:
        batch_op.create_index('ix_tasks_open_area_due', ['area', 'due_at'], unique=False, sqlite_where=_OPEN,
                              postgresql_where=_OPEN)


def downgrade() -> None:
    with op.batch_alter_table('tasks', schema=None) as batch_op:
        batch_op.drop_index('ix_tasks_open_area_due', sqlite_where=_OPEN, postgresql_where=_OPEN)
    op.drop_table('worker_heartbeats')
