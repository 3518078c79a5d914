"""server settings (the web lead form's style and referral sources) and the
form's submissions per client address (its rate limit)

Revision ID: server_0005
Revises: server_0004
Create Date: 2026-12-07 21:20:00
"""
from alembic import op
import sqlalchemy as sa
import rep_tui.store.types

revision = 'server_0005'
down_revision = 'server_0004'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('server_settings',
    sa.Column('key', sa.String(length=40), nullable=False),
    sa.Column('value', sa.JSON(), nullable=False),
    sa.PrimaryKeyConstraint('key', name=op.f('pk_server_settings'))
    )
    op.create_table('server_form_posts',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('address', sa.String(length=64), nullable=False),
    sa.Column('at', rep_tui.store.types.UTCDateTime(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_server_form_posts'))
    )
    with op.batch_alter_table('server_form_posts', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_server_form_posts_address'), ['address'], unique=False)
        batch_op.create_index(batch_op.f('ix_server_form_posts_at'), ['at'], unique=False)


def downgrade() -> None:
    op.drop_table('server_form_posts')
    op.drop_table('server_settings')
