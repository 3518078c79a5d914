"""Changes after a cursor, for the rows a user may see, in pages.

The page is bounded above by the counter value read first: every version at
or below it was committed with it (versions are handed out under one lock),
so nothing below the returned cursor can still appear later. Removals are
tombstones (deleted rows the device may have had) and leads that left the
user (reassigned), each removing the lead's whole tree on the device."""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy import Connection, Engine, select, tuple_

from rep_tui.server import scoping
from rep_tui.server.auth import Principal
from rep_tui.server.db import current_version
from rep_tui.server.models import ClientSequence, RowBirth, ScopeExit
from rep_tui.store.models import SYNCED_TABLES
from rep_tui.sync.codec import encode_row
from rep_tui.sync.protocol import PullPage, Removal
from rep_tui.sync.tables import ORDERED

MAX_PAGE = 5000


def _changed_rows(conn: Connection, user: Principal, table: str, after: int, upto: int, limit: int):
    t = SYNCED_TABLES[table].__table__  # type: ignore[attr-defined]
    stmt = select(t).where(t.c.version > after, t.c.version <= upto)
    clause = scoping.row_filter(table, user)
    if clause is not None:
        stmt = stmt.where(clause)
    return [(row["version"], table, row) for row in conn.execute(stmt.order_by(t.c.version).limit(limit)).mappings()]


def _scope_exits(conn: Connection, user: Principal, after: int, upto: int, limit: int):
    reps = scoping.visible_reps(user)
    if reps is None:
        return []
    stmt = (select(ScopeExit.version, ScopeExit.lead_id)
            .where(ScopeExit.version > after, ScopeExit.version <= upto, ScopeExit.old_rep_id.in_(reps))
            .order_by(ScopeExit.version).limit(limit))
    return [(version, "", {"id": lead_id}) for version, lead_id in conn.execute(stmt)]


def _unknown_to_device(conn: Connection, deleted: list[tuple[str, uuid.UUID]], after: int, client_id: str) -> set:
    """Deleted rows this device never had: born after its cursor on another device."""
    if not deleted:
        return set()
    stmt = select(RowBirth.table_name, RowBirth.row_id).where(
        tuple_(RowBirth.table_name, RowBirth.row_id).in_(deleted),
        RowBirth.version > after,
        (RowBirth.client_id != client_id) | RowBirth.client_id.is_(None),
    )
    return {(table, row_id) for table, row_id in conn.execute(stmt)}


def pull(engine: Engine, user: Principal, after: int, client_id: str, limit: int = 2000) -> PullPage:
    limit = max(1, min(limit, MAX_PAGE))
    with engine.connect() as conn:
        upto = current_version(conn)
        last_seq = conn.execute(select(ClientSequence.last_seq).where(
            ClientSequence.user_id == user.id, ClientSequence.client_id == client_id)).scalar() or 0
        if after > upto:
            return PullPage(cursor=0, reset=True, last_seq=last_seq)
        sources = [_changed_rows(conn, user, table, after, upto, limit) for table in ORDERED]
        sources.append(_scope_exits(conn, user, after, upto, limit))
        merged = sorted((item for source in sources for item in source), key=lambda item: item[0])
        more = len(merged) > limit or any(len(source) == limit for source in sources)
        page = merged[:limit]
        cursor = page[-1][0] if more and page else upto
        deleted = [(table, row["id"]) for _v, table, row in page if table and row["deleted"]]
        skip = set(deleted) if after == 0 else _unknown_to_device(conn, deleted, after, client_id)
        upserts: dict[str, list[dict[str, Any]]] = {}
        removals = []
        for _version, table, row in page:
            if not table:
                if not scoping.may_see_lead(conn, user, row["id"]):
                    removals.append(Removal(table="leads", id=row["id"], reason="out_of_scope"))
            elif row["deleted"]:
                if (table, row["id"]) not in skip:
                    removals.append(Removal(table=table, id=row["id"], reason="deleted"))
            else:
                upserts.setdefault(table, []).append(encode_row(table, row))
    return PullPage(cursor=cursor, more=more, last_seq=last_seq, upserts=upserts, removals=removals)
