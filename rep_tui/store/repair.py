"""`rep-tui repair`: every row that can still be read from a damaged local
store is copied into a fresh store — above all the outbox of changes not
yet sent — the damaged file is moved aside (renamed with the time, never
deleted), the fresh one takes its place, and the caller then syncs, which sends those changes and fetches the rest again.

Reading skips damaged pages: rows are read in rowid order, and where a read
fails the reader seeks past the damage and looks each row in between up by
itself, so one bad page costs the rows on it, not the table. A file whose 100-byte header
is damaged is read through a copy with a sound header (every rep-tui store
has the same page size and format). Only the copy is ever written."""

from __future__ import annotations

import shutil
import sqlite3
import tempfile
from contextlib import closing
from dataclasses import dataclass, field
from pathlib import Path

from rep_tui.clock import utcnow

#: Rebuilt from the leads after the copy (`search.rebuild_index`), never copied.
_NOT_COPIED = ("alembic_version", "search_keys", "lead_search")
_HEADER = 100
_LARGEST_ROWID = 2**63 - 1
#: Past a damaged page, rowids up to this far are looked up one by one; a wider gap is given up whole.
_LOOKUPS = 100_000


@dataclass
class Lost:
    """Rowids that could not be read in one table: (after, before) open ranges."""

    ranges: list[tuple[int, int | None]] = field(default_factory=list)

    def at_most(self) -> int | None:
        """How many rows at most were in the ranges (None when one runs to the end)."""
        if any(before is None for _after, before in self.ranges):
            return None
        return sum(before - after - 1 for after, before in self.ranges)


@dataclass
class RepairReport:
    moved_to: Path
    readable: bool = True
    header_rebuilt: bool = False
    kept_changes: int = 0
    kept_rows: int = 0
    lost: dict[str, Lost] = field(default_factory=dict)
    requeued: int = 0
    blobs_waiting: int = 0
    blobs_missing: int = 0

    def text(self, *, linked: bool) -> str:
        lines = [f"Moved the damaged store to {self.moved_to} (kept, not deleted)."]
        if not self.readable:
            lines.append("Nothing could be read from it: changes made on this device and not sent are lost"
                         + ("; the sync fetches everything else again." if linked else "."))
            return "\n".join(lines)
        if self.header_rebuilt:
            lines.append("Its first bytes (the header) were damaged: it was read through a copy with a sound one.")
        outbox = self.lost.get("outbox")
        unread = f"; {_count(outbox)} could not be read" if outbox else "; none was unreadable"
        lines.append(f"Kept {self.kept_changes} change(s) not yet sent{unread}.")
        if self.requeued:
            lines.append(f"Queued again {self.requeued} row(s) made on this device whose change could not be "
                         "read (the row itself could).")
        if self.blobs_waiting or self.blobs_missing:
            lines.append(f"Attachments not yet uploaded: {self.blobs_waiting} file(s) kept"
                         + (f", {self.blobs_missing} missing from the blobs folder." if self.blobs_missing else "."))
        damaged = sorted(table for table in self.lost if table != "outbox")
        lines.append(f"Kept {self.kept_rows:,} other row(s)."
                     + (f" Unreadable rows in: {', '.join(f'{t} ({_count(self.lost[t])})' for t in damaged)}"
                        + ("; the sync fetches the server's again." if linked else "; they are lost (this device "
                           "is not linked to a server).") if damaged else ""))
        return "\n".join(lines)


def _count(lost: Lost) -> str:
    most = lost.at_most()
    return "an unknown number" if most is None else f"up to {most}"


def repair(path: Path, blobs_dir: Path, *, signed_in_as: str | None) -> RepairReport:
    """Build a fresh store from what can be read of the one at `path`, then
    move the damaged one aside and put the fresh one in its place. On a
    device signed in to a server (`signed_in_as` its user id, from the saved
    credentials), rows made here whose change was lost with the outbox are
    queued again. The caller holds the instance lock and syncs afterwards.
    Should anything fail (a full disk), the damaged store is left where it
    was, untouched."""
    report = RepairReport(_aside_name(path))
    with tempfile.TemporaryDirectory(prefix="repair-", dir=path.parent) as scratch:
        copy, fresh = Path(scratch) / "copy.sqlite3", Path(scratch) / "fresh.sqlite3"
        for suffix in ("", "-wal"):
            if Path(f"{path}{suffix}").exists():
                shutil.copyfile(f"{path}{suffix}", f"{copy}{suffix}")
        tables = _readable_tables(copy, report)
        _build_fresh(fresh, copy, tables, report, signed_in_as)
        if signed_in_as and report.readable:
            _queue_orphans(fresh, report)
        _count_blobs(fresh, blobs_dir, report)
        for suffix in ("", "-wal", "-shm"):
            if Path(f"{path}{suffix}").exists():
                Path(f"{path}{suffix}").rename(f"{report.moved_to}{suffix}")
        for suffix in ("", "-wal"):  # closed, so SQLite folded its WAL in; moved too should one be left
            if Path(f"{fresh}{suffix}").exists():
                Path(f"{fresh}{suffix}").rename(f"{path}{suffix}")
    return report


def _aside_name(path: Path) -> Path:
    """`STORE.damaged-YYYYmmdd-HHMMSS`, numbered when that name is taken."""
    stem = f"{path.name}.damaged-{utcnow():%Y%m%d-%H%M%S}"
    name, number = stem, 1
    while path.with_name(name).exists():
        number += 1
        name = f"{stem}-{number}"
    return path.with_name(name)


def _readable_tables(copy: Path, report: RepairReport) -> list[str]:
    """The tables the copy's schema names; rebuilds its header when that is what is damaged."""
    try:
        return _table_names(copy)
    except sqlite3.DatabaseError:
        pass
    _write_sound_header(copy)
    try:
        names = _table_names(copy)
    except sqlite3.DatabaseError:
        report.readable = False
        return []
    report.header_rebuilt = True
    return names


def _table_names(db: Path) -> list[str]:
    with closing(_connect(db)) as conn:
        return [name for (name,) in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")]


def _connect(db: Path) -> sqlite3.Connection:
    conn = sqlite3.connect(db, isolation_level=None)
    conn.execute("PRAGMA writable_schema = ON")  # read past a schema entry that no longer parses
    return conn


def _write_sound_header(copy: Path) -> None:
    """Overwrite the copy's header with one every rep-tui store shares (4 KiB
    pages, WAL, UTF-8). The page count is left for SQLite to take from the
    file size (the change counter and its "valid for" differ)."""
    with tempfile.TemporaryDirectory() as scratch:
        template = Path(scratch) / "t.sqlite3"
        with closing(sqlite3.connect(template)) as conn:
            conn.execute("PRAGMA journal_mode=WAL")
            conn.execute("CREATE TABLE t (x)")
            conn.commit()
        header = bytearray(template.read_bytes()[:_HEADER])
    header[24:28] = (1).to_bytes(4, "big")  # file change counter
    header[92:96] = (0).to_bytes(4, "big")  # "version valid for": stale, so the size comes from the file
    header[32:40] = bytes(8)  # no free-list
    with open(copy, "r+b") as fh:
        fh.write(header)


def _build_fresh(path: Path, copy: Path, tables: list[str], report: RepairReport, signed_in_as: str | None) -> None:
    """Make a fresh store at `path` (migrated) and copy every readable row into it."""
    from rep_tui.store import search
    from rep_tui.store.db import Store
    from rep_tui.sync import state

    Store(path).close()
    wanted = [t for t in tables if not t.startswith(_NOT_COPIED)]
    with closing(_connect(copy)) as old, closing(sqlite3.connect(path, isolation_level=None)) as new:
        new.execute("PRAGMA foreign_keys = OFF")  # parents may be the rows that were lost
        new.execute("BEGIN")
        fresh = {name for (name,) in new.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
        for table in wanted:
            if table not in fresh:
                continue
            columns = _shared_columns(old, new, table)
            rows, lost = _read_rows(old, table, columns)
            if lost.ranges:
                report.lost[table] = lost
            if rows:
                marks = ", ".join("?" * len(columns))
                names = ", ".join(f'"{c}"' for c in columns)
                new.executemany(f'INSERT OR IGNORE INTO "{table}" ({names}) VALUES ({marks})', rows)
            if table == "outbox":
                report.kept_changes = sum(1 for row in rows if row[columns.index("state")] == "pending")
            else:
                report.kept_rows += len(rows)
        # Pull everything again: rows lost here come back, rows the server dropped leave.
        new.execute("INSERT OR REPLACE INTO local_settings (key, value) VALUES (?, '0')", (state.CURSOR,))
        if signed_in_as:  # its user row comes with the sync
            new.execute("INSERT OR IGNORE INTO local_settings (key, value) VALUES ('current_user', ?)",
                        (signed_in_as,))
        new.execute("COMMIT")
    store = Store(path)
    try:
        with store.session() as session:
            search.rebuild_index(session.connection())
    finally:
        store.close()


def _shared_columns(old: sqlite3.Connection, new: sqlite3.Connection, table: str) -> list[str]:
    fresh = [row[1] for row in new.execute(f'PRAGMA table_info("{table}")')]
    try:
        before = {row[1] for row in old.execute(f'PRAGMA table_info("{table}")')}
    except sqlite3.DatabaseError:
        return fresh
    return [c for c in fresh if c in before]


def _read_rows(conn: sqlite3.Connection, table: str, columns: list[str]) -> tuple[list[tuple], Lost]:
    """Every row of `table` that can be read, in rowid order, and the rowid
    ranges that could not: read in order until a read fails, seek past the
    damage, look each rowid in between up by itself (a lookup goes straight
    to its page, so only rows on damaged pages are lost), and read on."""
    names = ", ".join(f'"{c}"' for c in columns)
    rows: list[tuple] = []
    lost = Lost()
    after = 0  # SQLite numbers rows from 1
    while True:
        try:
            for rowid, *values in conn.execute(f'SELECT rowid, {names} FROM "{table}" WHERE rowid > ? '
                                               "ORDER BY rowid", (after,)):
                rows.append(tuple(values))
                after = rowid
            return rows, lost
        except sqlite3.DatabaseError:
            resume = _next_readable(conn, table, after)
            if resume is None or resume - after > _LOOKUPS:
                lost.ranges.append((after, resume))
                if resume is None:
                    return rows, lost
                after = resume - 1
                continue
            failed: list[int] = []
            for rowid in range(after + 1, resume + 1):
                try:
                    found = conn.execute(f'SELECT {names} FROM "{table}" WHERE rowid = ?', (rowid,)).fetchone()
                except sqlite3.DatabaseError:
                    failed.append(rowid)
                    continue
                if found is not None:
                    rows.append(tuple(found))
            lost.ranges += [(rowid - 1, rowid + 1) for rowid in failed]
            after = resume


def _next_readable(conn: sqlite3.Connection, table: str, after: int) -> int | None:
    """The first rowid above `after` whose page can be read, past a damaged
    one: gallop forward until a seek succeeds, then narrow down."""

    def seek(rowid: int) -> int | None | bool:
        """The first rowid >= `rowid`; None past the end; False when the seek hits damage."""
        try:
            found = conn.execute(f'SELECT rowid FROM "{table}" WHERE rowid >= ? ORDER BY rowid LIMIT 1',
                                 (rowid,)).fetchone()
        except sqlite3.DatabaseError:
            return False
        return None if found is None else found[0]

    bad, step = after, 1
    while True:
        probe = min(after + step, _LARGEST_ROWID)
        found = seek(probe)
        if found is not False:
            break
        bad = probe
        if probe == _LARGEST_ROWID:
            return None
        step *= 2
    good, result = probe, found
    while good - bad > 1:  # the smallest seek that succeeds
        middle = (bad + good) // 2
        found = seek(middle)
        if found is False:
            bad = middle
        else:
            good, result = middle, found
    return result


def _queue_orphans(path: Path, report: RepairReport) -> None:
    """Rows made on this device (no server version yet) whose outbox entry
    could not be read: their insert is queued again from the row itself."""
    from sqlalchemy import select

    from rep_tui.store.client_models import OutboxEntry
    from rep_tui.store.db import Store
    from rep_tui.store.models import SYNCED_TABLES
    from rep_tui.store.serialize import row_fields
    from rep_tui.sync.tables import ORDERED

    store = Store(path)
    try:
        with store.session() as session:
            queued = set(session.scalars(select(OutboxEntry.row_id)))
            for table in ORDERED:
                model = SYNCED_TABLES[table]
                for row in session.scalars(select(model).where(model.version == 0)):
                    if row.id not in queued:
                        session.add(OutboxEntry(table_name=table, row_id=row.id, op="insert",
                                                fields={k: [None, v] for k, v in row_fields(row).items()}))
                        report.requeued += 1
    finally:
        store.close()


def _count_blobs(path: Path, blobs_dir: Path, report: RepairReport) -> None:
    """Attachment files the kept changes still have to upload: present, or missing."""
    import json

    from rep_tui.blobs import BlobStore, is_name

    with closing(sqlite3.connect(path)) as conn:
        rows = conn.execute("SELECT fields FROM outbox WHERE state = 'pending' AND table_name = 'attachments' "
                            "AND op = 'insert'").fetchall()
    for (fields,) in rows:
        sha = (json.loads(fields).get("sha256") or [None, None])[1]
        if is_name(sha):
            if BlobStore(blobs_dir).exists(sha):
                report.blobs_waiting += 1
            else:
                report.blobs_missing += 1


def is_damaged(path: Path) -> bool:
    """Whether SQLite's quick check finds the store at `path` damaged (a
    store that cannot be opened for another reason raises its StoreProblem)."""
    from rep_tui.store.health import diagnose

    try:
        with closing(sqlite3.connect(f"file:{path}?mode=ro", uri=True)) as conn:
            return conn.execute("PRAGMA quick_check").fetchall() != [("ok",)]
    except sqlite3.Error as exc:
        problem = diagnose(exc, path)
        if problem is not None and problem.kind != "damaged":
            raise problem from None
        return True
