"""the vendor directory (contact types, vendors) and the installer checklist
(checklist items, each job's ticks)

Revision ID: domain_vendors
Revises: domain_shares
Create Date: 2026-12-07 21:09:29
"""
from alembic import op
import sqlalchemy as sa
import rep_tui.store.types


revision = 'domain_vendors'
down_revision = 'domain_shares'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('checklist_items',
    sa.Column('label', sa.String(length=120), nullable=False),
    sa.Column('sort_order', sa.Integer(), nullable=False),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('version', sa.BigInteger(), nullable=False),
    sa.Column('deleted', sa.Boolean(), nullable=False),
    sa.Column('updated_at', rep_tui.store.types.UTCDateTime(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_checklist_items'))
    )
    with op.batch_alter_table('checklist_items', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_checklist_items_version'), ['version'], unique=False)

    op.create_table('vendor_contact_types',
    sa.Column('code', sa.String(length=20), nullable=False),
    sa.Column('label', sa.String(length=60), nullable=False),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('version', sa.BigInteger(), nullable=False),
    sa.Column('deleted', sa.Boolean(), nullable=False),
    sa.Column('updated_at', rep_tui.store.types.UTCDateTime(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_vendor_contact_types')),
    sa.UniqueConstraint('code', name=op.f('uq_vendor_contact_types_code'))
    )
    with op.batch_alter_table('vendor_contact_types', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_vendor_contact_types_version'), ['version'], unique=False)

    op.create_table('vendors',
    sa.Column('company', sa.String(length=120), nullable=False),
    sa.Column('contact_name', sa.String(length=120), nullable=True),
    sa.Column('contact_type_id', sa.Uuid(), nullable=True),
    sa.Column('phone', sa.String(length=40), nullable=True),
    sa.Column('alt_phone', sa.String(length=40), nullable=True),
    sa.Column('email', sa.String(length=200), nullable=True),
    sa.Column('address', sa.String(length=300), nullable=True),
    sa.Column('note', sa.Text(), nullable=True),
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('version', sa.BigInteger(), nullable=False),
    sa.Column('deleted', sa.Boolean(), nullable=False),
    sa.Column('updated_at', rep_tui.store.types.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['contact_type_id'], ['vendor_contact_types.id'], name=op.f('fk_vendors_contact_type_id_vendor_contact_types')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_vendors'))
    )
    with op.batch_alter_table('vendors', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_vendors_contact_type_id'), ['contact_type_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_vendors_version'), ['version'], unique=False)

    op.create_table('job_checklist',
    sa.Column('job_id', sa.Uuid(), nullable=False),
    sa.Column('item_id', sa.Uuid(), nullable=False),
    sa.Column('done', sa.Boolean(), nullable=False),
    sa.Column('done_by_id', sa.Uuid(), nullable=True),
    sa.Column('done_at', rep_tui.store.types.UTCDateTime(), nullable=True),
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('version', sa.BigInteger(), nullable=False),
    sa.Column('deleted', sa.Boolean(), nullable=False),
    sa.Column('updated_at', rep_tui.store.types.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['done_by_id'], ['users.id'], name=op.f('fk_job_checklist_done_by_id_users')),
    sa.ForeignKeyConstraint(['item_id'], ['checklist_items.id'], name=op.f('fk_job_checklist_item_id_checklist_items')),
    sa.ForeignKeyConstraint(['job_id'], ['jobs.id'], name=op.f('fk_job_checklist_job_id_jobs')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_job_checklist')),
    sa.UniqueConstraint('job_id', 'item_id', name=op.f('uq_job_checklist_job_id'))
    )
    with op.batch_alter_table('job_checklist', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_job_checklist_job_id'), ['job_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_job_checklist_version'), ['version'], unique=False)


def downgrade() -> None:
    for table in ('job_checklist', 'vendors', 'vendor_contact_types', 'checklist_items'):
        op.drop_table(table)
