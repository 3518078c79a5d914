"""blob uploads: who sent a blob's content; existing attachments vouch for their uploader

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-29 18:00:00
"""
from alembic import op
import sqlalchemy as sa

from rep_tui.store.types import UTCDateTime

revision = '0005'
down_revision = '0004'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'server_blob_uploads',
        sa.Column('sha256', sa.String(length=64), nullable=False),
        sa.Column('user_id', sa.Uuid(), nullable=False),
        sa.Column('at', UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint('sha256', 'user_id', name=op.f('pk_server_blob_uploads')),
    )
    # Attachments stored before this rule keep working: their uploaders are taken as having sent them.
    op.execute(
        "INSERT INTO server_blob_uploads (sha256, user_id, at) "
        "SELECT DISTINCT sha256, uploaded_by, CURRENT_TIMESTAMP FROM attachments WHERE uploaded_by IS NOT NULL"
    )


def downgrade() -> None:
    op.drop_table('server_blob_uploads')
