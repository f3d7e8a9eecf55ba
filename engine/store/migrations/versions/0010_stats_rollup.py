"""stats rollup: the facts counted per ancestor unit, area, month and figure; facts note whether the event is shared

Revision ID: 0010_stats_rollup
Revises: 0009_stats_facts
Create Date: 2026-11-29 11:00:00
"""

from typing import Any

from alembic import op
import sqlalchemy as sa
from sqlalchemy.orm import Session

revision = '0010_stats_rollup'
down_revision = '0009_stats_facts'
branch_labels = None
depends_on = None


_ACTION_OPEN = sa.text("status NOT IN ('avbruten', 'effekt_utvarderad', 'genomford')")


def _key_columns() -> list[sa.Column[Any]]:
    return [
        sa.Column('unit_path', sa.String(length=1000), nullable=False),
        sa.Column('area', sa.String(length=40), nullable=False),
        sa.Column('restricted_by', sa.String(length=400), nullable=False),
        sa.Column('month', sa.String(length=7), nullable=False),
        sa.Column('figure', sa.String(length=40), nullable=False),
        sa.Column('value', sa.String(length=200), nullable=False),
        sa.Column('n', sa.Integer(), nullable=False),
    ]


def upgrade() -> None:
    with op.batch_alter_table('stats_facts', schema=None) as batch_op:
        batch_op.add_column(sa.Column('shared', sa.Boolean(), nullable=False, server_default=sa.false()))
        batch_op.add_column(sa.Column('open_due', sa.Text(), nullable=True))
        batch_op.add_column(sa.Column('decisions', sa.Text(), nullable=True))
        batch_op.add_column(sa.Column('open_actions', sa.Text(), nullable=True))
        batch_op.add_column(sa.Column('shared_open_actions', sa.Text(), nullable=True))
        batch_op.create_index('ix_stats_facts_shared_open_actions', ['case_id'], unique=False,
                              postgresql_where=sa.text('shared_open_actions IS NOT NULL'),
                              sqlite_where=sa.text('shared_open_actions IS NOT NULL'))
        batch_op.create_index('ix_stats_facts_shared', ['event_id'], unique=False,
                              postgresql_where=sa.text('shared'), sqlite_where=sa.text('shared'))
    op.create_table('stats_rollup', sa.Column('id', sa.Integer(), nullable=False), *_key_columns(),
                    sa.PrimaryKeyConstraint('id'),
                    sa.UniqueConstraint('unit_path', 'area', 'figure', 'month', 'restricted_by', 'value',
                                        name='uq_stats_rollup_key'))
    op.create_table('stats_rollup_deltas', sa.Column('id', sa.Integer(), nullable=False), *_key_columns(),
                    sa.PrimaryKeyConstraint('id'))
    with op.batch_alter_table('stats_rollup_deltas', schema=None) as batch_op:
        batch_op.create_index('ix_stats_rollup_deltas_key', ['unit_path', 'area', 'figure'], unique=False)
    with op.batch_alter_table('tasks', schema=None) as batch_op:
        batch_op.create_index('ix_tasks_open_due', ['due_at'], unique=False, sqlite_where=sa.text('ended_at IS NULL'),
                              postgresql_where=sa.text('ended_at IS NULL'))
    with op.batch_alter_table('actions', schema=None) as batch_op:
        batch_op.create_index('ix_actions_open_due', ['due_date'], unique=False, sqlite_where=_ACTION_OPEN,
                              postgresql_where=_ACTION_OPEN)

    from engine.store import rollup
    from engine.store.stats import add_rollup_columns

    session = Session(bind=op.get_bind())
    add_rollup_columns(session)
    rollup.rebuild(session)
    session.flush()


def downgrade() -> None:
    with op.batch_alter_table('actions', schema=None) as batch_op:
        batch_op.drop_index('ix_actions_open_due', sqlite_where=_ACTION_OPEN, postgresql_where=_ACTION_OPEN)
    with op.batch_alter_table('tasks', schema=None) as batch_op:
        batch_op.drop_index('ix_tasks_open_due', sqlite_where=sa.text('ended_at IS NULL'),
                            postgresql_where=sa.text('ended_at IS NULL'))
    op.drop_table('stats_rollup_deltas')
    op.drop_table('stats_rollup')
    with op.batch_alter_table('stats_facts', schema=None) as batch_op:
        batch_op.drop_index('ix_stats_facts_shared_open_actions')
        batch_op.drop_index('ix_stats_facts_shared')
        batch_op.drop_column('shared_open_actions')
        batch_op.drop_column('open_actions')
        batch_op.drop_column('decisions')
        batch_op.drop_column('open_due')
        batch_op.drop_column('shared')
