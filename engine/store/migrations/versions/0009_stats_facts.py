"""stats facts: one narrow row per live area case for the statistics, filled from the existing rows

Revision ID: 0009_stats_facts
Revises: 0008_records
Create Date: 2026-11-29 04:30:00
"""

import json

from alembic import op
import sqlalchemy as sa
import yaml
from sqlalchemy.orm import Session

revision = '0009_stats_facts'
down_revision = '0008_records'
branch_labels = None
depends_on = None


def _restricting_kinds(session: Session) -> list[str]:
    """Every release's restricting decisions (area.yaml `access.restricted.after_decisions`): a superset of the active
    ones does no harm, the facts only note which of them a case holds."""
    kinds: set[str] = set()
    for files in session.scalars(sa.text("SELECT files FROM releases")):
        if isinstance(files, str):  # SQLite returns the JSON text
            files = json.loads(files)
        for path, text in (files or {}).items():
            if path.endswith("area.yaml"):
                access = (yaml.safe_load(text) or {}).get("access") or {}
                restricted = access.get("restricted") or {}
                kinds.update(restricted.get("after_decisions") or ())
    return sorted(kinds)


def upgrade() -> None:
    op.create_table('stats_facts',
    sa.Column('case_id', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('event_id', sa.Integer(), nullable=False),
    sa.Column('area', sa.String(length=40), nullable=False),
    sa.Column('status', sa.String(length=40), nullable=False),
    sa.Column('event_unit_id', sa.String(length=64), nullable=False),
    sa.Column('event_unit_path', sa.String(length=1000), nullable=False),
    sa.Column('case_unit_path', sa.String(length=1000), nullable=False),
    sa.Column('reported_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('category', sa.String(), nullable=True),
    sa.Column('event_type', sa.String(), nullable=True),
    sa.Column('consequence_actual', sa.Integer(), nullable=True),
    sa.Column('consequence_potential', sa.Integer(), nullable=True),
    sa.Column('probability', sa.Integer(), nullable=True),
    sa.Column('restricted_by', sa.String(length=400), nullable=True),
    sa.Column('first_step_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('closed_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['case_id'], ['area_cases.id'], ),
    sa.ForeignKeyConstraint(['event_id'], ['events.id'], ),
    sa.PrimaryKeyConstraint('case_id')
    )
    with op.batch_alter_table('stats_facts', schema=None) as batch_op:
        batch_op.create_index('ix_stats_facts_area_case_unit', ['area', 'case_unit_path', 'reported_at'],
                              unique=False)
        batch_op.create_index('ix_stats_facts_area_event_unit', ['area', 'event_unit_path', 'reported_at'],
                              unique=False)
        batch_op.create_index(batch_op.f('ix_stats_facts_event_id'), ['event_id'], unique=False)

    from engine.store.stats import fill_facts

    session = Session(bind=op.get_bind())
    fill_facts(session, _restricting_kinds(session), rollup_columns=False)  # 0010 adds them
    session.flush()


def downgrade() -> None:
    op.drop_table('stats_facts')
