"""Alembic environment of the server database: domain tables + server tables
(never the app's client-only tables)."""

from alembic import context

from rep_tui.server.models import ServerBase
from rep_tui.store.models import SYNCED_TABLES, Base

TABLES = set(SYNCED_TABLES) | {"change_history"} | set(ServerBase.metadata.tables)


def include_object(obj, name, type_, reflected, compare_to):
    table = obj if type_ == "table" else getattr(obj, "table", None)
    return table is None or table.name in TABLES


config = context.config
engine = config.attributes.get("engine")
if engine is None:
    from sqlalchemy import create_engine

    engine = create_engine(config.get_main_option("sqlalchemy.url"))

with engine.connect() as connection:
    context.configure(
        connection=connection,
        target_metadata=[Base.metadata, ServerBase.metadata],
        include_object=include_object,
        render_as_batch=True,
    )
    with context.begin_transaction():
        context.run_migrations()
    connection.commit()
