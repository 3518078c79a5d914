"""user groups: what each user may do is data an admin edits

A group grants a list of permissions (`domain/permissions.py`); a user's
group replaces their role's defaults, a user in no group keeps them.

Revision ID: domain_groups
Revises: domain_0006
Create Date: 2026-12-07 18:30:00
"""
from alembic import op
import sqlalchemy as sa

import rep_tui.store.types


revision = 'domain_groups'
down_revision = 'domain_0006'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'user_groups',
        sa.Column('name', sa.String(length=80), nullable=False),
        sa.Column('description', sa.String(length=200), nullable=True),
        sa.Column('permissions', sa.JSON(), nullable=False),
        sa.Column('id', sa.Uuid(), nullable=False),
        sa.Column('version', sa.BigInteger(), nullable=False),
        sa.Column('deleted', sa.Boolean(), nullable=False),
        sa.Column('updated_at', rep_tui.store.types.UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_user_groups')),
    )
    with op.batch_alter_table('user_groups', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_user_groups_version'), ['version'], unique=False)
    if op.get_bind().dialect.name == "sqlite":
        # In place: a batch copy of `users` would drop the table every lead refers to.
        op.execute("ALTER TABLE users ADD COLUMN group_id CHAR(32) "
                   "CONSTRAINT fk_users_group_id_user_groups REFERENCES user_groups (id)")
        return
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.add_column(sa.Column('group_id', sa.Uuid(), nullable=True))
        batch_op.create_foreign_key(batch_op.f('fk_users_group_id_user_groups'), 'user_groups', ['group_id'], ['id'])


def downgrade() -> None:
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_users_group_id_user_groups'), type_='foreignkey')
        batch_op.drop_column('group_id')
    with op.batch_alter_table('user_groups', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_user_groups_version'))
    op.drop_table('user_groups')
