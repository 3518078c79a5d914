"""targets: each rep's monthly sales, units and issued goals, set by their manager

One row per rep and month (the month's first day). Named for the helper that
wrote it (several 0007s were written at once); the lead re-chains them.

Revision ID: domain_reassign
Revises: domain_reminders
Create Date: 2026-12-07 18:22:00.967989
"""
from alembic import op
import sqlalchemy as sa
import rep_tui.store.types


revision = 'domain_reassign'
down_revision = 'domain_reminders'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('targets',
    sa.Column('rep_id', sa.Uuid(), nullable=False),
    sa.Column('month', sa.Date(), nullable=False),
    sa.Column('sales_cents', sa.BigInteger(), nullable=False),
    sa.Column('units', sa.Integer(), nullable=False),
    sa.Column('issued', sa.Integer(), nullable=False),
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('version', sa.BigInteger(), nullable=False),
    sa.Column('deleted', sa.Boolean(), nullable=False),
    sa.Column('updated_at', rep_tui.store.types.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['rep_id'], ['users.id'], name=op.f('fk_targets_rep_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_targets')),
    sa.UniqueConstraint('rep_id', 'month', name=op.f('uq_targets_rep_id'))
    )
    with op.batch_alter_table('targets', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_targets_rep_id'), ['rep_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_targets_version'), ['version'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('targets', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_targets_version'))
        batch_op.drop_index(batch_op.f('ix_targets_rep_id'))

    op.drop_table('targets')
