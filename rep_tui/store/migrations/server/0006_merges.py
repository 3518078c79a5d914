"""merged customers: what each merge moved and changed, for its undo and
for redirecting a device's late edits of the merged-away customer

Revision ID: server_merge
Revises: server_0005
Create Date: 2026-12-08 00:50:00
"""
from alembic import op
import sqlalchemy as sa
import rep_tui.store.types

revision = 'server_merge'
down_revision = 'server_0005'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('server_merges',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('at', rep_tui.store.types.UTCDateTime(), nullable=False),
    sa.Column('survivor_id', sa.Uuid(), nullable=False),
    sa.Column('loser_id', sa.Uuid(), nullable=False),
    sa.Column('fields', sa.JSON(), nullable=False),
    sa.Column('moved', sa.JSON(), nullable=False),
    sa.Column('contact_id', sa.Uuid(), nullable=True),
    sa.Column('undone_at', rep_tui.store.types.UTCDateTime(), nullable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_server_merges'))
    )
    with op.batch_alter_table('server_merges', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_server_merges_loser_id'), ['loser_id'], unique=False)


def downgrade() -> None:
    op.drop_table('server_merges')
