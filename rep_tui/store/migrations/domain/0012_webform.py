"""a lead's referral source (how the customer heard of the company: the web form's list)

Revision ID: domain_webform
Revises: domain_money
Create Date: 2026-12-07 21:20:00
"""
from alembic import op
import sqlalchemy as sa

revision = 'domain_webform'
down_revision = 'domain_money'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('leads', schema=None) as batch_op:
        batch_op.add_column(sa.Column('referral', sa.String(length=80), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('leads', schema=None) as batch_op:
        batch_op.drop_column('referral')
