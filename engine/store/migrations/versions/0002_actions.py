"""actions belong to area cases; effect evaluation, follow-ups and plan-item origin

Revision ID: 0002_actions
Revises: 0001
Create Date: 2026-11-28 21:45:00

Existing actions are linked to every area case of their events, which is what closure counted before.
"""

from alembic import op
import sqlalchemy as sa

revision = '0002_actions'
down_revision = '0001'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('action_cases',
    sa.Column('action_id', sa.Integer(), nullable=False),
    sa.Column('area_case_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['action_id'], ['actions.id'], ),
    sa.ForeignKeyConstraint(['area_case_id'], ['area_cases.id'], ),
    sa.PrimaryKeyConstraint('action_id', 'area_case_id')
    )
    with op.batch_alter_table('action_cases', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_action_cases_area_case_id'), ['area_case_id'], unique=False)

    with op.batch_alter_table('actions', schema=None) as batch_op:
        batch_op.add_column(sa.Column('effect_result', sa.String(length=20), nullable=True))
        batch_op.add_column(sa.Column('effect_note', sa.Text(), nullable=True))
        batch_op.add_column(sa.Column('follow_up_of', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('origin', sa.String(length=200), nullable=True))
        batch_op.create_foreign_key('fk_actions_follow_up_of_actions', 'actions', ['follow_up_of'], ['id'])

    op.execute(
        "INSERT INTO action_cases (action_id, area_case_id) "
        "SELECT ae.action_id, ac.id FROM action_events ae JOIN area_cases ac ON ac.event_id = ae.event_id"
    )


def downgrade() -> None:
    with op.batch_alter_table('actions', schema=None) as batch_op:
        batch_op.drop_constraint('fk_actions_follow_up_of_actions', type_='foreignkey')
        batch_op.drop_column('origin')
        batch_op.drop_column('follow_up_of')
        batch_op.drop_column('effect_note')
        batch_op.drop_column('effect_result')

    with op.batch_alter_table('action_cases', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_action_cases_area_case_id'))

    op.drop_table('action_cases')
