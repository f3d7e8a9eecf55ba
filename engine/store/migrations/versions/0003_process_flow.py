"""process flow: event links, public receipts, task notes

Revision ID: 0003_process_flow
Revises: 0002_actions
Create Date: 2026-11-28 21:40:00
"""

from alembic import op
import sqlalchemy as sa

revision = '0003_process_flow'
down_revision = '0002_actions'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('event_links',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('source_id', sa.Integer(), nullable=False),
    sa.Column('target_id', sa.Integer(), nullable=False),
    sa.Column('type', sa.String(length=40), nullable=False),
    sa.Column('area_case_id', sa.Integer(), nullable=True),
    sa.Column('created_by', sa.String(length=100), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['area_case_id'], ['area_cases.id'], ),
    sa.ForeignKeyConstraint(['source_id'], ['events.id'], ),
    sa.ForeignKeyConstraint(['target_id'], ['events.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('source_id', 'target_id', 'type')
    )
    with op.batch_alter_table('event_links', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_event_links_target_id'), ['target_id'], unique=False)
    with op.batch_alter_table('events', schema=None) as batch_op:
        batch_op.add_column(sa.Column('public_receipt', sa.String(length=40), nullable=True))
        batch_op.add_column(sa.Column('public_secret_hash', sa.String(length=64), nullable=True))
        batch_op.create_unique_constraint('uq_events_public_receipt', ['public_receipt'])
    with op.batch_alter_table('tasks', schema=None) as batch_op:
        batch_op.add_column(sa.Column('note', sa.Text(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('tasks', schema=None) as batch_op:
        batch_op.drop_column('note')
    with op.batch_alter_table('events', schema=None) as batch_op:
        batch_op.drop_constraint('uq_events_public_receipt', type_='unique')
        batch_op.drop_column('public_secret_hash')
        batch_op.drop_column('public_receipt')
    with op.batch_alter_table('event_links', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_event_links_target_id'))
    op.drop_table('event_links')
