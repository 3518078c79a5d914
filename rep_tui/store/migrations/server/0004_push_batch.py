"""client sequences remember their last push's mutations (as a SHA-256), so
a copy of that push racing the original is answered like a retry

Revision ID: server_0004
Revises: server_0003
Create Date: 2026-12-07 18:30:00
"""
from alembic import op
import sqlalchemy as sa

revision = 'server_0004'
down_revision = 'server_0003'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('server_client_sequences', schema=None) as batch_op:
        batch_op.add_column(sa.Column('last_batch', sa.String(length=64), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('server_client_sequences', schema=None) as batch_op:
        batch_op.drop_column('last_batch')
