"""The server's database: SQLite for one box, PostgreSQL for a company.

Migrations (the domain history shared with devices, and the server branch:
rep_tui/store/migrations) run on start. Versions come from the one counter
row, and whoever takes them holds its lock until commit, so versions are
committed in order on both backends and a pull of "after N" can never skip
a row. A push writes its rows first (with the PENDING placeholder) and takes
the lock only at its end, so pushes run side by side and queue only for
their last few statements."""

from __future__ import annotations

from contextlib import contextmanager
from pathlib import Path
from typing import Any, Iterator

from sqlalchemy import Connection, Engine, create_engine, event, select, update
from sqlalchemy.engine import make_url

from rep_tui.server.models import Counter
from rep_tui.store import migrations

COUNTER_ID = 1
#: The version of a row a running push wrote: pulls ask for versions above a
#: cursor ≥ 0, so it is never shipped, and the push replaces it before commit.
PENDING = -1


def _sqlite_connect(dbapi_conn, _record) -> None:
    # Let SQLAlchemy, not the driver, open transactions, so SAVEPOINTs work.
    dbapi_conn.isolation_level = None
    cur = dbapi_conn.cursor()
    cur.execute("PRAGMA journal_mode=WAL")
    cur.execute("PRAGMA synchronous=NORMAL")
    cur.execute("PRAGMA foreign_keys=ON")
    cur.execute("PRAGMA busy_timeout=30000")
    cur.close()


def _sqlite_begin(conn: Connection) -> None:
    # A writer takes the write lock at BEGIN: one that read first and wrote
    # later could fail at once ("database is locked") instead of waiting.
    conn.exec_driver_sql("BEGIN IMMEDIATE" if conn.get_execution_options().get("writer") else "BEGIN")


def make_engine(url: str) -> Engine:
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        if parsed.database and parsed.database != ":memory:":
            Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(url, connect_args={"check_same_thread": False}, pool_size=8, max_overflow=8)
        event.listen(engine, "connect", _sqlite_connect)
        event.listen(engine, "begin", _sqlite_begin)
        return engine
    return create_engine(url, pool_size=10, max_overflow=30, pool_recycle=1800)


def migrate(engine: Engine) -> None:
    """Bring the schema up to date and make sure the counter row exists."""
    migrations.migrate(engine, migrations.SERVER)
    with engine.begin() as conn:
        if conn.execute(select(Counter.value).where(Counter.id == COUNTER_ID)).first() is None:
            conn.execute(Counter.__table__.insert().values(id=COUNTER_ID, value=0))


def dialect_insert(conn: Connection, table: Any):
    """An INSERT that can say ON CONFLICT (both backends speak it)."""
    from sqlalchemy.dialects.postgresql import insert as pg_insert
    from sqlalchemy.dialects.sqlite import insert as sqlite_insert

    return {"postgresql": pg_insert, "sqlite": sqlite_insert}[conn.dialect.name](table)


def current_version(conn: Connection) -> int:
    return conn.execute(select(Counter.value).where(Counter.id == COUNTER_ID)).scalar_one()


def read_only(engine: Engine) -> Engine:
    """The engine for requests that only read. On PostgreSQL it runs in
    autocommit, which saves a BEGIN and a ROLLBACK round trip per request;
    each statement sees the latest commits either way (READ COMMITTED)."""
    return engine.execution_options(isolation_level="AUTOCOMMIT") if engine.dialect.name == "postgresql" else engine


@contextmanager
def write_transaction(engine: Engine) -> Iterator[Connection]:
    """A transaction that writes (SQLite: holding the write lock from its start)."""
    with engine.connect() as conn:
        conn.execution_options(writer=True)
        with conn.begin():
            yield conn


def take_versions(conn: Connection, count: int) -> int:
    """The first of `count` new versions, in one statement that advances the
    counter and locks it until the transaction ends. Take it last: it queues
    every other writer behind this transaction's commit."""
    return conn.execute(
        update(Counter).where(Counter.id == COUNTER_ID).values(value=Counter.value + count).returning(Counter.value)
    ).scalar_one() - count + 1


class Versions:
    """Hands out versions inside a push transaction that holds the counter lock."""

    def __init__(self, conn: Connection) -> None:
        # A no-op UPDATE takes the row lock (PostgreSQL) or the write lock
        # (SQLite) before anything else is read, and keeps it until commit.
        self.start = self.last = conn.execute(
            update(Counter).where(Counter.id == COUNTER_ID).values(value=Counter.value).returning(Counter.value)
        ).scalar_one()
        self._conn = conn

    def next(self) -> int:
        self.last += 1
        return self.last

    def save(self) -> None:
        if self.last != self.start:
            self._conn.execute(update(Counter).where(Counter.id == COUNTER_ID).values(value=self.last))


@contextmanager
def locked_versions(engine: Engine) -> Iterator[tuple[Connection, Versions]]:
    """A write transaction holding the version lock; the counter is saved on commit."""
    with engine.begin() as conn:
        versions = Versions(conn)
        yield conn, versions
        versions.save()
