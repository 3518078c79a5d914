"""push rejections: a refused mutation is answered as refused again when its push is retried

Revision ID: server_0003
Revises: server_0002
Create Date: 2026-12-07 17:00:00
"""
from alembic import op
import sqlalchemy as sa

revision = 'server_0003'
down_revision = 'server_0002'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'server_push_rejections',
        sa.Column('user_id', sa.Uuid(), nullable=False),
        sa.Column('client_id', sa.String(length=64), nullable=False),
        sa.Column('seq', sa.BigInteger(), nullable=False),
        sa.Column('reason', sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint('user_id', 'client_id', 'seq', name=op.f('pk_server_push_rejections')),
    )


def downgrade() -> None:
    op.drop_table('server_push_rejections')
