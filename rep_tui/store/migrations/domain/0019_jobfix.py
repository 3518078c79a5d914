"""the seeded Managers group gains write_notes and edit_vendors

Managers got office notes and the vendor directory by default after servers
in the field had seeded their Managers group, so those managers could do
neither. A Managers group that still grants what it was seeded with (the
defaults of before, with or without one of the two) gets both; one an admin
changed otherwise is theirs and stays as it is.

Only a server changes the row, with a new version from its counter, so
every device receives it on its next pull as any other change (a device
store has no counter and is left alone).

Revision ID: domain_jobfix
Revises: domain_custlist
Create Date: 2026-12-08 01:10:00
"""
from datetime import datetime, timezone

from alembic import op
import sqlalchemy as sa

import rep_tui.store.types


revision = 'domain_jobfix'
down_revision = 'domain_custlist'
branch_labels = None
depends_on = None

#: The seeded group's name and what it granted before (fixed here: later defaults must not change this step).
MANAGERS = "Managers"
SEEDED = frozenset({"see_payments", "edit_others_calendar", "reassign_leads", "set_targets", "see_commissions",
                    "export"})
ADDED = frozenset({"write_notes", "edit_vendors"})

groups = sa.table("user_groups", sa.column("id", sa.Uuid), sa.column("name", sa.String),
                  sa.column("permissions", sa.JSON), sa.column("deleted", sa.Boolean),
                  sa.column("version", sa.BigInteger), sa.column("updated_at", rep_tui.store.types.UTCDateTime))
counter = sa.table("server_counter", sa.column("id", sa.Integer), sa.column("value", sa.BigInteger))


def upgrade() -> None:
    conn = op.get_bind()
    if not sa.inspect(conn).has_table("server_counter"):
        return  # a device: the server's change arrives with the next pull
    seeded = [row.id for row in conn.execute(sa.select(groups.c.id, groups.c.permissions).where(
        groups.c.name == MANAGERS, groups.c.deleted.is_(False)))
        if SEEDED <= set(row.permissions) < SEEDED | ADDED]
    for group_id in seeded:
        conn.execute(counter.update().values(value=counter.c.value + 1))
        version = conn.execute(sa.select(sa.func.max(counter.c.value))).scalar_one()
        conn.execute(groups.update().where(groups.c.id == group_id).values(
            permissions=sorted(SEEDED | ADDED), version=version,
            updated_at=datetime.now(timezone.utc)))


def downgrade() -> None:
    pass  # what a manager may do is data now: an admin takes a permission back in the group editor
