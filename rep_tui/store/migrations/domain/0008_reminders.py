"""reminders: dated to-dos on a lead, one row per assignee (see models.Reminder)

Revision ID: domain_reminders
Revises: domain_groups
Create Date: 2026-12-07 18:15:00
"""
from alembic import op
import sqlalchemy as sa
import rep_tui.store.types


revision = 'domain_reminders'
down_revision = 'domain_groups'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('reminders',
    sa.Column('group_id', sa.Uuid(), nullable=False),
    sa.Column('lead_id', sa.Uuid(), nullable=False),
    sa.Column('job_id', sa.Uuid(), nullable=True),
    sa.Column('engagement_id', sa.Uuid(), nullable=True),
    sa.Column('assignee_id', sa.Uuid(), nullable=False),
    sa.Column('due_on', sa.Date(), nullable=False),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('created_by_id', sa.Uuid(), nullable=True),
    sa.Column('done_at', rep_tui.store.types.UTCDateTime(), nullable=True),
    sa.Column('done_by_id', sa.Uuid(), nullable=True),
    sa.Column('lead_name', sa.String(length=160), nullable=True),
    sa.Column('lead_phone', sa.String(length=40), nullable=True),
    sa.Column('lead_address', sa.String(length=400), nullable=True),
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('version', sa.BigInteger(), nullable=False),
    sa.Column('deleted', sa.Boolean(), nullable=False),
    sa.Column('updated_at', rep_tui.store.types.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['assignee_id'], ['users.id'], name=op.f('fk_reminders_assignee_id_users')),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_reminders_created_by_id_users')),
    sa.ForeignKeyConstraint(['done_by_id'], ['users.id'], name=op.f('fk_reminders_done_by_id_users')),
    sa.ForeignKeyConstraint(['engagement_id'], ['engagements.id'], name=op.f('fk_reminders_engagement_id_engagements')),
    sa.ForeignKeyConstraint(['job_id'], ['jobs.id'], name=op.f('fk_reminders_job_id_jobs')),
    sa.ForeignKeyConstraint(['lead_id'], ['leads.id'], name=op.f('fk_reminders_lead_id_leads')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_reminders'))
    )
    with op.batch_alter_table('reminders', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_reminders_assignee_id'), ['assignee_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_reminders_due_on'), ['due_on'], unique=False)
        batch_op.create_index(batch_op.f('ix_reminders_engagement_id'), ['engagement_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_reminders_group_id'), ['group_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_reminders_lead_id'), ['lead_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_reminders_version'), ['version'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('reminders', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_reminders_version'))
        batch_op.drop_index(batch_op.f('ix_reminders_lead_id'))
        batch_op.drop_index(batch_op.f('ix_reminders_group_id'))
        batch_op.drop_index(batch_op.f('ix_reminders_engagement_id'))
        batch_op.drop_index(batch_op.f('ix_reminders_due_on'))
        batch_op.drop_index(batch_op.f('ix_reminders_assignee_id'))

    op.drop_table('reminders')
