"""sync quarantine

Revision ID: client_0002
Revises: client_0001
Create Date: 2026-11-26 09:37:01.766551
"""
from alembic import op
import sqlalchemy as sa
import rep_tui.store.types


revision = 'client_0002'
down_revision = 'client_0001'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('sync_quarantine',
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('table_name', sa.String(length=40), nullable=False),
    sa.Column('row_id', sa.Uuid(), nullable=False),
    sa.Column('lead_id', sa.Uuid(), nullable=True),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.Column('row', sa.JSON(), nullable=False),
    sa.Column('changes', sa.JSON(), nullable=False),
    sa.Column('at', rep_tui.store.types.UTCDateTime(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_sync_quarantine'))
    )
    with op.batch_alter_table('sync_quarantine', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_sync_quarantine_lead_id'), ['lead_id'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('sync_quarantine', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_sync_quarantine_lead_id'))
    op.drop_table('sync_quarantine')
