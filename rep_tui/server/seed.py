"""Putting rows into a server database without a device: users for the
admin, and a whole demo company copied from a client store, so the demo
runs on the real server and the app syncs it like any rep would."""

from __future__ import annotations

import shutil
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterable

from sqlalchemy import Engine, bindparam, create_engine, insert, select, text, update

from rep_tui.blobs import blob_path
from rep_tui.clock import utcnow
from rep_tui.server import auth
from rep_tui.server.db import dialect_insert, locked_versions, make_engine, migrate
from rep_tui.server.models import BlobUpload
from rep_tui.store.models import SYNCED_TABLES
from rep_tui.sync.tables import LEAD_CHILDREN, ORDERED

CHUNK = 2000


def _late_columns(table: str) -> list[str]:
    """Columns whose foreign key closes a cycle (teams.manager_id -> users):
    filled in after every table is in."""
    t = SYNCED_TABLES[table].__table__  # type: ignore[attr-defined]
    return [fk.parent.key for fk in t.foreign_keys if fk.constraint is not None and fk.constraint.use_alter]


def add_rows(engine: Engine, rows: dict[str, Iterable[dict[str, Any]]]) -> dict[str, int]:
    """Insert rows (column values, any tables) with fresh versions, parents first."""
    counts: dict[str, int] = {}
    late: list[tuple[str, str, list[dict]]] = []
    sent: set[tuple[str, uuid.UUID]] = set()  # attachments written here are the server's own: their blobs may be read
    with locked_versions(engine) as (conn, versions):
        for table in ORDERED:
            if table not in rows:
                continue
            t = SYNCED_TABLES[table].__table__  # type: ignore[attr-defined]
            deferred = _late_columns(table)
            batch: list[dict] = []
            counts[table] = 0
            for row in rows[table]:
                row = {**row, "version": versions.next(), "updated_at": row.get("updated_at") or utcnow()}
                if table == "attachments" and row.get("uploaded_by"):
                    sent.add((row["sha256"], row["uploaded_by"]))
                for column in deferred:
                    if row.get(column) is not None:
                        late.append((table, column, [{"_id": row["id"], "_v": row[column]}]))
                    row[column] = None
                batch.append(row)
                if len(batch) >= CHUNK:
                    conn.execute(insert(t), batch)
                    counts[table] += len(batch)
                    batch = []
            if batch:
                conn.execute(insert(t), batch)
                counts[table] += len(batch)
        for table, column, params in late:
            t = SYNCED_TABLES[table].__table__  # type: ignore[attr-defined]
            conn.execute(update(t).where(t.c.id == bindparam("_id")).values({column: bindparam("_v")}), params)
        if sent:
            conn.execute(dialect_insert(conn, BlobUpload).on_conflict_do_nothing(),
                         [{"sha256": sha, "user_id": user, "at": utcnow()} for sha, user in sent])
    if engine.dialect.name == "postgresql" and sum(counts.values()) >= CHUNK:
        with engine.connect() as conn:  # fresh statistics, or the planner guesses badly after a bulk load
            conn.execute(text("ANALYZE"))
            conn.commit()
    return counts


def create_user(engine: Engine, username: str, password: str, *, full_name: str | None = None, role: str = "rep",
                team_id: uuid.UUID | None = None, user_id: uuid.UUID | None = None) -> uuid.UUID:
    user_id = user_id or uuid.uuid4()
    add_rows(engine, {"users": [{"id": user_id, "username": username, "full_name": full_name or username,
                                 "role": role, "team_id": team_id}]})
    with engine.begin() as conn:
        auth.set_password(conn, user_id, password)
    return user_id


@dataclass(frozen=True)
class SeedReport:
    rows: dict[str, int]
    users: int

    def text(self) -> str:
        total = sum(self.rows.values())
        return f"{total:,} rows copied ({self.users} users, password set for all)."


def _copy_blobs(shas: Iterable[str], source: Path, target: Path) -> None:
    for sha in shas:
        src, dst = blob_path(source, sha), blob_path(target, sha)
        if src.exists() and not dst.exists():
            dst.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(src, dst)


def seed_from_store(client_db_path: Path, server_db_url: str, password: str = "demo", *,
                    client_blobs: Path | None = None, server_blobs: Path | None = None) -> SeedReport:
    """Copy a client store's domain rows (and, given both directories, its
    attachment blobs) into a new server database and give every user
    `password`. The server hands out fresh versions."""
    source = create_engine(f"sqlite:///{client_db_path}")
    target = make_engine(server_db_url)
    try:
        migrate(target)
        with source.connect() as conn:
            rows = {}
            for table in ORDERED:
                t = SYNCED_TABLES[table].__table__  # type: ignore[attr-defined]
                rows[table] = [dict(r) for r in conn.execute(select(t).order_by(t.c.version, t.c.id)).mappings()]
        # A device holds reminders given to its user on leads it does not see: not the office's to copy.
        leads = {row["id"] for row in rows["leads"]}
        for table in LEAD_CHILDREN:
            rows[table] = [row for row in rows[table] if row["lead_id"] in leads]
        counts = add_rows(target, rows)
        if client_blobs and server_blobs:
            _copy_blobs({row["sha256"] for row in rows["attachments"]}, client_blobs, server_blobs)
        hashed = auth.hash_password(password)  # one hash, many users: the demo's users share a password
        with target.begin() as conn:
            for user in rows["users"]:
                auth.set_password(conn, user["id"], hashed=hashed)
        return SeedReport(rows=counts, users=len(rows["users"]))
    finally:
        source.dispose()
        target.dispose()
