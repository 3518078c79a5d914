"""change history version

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-26 13:55:00
"""
from alembic import op
import sqlalchemy as sa


revision = '0005'
down_revision = '0004'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('change_history', schema=None) as batch_op:
        batch_op.add_column(sa.Column('version', sa.BigInteger(), nullable=True))
        batch_op.create_index(batch_op.f('ix_change_history_version'), ['version'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('change_history', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_change_history_version'))
        batch_op.drop_column('version')
