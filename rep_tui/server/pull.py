"""Changes after a cursor, for the rows a user may see, in pages.

The page is bounded above by the counter value read first: every version at
or below it was committed with it (versions are handed out under one lock),
so nothing below the returned cursor can still appear later. Removals are
tombstones (deleted rows the device may have had) and leads that left the
user (reassigned), each removing the lead's whole tree on the device.
Change records of the same version range made elsewhere ride along, so the
rep sees who changed their leads."""

from __future__ import annotations

import logging
import uuid
from datetime import timedelta
from functools import lru_cache
from typing import Any, Sequence

import pydantic_core
from pydantic_core import to_json
from sqlalchemy import (Connection, Engine, Row, Select, Text, bindparam, cast, func, literal, literal_column, select,
                        tuple_, union_all)

from rep_tui.clock import utcnow
from rep_tui.server import scoping
from rep_tui.server.auth import Principal
from rep_tui.server.db import current_version
from rep_tui.server.models import ClientSequence, RowBirth, ScopeExit
from rep_tui.store.models import SYNCED_TABLES, ChangeRecord, Lead
from rep_tui.sync.codec import encode_rows, json_column_keys, pg_json_columns, wire_columns
from rep_tui.sync.protocol import HistoryEntry, PullPage, Removal
from rep_tui.sync.tables import ORDERED

log = logging.getLogger(__name__)
MAX_PAGE = 5000
#: A device pulling from scratch gets this much of its leads' history: enough
#: for "who changed this lately" without making the first sync carry years.
FIRST_SYNC_HISTORY = timedelta(days=90)
#: A row whose JSON columns hold more text than this is parsed once before it
#: goes out as PostgreSQL wrote it: JSON nested too deep for the device's
#: parser needs two brackets per level, and every other row skips the check.
CHECK_JSON_OVER = 256


def _scoped(stmt, table: str, user: Principal):
    clause = scoping.row_filter(table, user)
    return stmt if clause is None else stmt.where(clause)


def _changes(conn: Connection, user: Principal, after: int, upto: int, limit: int) -> Sequence[Row]:
    """The first `limit + 1` visible changes after `after` as (version,
    table), "" standing for a lead that left the user: one index-only query."""
    params = {"after": after, "upto": upto, "limit": limit + 1, "user_id": user.id, "team_id": user.team_id}
    return conn.execute(_changes_query(user.role, scoping.withheld(user), scoping.sees_unassigned(user)),
                        params).all()


@lru_cache(maxsize=None)
def _changes_query(role: str, withheld: frozenset[str], unassigned: bool) -> Select:
    """`_changes` for every user of a role who may not see `withheld` tables
    and sees unassigned leads or not (building it costs more than running it)."""
    after, upto, limit, user_id = bindparam("after"), bindparam("upto"), bindparam("limit"), bindparam("user_id")
    parts = []
    for table in (t for t in ORDERED if t not in withheld):
        t = SYNCED_TABLES[table].__table__  # type: ignore[attr-defined]
        stmt = select(t.c.version, literal(table).label("t")).where(t.c.version > after, t.c.version <= upto)
        clause = scoping.role_filter(table, role, user_id, bindparam("team_id"), unassigned)
        stmt = stmt if clause is None else stmt.where(clause)
        parts.append(stmt.order_by(t.c.version).limit(limit).subquery().select())
    exits = _exits(role, user_id, after, upto)
    if exits is not None:
        sub = exits.limit(limit).subquery()
        parts.append(select(sub.c.version, literal("").label("t")))
    merged = union_all(*parts).subquery()
    return select(merged).order_by(merged.c.version).limit(limit)


def _rows(conn: Connection, user: Principal, table: str, after: int, upto: int) -> list:
    t = SYNCED_TABLES[table].__table__  # type: ignore[attr-defined]
    stmt = select(*wire_columns(table, conn.dialect.name)).where(t.c.version > after, t.c.version <= upto)
    return conn.execute(_scoped(stmt, table, user)).all()


def _json_rows(conn: Connection, user: Principal, table: str, after: int, upto: int) -> list:
    """On PostgreSQL: (id, deleted, the row as the JSON `encode_row` gives,
    length of its JSON columns' text), the JSON written by the database."""
    t = SYNCED_TABLES[table].__table__  # type: ignore[attr-defined]
    made = select(*pg_json_columns(table)).where(t.c.version > after, t.c.version <= upto)
    w = _scoped(made, table, user).subquery("w")
    json_size = sum((func.coalesce(func.length(cast(w.c[key], Text)), 0) for key in json_column_keys(table)),
                    literal(0))
    return conn.execute(select(w.c.id, w.c.deleted, cast(func.row_to_json(literal_column("w")), Text),
                               json_size)).all()


def _parses(table: str, row_id: str, text: str) -> bool:
    try:
        pydantic_core.from_json(text)
    except ValueError as exc:
        log.error("%s row %s cannot be sent and was left out: %s", table, row_id, exc)
        return False
    return True


def _exits(role: str, user_id: Any, after: Any, upto: Any):
    """Leads the user stopped seeing (admins see all, always)."""
    if role == "admin":
        return None
    return (select(ScopeExit.version, ScopeExit.lead_id)
            .where(ScopeExit.version > after, ScopeExit.version <= upto, ScopeExit.user_id == user_id)
            .order_by(ScopeExit.version))


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


def _history(conn: Connection, user: Principal, after: int, end: int, client_id: str) -> list[HistoryEntry]:
    """Edits in (after, end] to live leads the user sees now, made by anyone but
    this device (which recorded its own); conflicts stay with the device that lost."""
    cols = [getattr(ChangeRecord, name) for name in HistoryEntry.model_fields]
    leads = _scoped(select(Lead.id).where(Lead.deleted.is_(False)), "leads", user)
    stmt = select(*cols).where(
        ChangeRecord.version > after, ChangeRecord.version <= end, ChangeRecord.kind == "edit",
        ChangeRecord.lead_id.in_(leads),
        (ChangeRecord.device_id != client_id) | ChangeRecord.device_id.is_(None),
        ChangeRecord.table_name.not_in(scoping.withheld(user) or [""]),
    )
    if after == 0:
        stmt = stmt.where(ChangeRecord.at >= utcnow() - FIRST_SYNC_HISTORY)
    rows = conn.execute(stmt.order_by(ChangeRecord.version)).mappings()
    return [HistoryEntry.model_validate(dict(row)) for row in rows]


def page_json(page: PullPage) -> str:
    """The page as JSON. A row that cannot be encoded (one written straight
    into the database, say, nested deeper than JSON encoders go) is logged and
    left out, so one bad row cannot stop a team's pulls or a new device's
    first sync; the check costs nothing while every row is fine."""
    try:
        return page.model_dump_json()
    except (ValueError, RecursionError):  # PydanticSerializationError is a ValueError
        pass
    for table, rows in page.upserts.items():
        page.upserts[table] = [row for row in rows if _encodes(table, row)]
    page.history = [entry for entry in page.history if _encodes("change_history", entry)]
    return page.model_dump_json()


def pull_json(engine: Engine, user: Principal, after: int, client_id: str, limit: int = 2000) -> str:
    """`page_json(pull(...))`, the pull route's answer. On PostgreSQL the
    database writes each row's JSON and the rows are joined as text: the
    server's Python no longer builds, converts and serializes every value of
    an initial sync's hundred thousand rows."""
    if engine.dialect.name != "postgresql":
        return page_json(pull(engine, user, after, client_id, limit))
    page, texts = _page(engine, user, after, client_id, limit, as_json=True)
    # The page's own upserts are empty: the rows' texts go in their place (the
    # first occurrence is the field; a string value cannot hold an unescaped quote).
    head = page_json(page)
    upserts = ",".join(f'"{table}":[{",".join(rows)}]' for table, rows in texts.items())
    return head.replace('"upserts":{}', f'"upserts":{{{upserts}}}', 1)


def _encodes(table: str, row: Any) -> bool:
    try:
        to_json(row)
    except (ValueError, RecursionError) as exc:
        row_id = row.get("id") if isinstance(row, dict) else getattr(row, "id", None)
        log.error("%s row %s cannot be sent and was left out of a pull: %s", table, row_id, exc)
        return False
    return True


def pull(engine: Engine, user: Principal, after: int, client_id: str, limit: int = 2000) -> PullPage:
    return _page(engine, user, after, client_id, limit, as_json=False)[0]


def _page(engine: Engine, user: Principal, after: int, client_id: str, limit: int,
          as_json: bool) -> tuple[PullPage, dict[str, list[str]]]:
    """The page; with `as_json` (PostgreSQL only) its rows come apart, as the
    JSON texts of each table's rows."""
    texts: dict[str, list[str]] = {}
    limit = max(1, min(limit, MAX_PAGE))
    with engine.connect() as conn:
        upto = current_version(conn)
        last_seq = conn.execute(select(ClientSequence.last_seq).where(
            ClientSequence.user_id == user.id, ClientSequence.client_id == client_id)).scalar() or 0
        if after > upto:
            return PullPage(cursor=0, reset=True, last_seq=last_seq), texts
        changes = _changes(conn, user, after, upto, limit)
        more = len(changes) > limit
        end = changes[limit - 1][0] if more else upto
        present = {table for version, table in changes if version <= end}
        upserts: dict[str, list[dict[str, Any]]] = {}
        removals = []
        deleted: list[tuple[str, uuid.UUID]] = []
        for table in (t for t in ORDERED if t in present):
            if as_json:
                rows = _json_rows(conn, user, table, after, end)
                deleted += [(table, uuid.UUID(row_id)) for row_id, gone, _text, _size in rows if gone]
                texts[table] = [text for row_id, gone, text, size in rows
                                if not gone and (size <= CHECK_JSON_OVER or _parses(table, row_id, text))]
                continue
            rows = _rows(conn, user, table, after, end)
            deleted += [(table, uuid.UUID(str(row.id))) for row in rows if row.deleted]  # text on PostgreSQL
            live = encode_rows(table, [row for row in rows if not row.deleted], conn.dialect.name)
            if live:
                upserts[table] = live
        skip = set(deleted) if after == 0 else _unknown_to_device(conn, deleted, after, client_id)
        removals += [Removal(table=table, id=row_id, reason="deleted") for table, row_id in deleted
                     if (table, row_id) not in skip]
        exits = _exits(user.role, user.id, after, end) if "" in present else None
        for _version, lead_id in conn.execute(exits) if exits is not None else ():
            if not scoping.may_see_lead(conn, user, lead_id):
                removals.append(Removal(table="leads", id=lead_id, reason="out_of_scope"))
        history = _history(conn, user, after, end, client_id) if end > after else []
    return PullPage.model_construct(cursor=end, more=more, reset=False, last_seq=last_seq, upserts=upserts,
                                    removals=removals, history=history), {t: rows for t, rows in texts.items() if rows}
