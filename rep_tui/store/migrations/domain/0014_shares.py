"""user associations on a job: rep, co-rep, installer, service tech, each with a commission share

Revision ID: domain_shares
Revises: domain_calendar
Create Date: 2026-12-07 21:20:00
"""
from alembic import op
import sqlalchemy as sa
import rep_tui.store.types


revision = 'domain_shares'
down_revision = 'domain_calendar'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('job_users',
    sa.Column('job_id', sa.Uuid(), nullable=False),
    sa.Column('user_id', sa.Uuid(), nullable=False),
    sa.Column('role', sa.String(length=16), nullable=False),
    sa.Column('share_pct', sa.Numeric(precision=5, scale=2), nullable=False),
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('version', sa.BigInteger(), nullable=False),
    sa.Column('deleted', sa.Boolean(), nullable=False),
    sa.Column('updated_at', rep_tui.store.types.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['job_id'], ['jobs.id'], name=op.f('fk_job_users_job_id_jobs')),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_job_users_user_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_job_users'))
    )
    with op.batch_alter_table('job_users', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_job_users_job_id'), ['job_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_job_users_user_id'), ['user_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_job_users_version'), ['version'], unique=False)


def downgrade() -> None:
    op.drop_table('job_users')
