"""customer status: where a customer stands (prospect, sold, do not contact...)

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-07 15:40:00
"""
from alembic import op
import sqlalchemy as sa


revision = '0006'
down_revision = '0005'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('leads', schema=None) as batch_op:
        batch_op.add_column(sa.Column('customer_status', sa.String(length=20), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('leads', schema=None) as batch_op:
        batch_op.drop_column('customer_status')
