"""attachment engagement

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-26 14:05:00
"""
from alembic import op
import sqlalchemy as sa


revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('attachments', schema=None) as batch_op:
        batch_op.add_column(sa.Column('engagement_id', sa.Uuid(), nullable=True))
        batch_op.create_index(batch_op.f('ix_attachments_engagement_id'), ['engagement_id'], unique=False)
        batch_op.create_foreign_key(batch_op.f('fk_attachments_engagement_id_engagements'), 'engagements',
                                    ['engagement_id'], ['id'])


def downgrade() -> None:
    with op.batch_alter_table('attachments', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_attachments_engagement_id_engagements'), type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_attachments_engagement_id'))
        batch_op.drop_column('engagement_id')
