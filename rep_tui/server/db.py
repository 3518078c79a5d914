"""The server's database: SQLite for one box, PostgreSQL for a company.

Migrations (their own Alembic tree: domain tables + server tables) run on
start. Every push transaction begins by locking the one counter row, so
versions are handed out and committed in order on both backends and a pull
of "after N" can never skip a row."""

from __future__ import annotations

from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

from sqlalchemy import Connection, Engine, create_engine, event, select, update
from sqlalchemy.engine import make_url

from rep_tui.server.models import Counter

MIGRATIONS = Path(__file__).parent / "migrations"
COUNTER_ID = 1


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
    conn.exec_driver_sql("BEGIN")


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


def alembic_config(engine: Engine):
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    cfg.attributes["engine"] = engine
    return cfg


def migrate(engine: Engine) -> None:
    """Bring the schema up to date and make sure the counter row exists."""
    from alembic import command

    command.upgrade(alembic_config(engine), "head")
    with engine.begin() as conn:
        if conn.execute(select(Counter.value).where(Counter.id == COUNTER_ID)).first() is None:
            conn.execute(Counter.__table__.insert().values(id=COUNTER_ID, value=0))


def current_version(conn: Connection) -> int:
    return conn.execute(select(Counter.value).where(Counter.id == COUNTER_ID)).scalar_one()


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
