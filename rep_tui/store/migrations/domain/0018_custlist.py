"""the customer list's orders: an index per sort column (with the id that breaks ties)

A page of the office's customer list is read by keyset in one of these
orders; without an index each page sorted every lead (0.1-0.7 s at 100,000
leads, `bench/customer_list.py`), with one it reads 100 index entries.
The nullable columns are indexed as coalesce(column, '') (or 0), the very
expression `store.customer_list.SORTS` orders by.

Revision ID: domain_custlist
Revises: domain_datasearch
Create Date: 2026-12-08 00:30:00
"""
from alembic import op
import sqlalchemy as sa


revision = 'domain_custlist'
down_revision = 'domain_datasearch'
branch_labels = None
depends_on = None

INDEXES = {
    'ix_leads_created_sort': ['created_at', 'id'],
    'ix_leads_city_sort': [sa.text("coalesce(city, '')"), 'id'],
    'ix_leads_zip_sort': [sa.text("coalesce(zip, '')"), 'id'],
    'ix_leads_pid_sort': [sa.text('coalesce(pid, 0)'), 'id'],
}


def upgrade() -> None:
    for name, columns in INDEXES.items():
        op.create_index(name, 'leads', columns, unique=False)


def downgrade() -> None:
    for name in INDEXES:
        op.drop_index(name, table_name='leads')
