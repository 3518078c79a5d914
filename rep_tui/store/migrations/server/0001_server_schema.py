"""server schema: the server's own tables (passwords, tokens, sequences, the version counter, ...)

The server half of the old server 0001 migration.

Revision ID: server_0001
Revises:
Create Date: 2026-11-26
"""
from alembic import op
import sqlalchemy as sa
import rep_tui.store.types


revision = 'server_0001'
down_revision = None
branch_labels = ('server',)
depends_on = 'domain_0001'


def upgrade() -> None:
    op.create_table('server_client_sequences',
    sa.Column('user_id', sa.Uuid(), nullable=False),
    sa.Column('client_id', sa.String(length=64), nullable=False),
    sa.Column('last_seq', sa.BigInteger(), nullable=False),
    sa.Column('updated_at', rep_tui.store.types.UTCDateTime(), nullable=False),
    sa.PrimaryKeyConstraint('user_id', 'client_id', name=op.f('pk_server_client_sequences'))
    )
    op.create_table('server_counter',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('value', sa.BigInteger(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_server_counter'))
    )
    op.create_table('server_login_failures',
    sa.Column('key', sa.String(length=200), nullable=False),
    sa.Column('failures', sa.Integer(), nullable=False),
    sa.Column('last_at', rep_tui.store.types.UTCDateTime(), nullable=False),
    sa.Column('locked_until', rep_tui.store.types.UTCDateTime(), nullable=True),
    sa.PrimaryKeyConstraint('key', name=op.f('pk_server_login_failures'))
    )
    op.create_table('server_passwords',
    sa.Column('user_id', sa.Uuid(), nullable=False),
    sa.Column('hash', sa.String(length=200), nullable=False),
    sa.Column('updated_at', rep_tui.store.types.UTCDateTime(), nullable=False),
    sa.PrimaryKeyConstraint('user_id', name=op.f('pk_server_passwords'))
    )
    op.create_table('server_row_births',
    sa.Column('table_name', sa.String(length=40), nullable=False),
    sa.Column('row_id', sa.Uuid(), nullable=False),
    sa.Column('version', sa.BigInteger(), nullable=False),
    sa.Column('client_id', sa.String(length=64), nullable=True),
    sa.PrimaryKeyConstraint('table_name', 'row_id', name=op.f('pk_server_row_births'))
    )
    op.create_table('server_scope_exits',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('version', sa.BigInteger(), nullable=False),
    sa.Column('lead_id', sa.Uuid(), nullable=False),
    sa.Column('user_id', sa.Uuid(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_server_scope_exits'))
    )
    with op.batch_alter_table('server_scope_exits', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_server_scope_exits_user_id'), ['user_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_server_scope_exits_version'), ['version'], unique=False)

    op.create_table('server_tokens',
    sa.Column('token_hash', sa.String(length=64), nullable=False),
    sa.Column('user_id', sa.Uuid(), nullable=False),
    sa.Column('created_at', rep_tui.store.types.UTCDateTime(), nullable=False),
    sa.Column('expires_at', rep_tui.store.types.UTCDateTime(), nullable=False),
    sa.Column('revoked_at', rep_tui.store.types.UTCDateTime(), nullable=True),
    sa.PrimaryKeyConstraint('token_hash', name=op.f('pk_server_tokens'))
    )
    with op.batch_alter_table('server_tokens', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_server_tokens_user_id'), ['user_id'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('server_tokens', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_server_tokens_user_id'))

    op.drop_table('server_tokens')
    with op.batch_alter_table('server_scope_exits', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_server_scope_exits_version'))
        batch_op.drop_index(batch_op.f('ix_server_scope_exits_user_id'))

    op.drop_table('server_scope_exits')
    op.drop_table('server_row_births')
    op.drop_table('server_passwords')
    op.drop_table('server_login_failures')
    op.drop_table('server_counter')
    op.drop_table('server_client_sequences')
