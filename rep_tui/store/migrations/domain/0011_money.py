"""money on the job: a note on each payment; the invoice item catalogue

Revision ID: domain_money
Revises: domain_customfields
Create Date: 2026-12-07 18:40:00
"""
from alembic import op
import sqlalchemy as sa
import rep_tui.store.types


revision = 'domain_money'
down_revision = 'domain_customfields'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('payments', schema=None) as batch_op:
        batch_op.add_column(sa.Column('note', sa.Text(), nullable=True))
    op.create_table('catalogue_items',
    sa.Column('sku', sa.String(length=40), nullable=False),
    sa.Column('name', sa.String(length=120), nullable=False),
    sa.Column('price_cents', sa.BigInteger(), nullable=False),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('version', sa.BigInteger(), nullable=False),
    sa.Column('deleted', sa.Boolean(), nullable=False),
    sa.Column('updated_at', rep_tui.store.types.UTCDateTime(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_catalogue_items')),
    sa.UniqueConstraint('sku', name=op.f('uq_catalogue_items_sku'))
    )
    with op.batch_alter_table('catalogue_items', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_catalogue_items_version'), ['version'], unique=False)


def downgrade() -> None:
    op.drop_table('catalogue_items')
    with op.batch_alter_table('payments', schema=None) as batch_op:
        batch_op.drop_column('note')
