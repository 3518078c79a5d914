"""money on the job: a note on each payment

Revision ID: domain_money
Revises: domain_0006
Create Date: 2026-12-07 18:40:00
"""
from alembic import op
import sqlalchemy as sa


revision = 'domain_money'
down_revision = 'domain_0006'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('payments', schema=None) as batch_op:
        batch_op.add_column(sa.Column('note', sa.Text(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('payments', schema=None) as batch_op:
        batch_op.drop_column('note')
