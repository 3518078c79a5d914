"""Alembic environment for both kinds of database; the kind (see
rep_tui.store.migrations.alembic_config) says which branches run and which
tables are its own, so autogenerate never touches the other kind's tables."""

from alembic import context

config = context.config
kind = config.attributes["kind"]
metadata, tables = kind.declared()


def include_object(obj, name, type_, reflected, compare_to):
    table = obj if type_ == "table" else getattr(obj, "table", None)
    return table is None or table.name in tables


with config.attributes["engine"].connect() as connection:
    context.configure(
        connection=connection, target_metadata=metadata, include_object=include_object, render_as_batch=True
    )
    with context.begin_transaction():
        context.run_migrations()
    connection.commit()
