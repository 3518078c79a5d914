"""password resets waiting for a sync: an admin resets a user's password in the app

Revision ID: client_0004
Revises: client_0003
Create Date: 2026-12-07 21:45:00
"""
import sqlalchemy as sa
from alembic import op

from rep_tui.store.types import UTCDateTime

revision = 'client_0004'
down_revision = 'client_0003'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "password_resets",
        sa.Column("user_id", sa.Uuid(), primary_key=True),
        sa.Column("password_hash", sa.Text(), nullable=False),
        sa.Column("set_at", UTCDateTime(), nullable=False),
        sa.Column("refused", sa.Text(), nullable=True),
    )


def downgrade() -> None:
    op.drop_table("password_resets")
