"""Each Alembic tree builds exactly the tables its models declare, so a
column added to a model without a migration (or the other way) fails here,
not on a rep's device."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from rep_tui.server import db as server_db
from rep_tui.server.models import ServerBase
from rep_tui.store.db import Store
from rep_tui.store.models import SYNCED_TABLES, Base

SEARCH_INDEX = {"search_keys", "lead_search"} | {f"lead_search_{part}" for part in
                                                  ("data", "idx", "content", "docsize", "config")}


def _differences(engine, metadata, include) -> list:
    with engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={"include_object": include, "compare_type": True})
        return compare_metadata(context, metadata)


def test_client_migrations_match_the_models(tmp_path):
    store = Store(tmp_path / "device.sqlite3")
    try:
        def include(obj, name, type_, reflected, compare_to):
            table = obj if type_ == "table" else getattr(obj, "table", None)
            return table is None or table.name not in SEARCH_INDEX

        assert _differences(store.engine, Base.metadata, include) == []
    finally:
        store.close()


def test_server_migrations_match_the_models(tmp_path):
    engine = server_db.make_engine(f"sqlite:///{tmp_path / 'server.sqlite3'}")
    server_db.migrate(engine)
    server_tables = set(SYNCED_TABLES) | {"change_history"} | set(ServerBase.metadata.tables)

    def include(obj, name, type_, reflected, compare_to):
        table = obj if type_ == "table" else getattr(obj, "table", None)
        return table is None or table.name in server_tables

    assert _differences(engine, [Base.metadata, ServerBase.metadata], include) == []
