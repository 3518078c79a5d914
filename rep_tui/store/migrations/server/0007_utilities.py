"""office clean-up runs: what each changed, for its undo

Revision ID: server_utilities
Revises: server_merge
Create Date: 2026-12-08 01:30:00
"""
from alembic import op
import sqlalchemy as sa
import rep_tui.store.types

revision = 'server_utilities'
down_revision = 'server_merge'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('server_cleanup_runs',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('at', rep_tui.store.types.UTCDateTime(), nullable=False),
    sa.Column('kind', sa.String(length=40), nullable=False),
    sa.Column('options', sa.JSON(), nullable=False),
    sa.Column('changes', sa.JSON(), nullable=False),
    sa.Column('undone_at', rep_tui.store.types.UTCDateTime(), nullable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_server_cleanup_runs'))
    )


def downgrade() -> None:
    op.drop_table('server_cleanup_runs')
