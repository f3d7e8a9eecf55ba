"""legal entities above the org tree, number series per entity, releases owned by entities, deputies

One legal entity per existing root unit (its id is the root's id). Its number prefix is the root id in capitals;
the old single series keeps its counters as series 'AVV', so every existing number stays valid and unique (new
numbers carry the entity's prefix). Public complaints of the entity that holds AVVIK_PUBLIC_FEEDBACK_UNIT (or the
old default, rs-klagomal) keep landing there; other entities get their complaints unit with `avvik entity set`.
Existing releases belong to the entities that bind them; an unbound one to every entity.

Revision ID: 0007_entities
Revises: 0006_ops
Create Date: 2026-11-29 00:30:00
"""

import os
import re

from alembic import op
import sqlalchemy as sa
from sqlalchemy.dialects import postgresql

revision = '0007_entities'
down_revision = '0006_ops'
branch_labels = None
depends_on = None

OLD_SERIES = 'AVV'


def _prefix(root_id: str, taken: set[str]) -> str:
    base = re.sub(r'[^A-Z0-9]', '', root_id.upper())[:6] or 'E'
    prefix, n = base, 1
    while prefix in taken:
        n += 1
        prefix = f"{base[:5]}{n}"
    taken.add(prefix)
    return prefix


def upgrade() -> None:
    conn = op.get_bind()
    op.create_table('legal_entities',
    sa.Column('id', sa.String(length=64), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('prefix', sa.String(length=6), nullable=False),
    sa.Column('complaints_unit_id', sa.String(length=64), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['complaints_unit_id'], ['units.id'], ),
    sa.ForeignKeyConstraint(['id'], ['units.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('prefix')
    )
    op.create_table('release_entities',
    sa.Column('release_id', sa.Integer(), nullable=False),
    sa.Column('entity_id', sa.String(length=64), nullable=False),
    sa.ForeignKeyConstraint(['entity_id'], ['legal_entities.id'], ),
    sa.ForeignKeyConstraint(['release_id'], ['releases.id'], ),
    sa.PrimaryKeyConstraint('release_id', 'entity_id')
    )
    op.create_table('deputyships',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('principal_id', sa.String(length=100), nullable=False),
    sa.Column('deputy_id', sa.String(length=100), nullable=False),
    sa.Column('role', sa.String(length=64), nullable=False),
    sa.Column('unit_id', sa.String(length=64), nullable=False),
    sa.Column('starts_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('ends_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('created_by', sa.String(length=100), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('revoked_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['deputy_id'], ['users.id'], ),
    sa.ForeignKeyConstraint(['principal_id'], ['users.id'], ),
    sa.ForeignKeyConstraint(['unit_id'], ['units.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('deputyships', schema=None) as batch_op:
        batch_op.create_index('ix_deputyships_deputy', ['deputy_id', 'ends_at'], unique=False)
        batch_op.create_index('ix_deputyships_principal', ['principal_id', 'ends_at'], unique=False)
    op.create_table('scim_resources',
    sa.Column('id', sa.String(length=64), nullable=False),
    sa.Column('resource_type', sa.String(length=40), nullable=False),
    sa.Column('data', sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql'), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('scim_resources', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_scim_resources_resource_type'), ['resource_type'], unique=False)
    op.create_table('scim_tokens',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('token_hash', sa.String(length=64), nullable=False),
    sa.Column('label', sa.String(length=200), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('revoked_at', sa.DateTime(timezone=True), nullable=True),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('token_hash')
    )
    with op.batch_alter_table('audit_log', schema=None) as batch_op:
        batch_op.add_column(sa.Column('on_behalf_of', sa.String(length=100), nullable=True))

    # The counters get a series column in their key: rebuilt (a primary key cannot be altered portably).
    counters = conn.execute(sa.text('SELECT year, value FROM event_counters')).fetchall()
    op.drop_table('event_counters')
    table = op.create_table('event_counters',
    sa.Column('series', sa.String(length=6), nullable=False),
    sa.Column('year', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('value', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('series', 'year')
    )
    if counters:
        op.bulk_insert(table, [{'series': OLD_SERIES, 'year': y, 'value': v} for y, v in counters])

    roots = conn.execute(sa.text('SELECT id, name, path FROM units WHERE parent_id IS NULL ORDER BY id')).fetchall()
    complaints = os.environ.get('AVVIK_PUBLIC_FEEDBACK_UNIT') or 'rs-klagomal'
    complaints_path = conn.execute(sa.text('SELECT path FROM units WHERE id = :id'), {'id': complaints}).scalar()
    taken: set[str] = set()
    entities = sa.table('legal_entities', sa.column('id'), sa.column('name'), sa.column('prefix'),
                        sa.column('complaints_unit_id'), sa.column('created_at'))
    now = sa.func.current_timestamp()
    for root_id, name, path in roots:
        unit = complaints if complaints_path and complaints_path.startswith(path) else None
        conn.execute(entities.insert().values(id=root_id, name=name, prefix=_prefix(root_id, taken),
                                              complaints_unit_id=unit, created_at=now))
    owned = set()
    for release_id, path in conn.execute(sa.text(
            'SELECT DISTINCT b.release_id, u.path FROM bindings b JOIN units u ON u.id = b.unit_id')):
        owned.add((release_id, path.strip('/').split('/')[0]))
    bound = {release_id for release_id, _ in owned}
    for (release_id,) in conn.execute(sa.text('SELECT id FROM releases')):
        if release_id not in bound:
            owned.update((release_id, root_id) for root_id, _, _ in roots)
    if owned:
        op.bulk_insert(sa.table('release_entities', sa.column('release_id'), sa.column('entity_id')),
                       [{'release_id': r, 'entity_id': e} for r, e in sorted(owned)])


def downgrade() -> None:
    counters = op.get_bind().execute(sa.text(
        "SELECT year, value FROM event_counters WHERE series = 'AVV'")).fetchall()
    op.drop_table('event_counters')
    table = op.create_table('event_counters',
    sa.Column('year', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('value', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('year')
    )
    if counters:
        op.bulk_insert(table, [{'year': y, 'value': v} for y, v in counters])
    with op.batch_alter_table('audit_log', schema=None) as batch_op:
        batch_op.drop_column('on_behalf_of')
    with op.batch_alter_table('deputyships', schema=None) as batch_op:
        batch_op.drop_index('ix_deputyships_principal')
        batch_op.drop_index('ix_deputyships_deputy')
    op.drop_table('deputyships')
    op.drop_table('scim_tokens')
    with op.batch_alter_table('scim_resources', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_scim_resources_resource_type'))
    op.drop_table('scim_resources')
    op.drop_table('release_entities')
    op.drop_table('legal_entities')
