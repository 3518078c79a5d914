"""client schema: the device's own tables (settings, outbox) and its search index

The client half of the old client 0001 migration.

Revision ID: client_0001
Revises:
Create Date: 2026-11-26
"""
from alembic import op
import sqlalchemy as sa
import rep_tui.store.types


revision = 'client_0001'
down_revision = None
branch_labels = ('client',)
depends_on = 'domain_0001'


def upgrade() -> None:
    op.create_table('local_settings',
    sa.Column('key', sa.String(length=60), nullable=False),
    sa.Column('value', sa.Text(), nullable=False),
    sa.PrimaryKeyConstraint('key', name=op.f('pk_local_settings'))
    )
    op.create_table('outbox',
    sa.Column('seq', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('table_name', sa.String(length=40), nullable=False),
    sa.Column('row_id', sa.Uuid(), nullable=False),
    sa.Column('op', sa.String(length=10), nullable=False),
    sa.Column('fields', sa.JSON(), nullable=False),
    sa.Column('created_at', rep_tui.store.types.UTCDateTime(), nullable=False),
    sa.Column('state', sa.String(length=12), nullable=False),
    sa.Column('error', sa.Text(), nullable=True),
    sa.PrimaryKeyConstraint('seq', name=op.f('pk_outbox'))
    )
    # Search index: an FTS5 table keyed by a small integer per lead.
    op.execute("CREATE TABLE search_keys (key INTEGER PRIMARY KEY, lead_id CHAR(32) NOT NULL UNIQUE)")
    op.execute(
        "CREATE VIRTUAL TABLE lead_search USING fts5("
        "name, address, contact, ids, phones, "
        "tokenize = 'unicode61 remove_diacritics 2', prefix = '1 2 3 4')"
    )


def downgrade() -> None:
    op.execute("DROP TABLE lead_search")
    op.execute("DROP TABLE search_keys")
    op.drop_table('outbox')
    op.drop_table('local_settings')
