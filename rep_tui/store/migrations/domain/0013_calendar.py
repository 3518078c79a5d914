"""work hours: each user's hours per weekday ("8-18", or none for a day off)

One row per user, its id made from the user's. Named for the helper that
wrote it (several 0012s were written at once); the lead re-chains them.

Revision ID: domain_calendar
Revises: domain_webform
Create Date: 2026-12-07 21:20:00
"""
from alembic import op
import sqlalchemy as sa
import rep_tui.store.types


revision = 'domain_calendar'
down_revision = 'domain_webform'
branch_labels = None
depends_on = None

WEEKDAYS = ('mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun')


def upgrade() -> None:
    op.create_table('work_hours',
    sa.Column('user_id', sa.Uuid(), nullable=False),
    *(sa.Column(day, sa.String(length=5), nullable=True) for day in WEEKDAYS),
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('version', sa.BigInteger(), nullable=False),
    sa.Column('deleted', sa.Boolean(), nullable=False),
    sa.Column('updated_at', rep_tui.store.types.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_work_hours_user_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_work_hours')),
    sa.UniqueConstraint('user_id', name=op.f('uq_work_hours_user_id'))
    )
    with op.batch_alter_table('work_hours', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_work_hours_version'), ['version'], unique=False)


def downgrade() -> None:
    op.drop_table('work_hours')
