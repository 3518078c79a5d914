"""search index: a column for the words of custom fields (text and choice values)

The FTS5 table is made again with the new column and the old rows copied
into it (their custom words empty: no value was searched before); leads are
re-indexed with their custom values as they change, and wholly on the next
full rebuild (a definition arriving by sync triggers one).

Revision ID: client_0003
Revises: client_0002
Create Date: 2026-12-07 18:30:00
"""
from alembic import op


revision = 'client_0003'
down_revision = 'client_0002'
branch_labels = None
depends_on = None

_OPTIONS = "tokenize = 'unicode61 remove_diacritics 2', prefix = '1 2 3 4'"


def upgrade() -> None:
    op.execute("ALTER TABLE lead_search RENAME TO lead_search_old")
    op.execute(f"CREATE VIRTUAL TABLE lead_search USING fts5(name, address, contact, ids, phones, custom, {_OPTIONS})")
    op.execute("INSERT INTO lead_search (rowid, name, address, contact, ids, phones, custom) "
               "SELECT rowid, name, address, contact, ids, phones, '' FROM lead_search_old")
    op.execute("DROP TABLE lead_search_old")


def downgrade() -> None:
    op.execute("ALTER TABLE lead_search RENAME TO lead_search_new")
    op.execute(f"CREATE VIRTUAL TABLE lead_search USING fts5(name, address, contact, ids, phones, {_OPTIONS})")
    op.execute("INSERT INTO lead_search (rowid, name, address, contact, ids, phones) "
               "SELECT rowid, name, address, contact, ids, phones FROM lead_search_new")
    op.execute("DROP TABLE lead_search_new")
