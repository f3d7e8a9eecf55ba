"""notifications: HTML part, daily digest, mail to a public complainant's address, delivery preference per kind

Revision ID: 0005_notify2
Revises: 0004_notify
Create Date: 2026-11-29 00:30:00
"""

from alembic import op
import sqlalchemy as sa

revision = '0005_notify2'
down_revision = '0004_notify'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('notifications', schema=None) as batch_op:
        batch_op.add_column(sa.Column('html', sa.Text(), nullable=True))
        batch_op.add_column(sa.Column('digest_on', sa.Date(), nullable=True))
        batch_op.add_column(sa.Column('address', sa.String(length=320), nullable=True))
        batch_op.alter_column('user_id', existing_type=sa.String(length=100), nullable=True)
    with op.batch_alter_table('notification_settings', schema=None) as batch_op:
        batch_op.add_column(sa.Column('delivery', sa.String(length=40), nullable=False, server_default='immediate'))
    op.execute("UPDATE notification_settings SET delivery = 'off' WHERE email = false")
    with op.batch_alter_table('notification_settings', schema=None) as batch_op:
        batch_op.drop_column('email')
        batch_op.alter_column('delivery', existing_type=sa.String(length=40), server_default=None)


def downgrade() -> None:
    with op.batch_alter_table('notification_settings', schema=None) as batch_op:
        batch_op.add_column(sa.Column('email', sa.Boolean(), nullable=False, server_default=sa.true()))
    op.execute("UPDATE notification_settings SET email = false WHERE delivery = 'off'")
    with op.batch_alter_table('notification_settings', schema=None) as batch_op:
        batch_op.drop_column('delivery')
    op.execute("DELETE FROM notifications WHERE user_id IS NULL")
    with op.batch_alter_table('notifications', schema=None) as batch_op:
        batch_op.alter_column('user_id', existing_type=sa.String(length=100), nullable=False)
        batch_op.drop_column('address')
        batch_op.drop_column('digest_on')
        batch_op.drop_column('html')
