"""teams.manager_id refers to users on PostgreSQL too

The first migration declared this foreign key with use_alter (teams and users
refer to each other), which SQLite writes into CREATE TABLE but PostgreSQL
leaves to an ALTER that op.create_table never runs: company servers had no
such key. NOT VALID: rows already there are not checked, so a server holding
a manager id that points nowhere still starts; every new write is checked.

Revision ID: domain_0006
Revises: domain_0005
Create Date: 2026-12-07 15:20:00
"""
from alembic import op


revision = 'domain_0006'
down_revision = 'domain_0005'
branch_labels = None
depends_on = None


def upgrade() -> None:
    if op.get_bind().dialect.name != "sqlite":
        op.create_foreign_key(op.f('fk_teams_manager_id_users'), 'teams', 'users', ['manager_id'], ['id'],
                              postgresql_not_valid=True)


def downgrade() -> None:
    if op.get_bind().dialect.name != "sqlite":
        op.drop_constraint(op.f('fk_teams_manager_id_users'), 'teams', type_='foreignkey')
