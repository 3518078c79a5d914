"""Freshly migrated empty databases, built once per test process and copied.

Running the whole migration history takes about half a second a database
on a quiet machine (seconds on a busy one), and the server and sync tests
open several a test: a server database and a store per device. A copy of
one migrated file (SQLite), or `CREATE DATABASE … TEMPLATE` (PostgreSQL),
is the same schema for milliseconds. Only a database that does not exist yet
(or, on PostgreSQL, is still empty) is filled; one a test prepared itself is
left alone, so the migrations still run wherever a test builds or upgrades a
schema on purpose, and `tests/test_migrations.py` checks the history itself."""

from __future__ import annotations

import atexit
import shutil
import tempfile
from functools import lru_cache
from pathlib import Path

from sqlalchemy import Engine, text

_ROOT = Path(tempfile.mkdtemp(prefix="reptui-schema-"))
atexit.register(shutil.rmtree, _ROOT, ignore_errors=True)
#: The name of the migrated template database in each throw-away cluster.
PG_TEMPLATE = "reptui_migrated_template"
#: The clusters (by their directory) that hold the template already.
_templated_clusters: set[Path] = set()


def _single_file(engine: Engine) -> None:
    """Fold the WAL into the main file and close every connection, so the file alone is the database."""
    with engine.connect() as conn:
        conn.execute(text("PRAGMA wal_checkpoint(TRUNCATE)"))
    engine.dispose()


@lru_cache(maxsize=None)
def _client_file() -> Path:
    from rep_tui.store.db import Store

    store = Store(_ROOT / "client.sqlite3")
    _single_file(store.engine)
    return store.path


@lru_cache(maxsize=None)
def _server_file() -> Path:
    from rep_tui.server import db as server_db

    path = _ROOT / "server.sqlite3"
    engine = server_db.make_engine(f"sqlite:///{path}")
    server_db.migrate(engine)
    _single_file(engine)
    return path


def _copy(template: Path, path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(template, path)


def new_store_file(path: Path) -> Path:
    """Put a migrated, empty device store at `path` unless a database is already there."""
    if not path.exists():
        _copy(_client_file(), path)
    return path


def new_server_sqlite(path: Path) -> None:
    """Put a migrated, empty server database at `path` unless one is already there."""
    if not path.exists():
        _copy(_server_file(), path)


def new_server_postgresql(cluster, database: str) -> None:
    """Make `database` a copy of the cluster's migrated template if it is still empty
    (no table at all): what migrating it would have built."""
    import psycopg

    with psycopg.connect(host=str(cluster.root), port=cluster.port, user="postgres", dbname=database) as conn:
        empty = conn.execute("SELECT count(*) FROM pg_tables WHERE schemaname = 'public'").fetchone()[0] == 0
    if not empty:
        return
    _pg_template(cluster)
    cluster.drop_database(database)
    _copy_template(cluster, database)


def _copy_template(cluster, database: str, patience: float = 30.0) -> None:
    """CREATE DATABASE … TEMPLATE, which PostgreSQL refuses while any session
    (autovacuum, say) is connected to the template: try again until it is
    gone, and fail loudly if it never goes."""
    import time

    import psycopg

    deadline = time.monotonic() + patience
    while True:
        try:
            cluster.create_database(database, template=PG_TEMPLATE)
            return
        except psycopg.errors.ObjectInUse:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.05)


def _pg_template(cluster) -> None:
    """The migrated template of this cluster, made on first use (one per cluster)."""
    if cluster.root in _templated_clusters:
        return
    from rep_tui.server import db as server_db

    engine = server_db.make_engine(cluster.create_database(PG_TEMPLATE))
    try:
        server_db.migrate(engine)
    finally:
        engine.dispose()
    # Nobody connects to it again (autovacuum skips a database that allows no connections).
    import psycopg

    with psycopg.connect(host=str(cluster.root), port=cluster.port, user="postgres", dbname="postgres",
                         autocommit=True) as conn:
        conn.execute(f'ALTER DATABASE "{PG_TEMPLATE}" WITH ALLOW_CONNECTIONS false')
    _templated_clusters.add(cluster.root)
