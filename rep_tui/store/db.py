"""Opening the local database: the engine, sessions, and migrations that run
by themselves on start."""

from __future__ import annotations

import re
from contextlib import contextmanager
from pathlib import Path
from typing import Callable, Iterator

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session, sessionmaker

MIGRATIONS = Path(__file__).parent / "migrations"


class SchemaTooNew(RuntimeError):
    """The database was written by a newer rep-tui than this one."""


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


def _alembic_config(engine: Engine):
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    cfg.attributes["engine"] = engine
    return cfg


_REVISION = re.compile(r"^(down_revision|revision)\s*=\s*['\"]?([\w]+|None)['\"]?", re.MULTILINE)


def _head_revision() -> str:
    """This app's newest schema revision, read from the migration files
    without importing Alembic (which costs a fifth of a second at start)."""
    revisions, parents = set(), set()
    for path in (MIGRATIONS / "versions").glob("*.py"):
        found = dict(m.groups() for m in _REVISION.finditer(path.read_text()))
        revisions.add(found["revision"])
        parents.add(found.get("down_revision"))
    heads = revisions - parents
    if len(heads) != 1:
        raise RuntimeError(f"migrations have {len(heads)} heads: {sorted(heads)}")
    return heads.pop()


def _schema_is_current(engine: Engine) -> bool:
    with engine.connect() as conn:
        try:
            rows = conn.exec_driver_sql("SELECT version_num FROM alembic_version").all()
        except OperationalError:
            return False  # a new database
    return [r[0] for r in rows] == [_head_revision()]


def migrate(engine: Engine) -> None:
    """Bring the schema to this version of the app; refuse a newer schema."""
    if _schema_is_current(engine):
        return
    from alembic import command
    from alembic.runtime.migration import MigrationContext
    from alembic.script import ScriptDirectory

    cfg = _alembic_config(engine)
    script = ScriptDirectory.from_config(cfg)
    known = {rev.revision for rev in script.walk_revisions()}
    with engine.connect() as conn:
        current = MigrationContext.configure(conn).get_current_heads()
    unknown = [rev for rev in current if rev not in known]
    if unknown:
        raise SchemaTooNew(
            f"This database was created by a newer rep-tui (schema {unknown[0]}). "
            "Upgrade rep-tui to open it; nothing was changed."
        )
    if set(current) != {script.get_current_head()}:
        command.upgrade(cfg, "head")


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
