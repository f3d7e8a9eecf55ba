"""records: chained change and read logs, attachments, legal holds, culling protocols, legacy ids

The change log and the read log get a chain per legal entity (engine/store/chain.py); rows written before this
revision are chained here, in id order, so `avvik audit verify` holds from the first row.

Revision ID: 0008_records
Revises: 0007_entities
Create Date: 2026-11-29 00:30:00
"""

from alembic import op
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql
from sqlalchemy.orm import Session

revision = '0008_records'
down_revision = '0007_entities'
branch_labels = None
depends_on = None


def _chain_columns(table: str) -> None:
    with op.batch_alter_table(table, schema=None) as batch_op:
        batch_op.add_column(sa.Column('chain', sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column('digest', sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column('hash', sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column('culled_by', sa.Integer(), nullable=True))
        batch_op.create_index(f'ix_{table}_chain_id', ['chain', 'id'], unique=False)


def _rechain() -> None:
    from engine.rules.legal_entity import legal_entity
    from engine.store.chain import rechain
    from engine.store.models import Event, Unit

    session = Session(bind=op.get_bind())
    paths = dict(session.execute(sa.select(Event.id, Event.unit_path)).all())
    units = dict(session.execute(sa.select(Unit.id, Unit.path)).all())

    def entity_of(row: Any) -> str:  # the event's legal entity; a binding's or overlay's unit's; else the installation's
        if row.event_id is not None:
            return legal_entity(paths.get(row.event_id))
        if getattr(row, 'entity', None) in ('binding', 'overlay'):
            return legal_entity(units.get(row.entity_id.split('/')[0]))
        return legal_entity(None)

    rechain(session, entity_of)
    session.flush()


def upgrade() -> None:
    op.create_table('log_chains',
    sa.Column('entity', sa.String(length=64), nullable=False),
    sa.Column('audit_id', sa.Integer(), nullable=True),
    sa.Column('audit_hash', sa.String(length=64), nullable=True),
    sa.Column('read_id', sa.Integer(), nullable=True),
    sa.Column('read_hash', sa.String(length=64), nullable=True),
    sa.PrimaryKeyConstraint('entity')
    )
    with op.batch_alter_table('events', schema=None) as batch_op:
        batch_op.add_column(sa.Column('legacy_id', sa.String(length=120), nullable=True))
        batch_op.create_unique_constraint(batch_op.f('uq_events_legacy_id'), ['legacy_id'])
    _chain_columns('audit_log')
    _chain_columns('read_log')
    with op.batch_alter_table('read_log', schema=None) as batch_op:
        batch_op.alter_column('actor_id', existing_type=sa.String(length=100), nullable=True)
    op.create_table('attachments',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('event_id', sa.Integer(), nullable=False),
    sa.Column('target', sa.String(length=40), nullable=False),
    sa.Column('area_case_id', sa.Integer(), nullable=True),
    sa.Column('action_id', sa.Integer(), nullable=True),
    sa.Column('task_id', sa.String(length=36), nullable=True),
    sa.Column('filename', sa.String(length=200), nullable=False),
    sa.Column('media_type', sa.String(length=100), nullable=False),
    sa.Column('size', sa.Integer(), nullable=False),
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.Column('classification', sa.String(length=40), nullable=False),
    sa.Column('uploaded_by', sa.String(length=100), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('culled_by', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['action_id'], ['actions.id'], ),
    sa.ForeignKeyConstraint(['area_case_id'], ['area_cases.id'], ),
    sa.ForeignKeyConstraint(['event_id'], ['events.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('attachments', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_attachments_action_id'), ['action_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_attachments_event_id'), ['event_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_attachments_sha256'), ['sha256'], unique=False)
        batch_op.create_index(batch_op.f('ix_attachments_task_id'), ['task_id'], unique=False)
    op.create_table('legal_holds',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('event_id', sa.Integer(), nullable=False),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.Column('placed_by', sa.String(length=100), nullable=False),
    sa.Column('role', sa.String(length=64), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('lifted_by', sa.String(length=100), nullable=True),
    sa.Column('lifted_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['event_id'], ['events.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('legal_holds', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_legal_holds_event_id'), ['event_id'], unique=False)
    op.create_table('culling_protocols',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('actor_id', sa.String(length=100), nullable=False),
    sa.Column('entity', sa.String(length=64), nullable=False),
    sa.Column('record_class', sa.String(length=64), nullable=False),
    sa.Column('decision', sa.String(length=300), nullable=True),
    sa.Column('release', sa.String(length=64), nullable=False),
    sa.Column('count', sa.Integer(), nullable=False),
    sa.Column('items', sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql'), nullable=False),
    sa.PrimaryKeyConstraint('id')
    )
    _rechain()


def downgrade() -> None:
    op.drop_table('culling_protocols')
    with op.batch_alter_table('legal_holds', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_legal_holds_event_id'))
    op.drop_table('legal_holds')
    with op.batch_alter_table('attachments', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_attachments_task_id'))
        batch_op.drop_index(batch_op.f('ix_attachments_sha256'))
        batch_op.drop_index(batch_op.f('ix_attachments_event_id'))
        batch_op.drop_index(batch_op.f('ix_attachments_action_id'))
    op.drop_table('attachments')
    for table in ('read_log', 'audit_log'):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_index(f'ix_{table}_chain_id')
            for column in ('culled_by', 'hash', 'digest', 'chain'):
                batch_op.drop_column(column)
    op.drop_table('log_chains')
    with op.batch_alter_table('events', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('uq_events_legacy_id'), type_='unique')
        batch_op.drop_column('legacy_id')
