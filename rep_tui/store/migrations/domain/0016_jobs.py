"""several jobs per lead: notes on a job; the office's list of job statuses

Revision ID: domain_jobs
Revises: domain_vendors
Create Date: 2026-12-07 21:40:00
"""
from alembic import op
import sqlalchemy as sa
import rep_tui.store.types


revision = 'domain_jobs'
down_revision = 'domain_vendors'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('notes', schema=None) as batch_op:
        batch_op.add_column(sa.Column('job_id', sa.Uuid(), nullable=True))
        batch_op.create_index(batch_op.f('ix_notes_job_id'), ['job_id'], unique=False)
        batch_op.create_foreign_key(batch_op.f('fk_notes_job_id_jobs'), 'jobs', ['job_id'], ['id'])
    op.create_table('job_statuses',
    sa.Column('code', sa.String(length=40), nullable=False),
    sa.Column('label', sa.String(length=40), nullable=False),
    sa.Column('counts_as_sold', sa.Boolean(), nullable=False),
    sa.Column('counts_as_installed', sa.Boolean(), nullable=False),
    sa.Column('counts_as_cancelled', sa.Boolean(), nullable=False),
    sa.Column('sort_order', sa.Integer(), nullable=False),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('version', sa.BigInteger(), nullable=False),
    sa.Column('deleted', sa.Boolean(), nullable=False),
    sa.Column('updated_at', rep_tui.store.types.UTCDateTime(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_job_statuses')),
    sa.UniqueConstraint('code', name=op.f('uq_job_statuses_code'))
    )
    with op.batch_alter_table('job_statuses', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_job_statuses_version'), ['version'], unique=False)


def downgrade() -> None:
    op.drop_table('job_statuses')
    with op.batch_alter_table('notes', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_notes_job_id_jobs'), type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_notes_job_id'))
        batch_op.drop_column('job_id')
