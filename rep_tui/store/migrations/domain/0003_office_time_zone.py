"""office time zone

Revision ID: domain_0003
Revises: domain_0002
Create Date: 2026-11-26 13:40:00
"""
from alembic import op
import sqlalchemy as sa


revision = 'domain_0003'
down_revision = 'domain_0002'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('offices', schema=None) as batch_op:
        batch_op.add_column(sa.Column('time_zone', sa.String(length=40), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('offices', schema=None) as batch_op:
        batch_op.drop_column('time_zone')
