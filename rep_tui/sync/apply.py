"""Applying pulled pages to the device's store.

Pages come in version order, not parent-before-child order, so a page is
applied with foreign-key checks off on its connection; the server's data is
consistent once every page is in. Local edits not yet pushed are laid back
over the server's rows, so a rep never sees their change flicker away, and
edits to rows that leave the device are kept in the quarantine table."""

from __future__ import annotations

import uuid
from collections import defaultdict
from contextlib import contextmanager
from functools import lru_cache
from typing import Iterable, Iterator

from sqlalchemy import Connection, delete, select, update
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from rep_tui.store import search
from rep_tui.store.client_models import OutboxEntry, QuarantinedChange
from rep_tui.store.db import Store
from rep_tui.store.models import SYNCED_TABLES, ChangeRecord
from rep_tui.store.serialize import SYNC_COLUMNS_EXCLUDED, column_type, from_json
from rep_tui.sync.codec import encode_row, sqlite_binders, sqlite_params
from rep_tui.sync.protocol import PullPage
from rep_tui.sync.tables import JOB_CHILDREN, LEAD_CHILDREN, ORDERED, SERVER_NUMBERS

Key = tuple[str, uuid.UUID]
#: Set while pages were applied without indexing their leads (a pull from
#: scratch, indexed in bulk at its end), so a pull cut off midway still ends
#: with a rebuild when it resumes.
INDEX_STALE = "sync.search_index_stale"
REASONS = {"deleted": "deleted on the server", "out_of_scope": "the lead is no longer assigned to you",
           "missing": "the server no longer has it"}


def _table(name: str):
    return SYNCED_TABLES[name].__table__  # type: ignore[attr-defined]


@contextmanager
def unchecked_session(store: Store) -> Iterator[Session]:
    """One transaction with foreign-key checks off on its connection."""
    with store.engine.connect() as conn:
        conn.exec_driver_sql("PRAGMA foreign_keys=OFF")
        conn.commit()
        try:
            with Session(bind=conn) as session, session.begin():
                yield session
        finally:
            conn.exec_driver_sql("PRAGMA foreign_keys=ON")
            conn.commit()


def _unsynced(session: Session, *states: str) -> dict[Key, list[OutboxEntry]]:
    """Outbox entries in these states, by row."""
    out: dict[Key, list[OutboxEntry]] = defaultdict(list)
    stmt = select(OutboxEntry).where(OutboxEntry.state.in_(states)).order_by(OutboxEntry.seq)
    for entry in session.scalars(stmt):
        out[(entry.table_name, entry.row_id)].append(entry)
    return out


def _ids(conn: Connection, table: str, where) -> list[uuid.UUID]:
    return list(conn.execute(select(_table(table).c.id).where(where)).scalars())


def _tree(conn: Connection, table: str, row_id: uuid.UUID) -> list[Key]:
    """The row and everything that goes with it: children first."""
    keys: list[Key] = []
    job_ids = [row_id] if table == "jobs" else []
    if table == "leads":
        job_ids = _ids(conn, "jobs", _table("jobs").c.lead_id == row_id)
        for child in LEAD_CHILDREN:
            keys += [(child, i) for i in _ids(conn, child, _table(child).c.lead_id == row_id)]
    if job_ids:
        for child in JOB_CHILDREN:
            keys += [(child, i) for i in _ids(conn, child, _table(child).c.job_id.in_(job_ids))]
    return keys + [(table, row_id)]


def _lead_of(conn: Connection, table: str, row: dict) -> uuid.UUID | None:
    if table == "leads":
        return row["id"]
    if "lead_id" in row:
        return row["lead_id"]
    if "job_id" in row:
        return conn.execute(select(_table("jobs").c.lead_id).where(_table("jobs").c.id == row["job_id"])).scalar()
    return None


def drop(session: Session, keys: Iterable[Key], reason: str, files: set[str] | None = None) -> set[uuid.UUID]:
    """Delete rows from the device, quarantining edits to them that the server
    has not taken (pending, or rejected because the row had left). Returns
    the leads touched; adds to `files` the SHA-256 of each attachment dropped
    with nothing kept (its file may go too: `unused_files`)."""
    unsynced = _unsynced(session, "pending", "rejected")
    conn = session.connection()
    leads: set[uuid.UUID] = set()
    for table, row_id in keys:
        t = _table(table)
        row = conn.execute(select(t).where(t.c.id == row_id)).mappings().first()
        if row is None:
            continue
        lead_id = _lead_of(conn, table, dict(row))
        if lead_id:
            leads.add(lead_id)
        edits = [e for e in unsynced.get((table, row_id), []) if e.op != "delete"]
        if edits:
            session.add(QuarantinedChange(
                table_name=table, row_id=row_id, lead_id=lead_id, reason=REASONS[reason],
                row=encode_row(table, row), changes=[{"seq": e.seq, "op": e.op, "fields": e.fields} for e in edits],
            ))
            for entry in edits:
                entry.state, entry.error = "quarantined", REASONS[reason]
        elif table == "attachments" and files is not None:
            files.add(row["sha256"])
        conn.execute(delete(t).where(t.c.id == row_id))
    return leads


@lru_cache(maxsize=None)
def upsert_sql(table: str) -> str:
    names = [name for name, _bind in sqlite_binders(table)]
    updates = ", ".join(f'"{n}" = excluded."{n}"' for n in names if n != "id")
    return (f'INSERT INTO {table} ({", ".join(chr(34) + n + chr(34) for n in names)}) '
            f'VALUES ({", ".join("?" * len(names))}) ON CONFLICT (id) DO UPDATE SET {updates}')


def prepare(page: PullPage) -> dict[str, list[tuple]]:
    """The page's rows as executemany parameters, by table. The sync engine
    calls this in the thread that fetches the next page, so the conversion
    runs while SQLite writes the previous page (which lets go of the GIL)."""
    return {table: sqlite_params(table, rows) for table, rows in page.upserts.items() if rows}


def _overlay(conn: Connection, table: str, entries: list[OutboxEntry]) -> None:
    """Lay unpushed local edits back over a row the server just sent."""
    model, t = SYNCED_TABLES[table], _table(table)
    for entry in entries:
        if entry.op == "delete":
            values = {"deleted": True}
        else:
            values = {name: from_json(column_type(model, name), pair[1]) for name, pair in entry.fields.items()
                      if name not in SYNC_COLUMNS_EXCLUDED and name != SERVER_NUMBERS.get(table)}
        if values:
            conn.execute(update(t).where(t.c.id == entry.row_id).values(**values))


def _add_history(conn: Connection, page: PullPage) -> None:
    """Other devices' and the office's changes, once each however often the page comes."""
    if page.history:
        rows = [entry.model_dump() for entry in page.history]
        conn.execute(sqlite_insert(ChangeRecord).on_conflict_do_nothing(index_elements=["id"]), rows)


def apply_page(store: Store, page: PullPage, *, reindex: bool, seen: set[tuple[str, str]] | None = None,
               params: dict[str, list[tuple]] | None = None, files: set[str] | None = None) -> None:
    """Apply one page and store its cursor, in one transaction; re-index the
    leads it touched if `reindex`, else mark the index stale. `seen` collects
    (table, id) of upserts; `params` is `prepare(page)` if made already;
    `files`, the SHA-256 of attachments removed."""
    from rep_tui.sync.state import CURSOR, set_int

    params = prepare(page) if params is None else params

    with unchecked_session(store) as session:
        conn = session.connection()
        touched: set[uuid.UUID] = set()
        for removal in page.removals:
            touched |= drop(session, _tree(conn, removal.table, removal.id), removal.reason, files)
        pending = _unsynced(session, "pending")
        for table in ORDERED:
            rows = page.upserts.get(table)
            if not rows:
                continue
            conn.exec_driver_sql(upsert_sql(table), params[table])
            if seen is not None:
                seen.update((table, row["id"]) for row in rows)
            mine = {str(key[1]) for key in pending if key[0] == table}
            for row in rows:
                if row["id"] in mine:
                    _overlay(conn, table, pending[(table, uuid.UUID(row["id"]))])
            if reindex and table in ("leads", "jobs"):
                touched |= {uuid.UUID(row["id" if table == "leads" else "lead_id"]) for row in rows}
        _add_history(conn, page)
        if reindex and page.upserts.get("custom_fields"):  # which values are searched may have changed
            search.rebuild_index(conn)
        elif reindex and touched:
            search.index_leads(session, touched)
        if not reindex:
            set_int(session, INDEX_STALE, 1)
        set_int(session, CURSOR, page.cursor)


def unused_files(store: Store, files: set[str]) -> set[str]:
    """Of these attachment files, those no attachment row on the device names
    any more, nor a quarantined change (a lead reassigned away: its pictures
    and contracts leave the device with it)."""
    if not files:
        return set()
    attachments = _table("attachments")
    with store.engine.connect() as conn:
        named = set(conn.execute(select(attachments.c.sha256).where(attachments.c.sha256.in_(files))).scalars())
        held = conn.execute(select(QuarantinedChange.row).where(QuarantinedChange.table_name == "attachments"))
        named |= {row.get("sha256") for row in held.scalars()}
    return files - named


def holds_server_rows(store: Store) -> bool:
    """Whether the device has any row a pull brought (those carry a version)."""
    with store.engine.connect() as conn:
        return any(conn.execute(select(_table(table).c.id).where(_table(table).c.version > 0).limit(1)).first()
                   for table in ORDERED)


def drop_unseen(store: Store, seen: set[tuple[str, str]]) -> int:
    """After a pull from cursor 0: rows the device had from the server that
    the server no longer sent are gone (or not ours any more)."""
    dropped = 0
    with unchecked_session(store) as session:
        conn = session.connection()
        leads: set[uuid.UUID] = set()
        for table in reversed(ORDERED):
            t = _table(table)
            gone = [(table, i) for i in _ids(conn, table, t.c.version > 0) if (table, str(i)) not in seen]
            leads |= drop(session, gone, "missing")
            dropped += len(gone)
        if leads:
            search.index_leads(session, leads)
    return dropped
