"""Alembic environment of the app's local database (domain + client tables)."""

from alembic import context

from rep_tui.store import client_models  # noqa: F401  (registers the tables)
from rep_tui.store.models import Base

config = context.config
engine = config.attributes.get("engine")
if engine is None:
    from sqlalchemy import create_engine

    engine = create_engine(config.get_main_option("sqlalchemy.url"))

with engine.connect() as connection:
    context.configure(connection=connection, target_metadata=Base.metadata, render_as_batch=True)
    with context.begin_transaction():
        context.run_migrations()
    connection.commit()
