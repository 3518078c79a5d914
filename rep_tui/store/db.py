"""Opening the local database: the engine, sessions, and migrations that run
by themselves on start."""

from __future__ import annotations

from contextlib import contextmanager
from pathlib import Path
from typing import Callable, Iterator

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.orm import Session, sessionmaker

from rep_tui.store import migrations
from rep_tui.store.migrations import SchemaRefused, SchemaTooNew  # noqa: F401  (what callers catch)


def _sqlite_pragmas(dbapi_conn, _record) -> None:
    cur = dbapi_conn.cursor()
    cur.execute("PRAGMA journal_mode=WAL")
    cur.execute("PRAGMA synchronous=NORMAL")
    cur.execute("PRAGMA foreign_keys=ON")
    cur.execute("PRAGMA busy_timeout=5000")
    cur.close()


def make_engine(path: Path) -> Engine:
    path.parent.mkdir(parents=True, exist_ok=True)
    engine = create_engine(f"sqlite:///{path}", connect_args={"check_same_thread": False})
    event.listen(engine, "connect", _sqlite_pragmas)
    return engine


def migrate(engine: Engine) -> None:
    """Bring the schema to this version of the app; refuse a newer schema."""
    migrations.migrate(engine, migrations.CLIENT)


class Store:
    """One local database: an engine and a session factory."""

    def __init__(self, path: Path, *, run_migrations: bool = True) -> None:
        self.path = path
        self.engine = make_engine(path)
        if run_migrations:
            migrate(self.engine)
        self._sessions = sessionmaker(self.engine, expire_on_commit=False)
        #: Hears every error a session ended with (from the session's thread), before it propagates:
        #: the app tells the rep of a full disk or a damaged store whichever screen was saving.
        self.on_failure: Callable[[BaseException], None] | None = None

    @contextmanager
    def session(self) -> Iterator[Session]:
        """A session in one transaction: committed on success, rolled back on error."""
        try:
            with self._sessions() as session, session.begin():
                yield session
        except Exception as error:
            if self.on_failure is not None:
                self.on_failure(error)
            raise

    def close(self) -> None:
        self.engine.dispose()


def open_store(path: Path | None = None) -> Store:
    if path is None:
        from rep_tui.config import load_settings

        path = load_settings().paths.database
    return Store(path)
