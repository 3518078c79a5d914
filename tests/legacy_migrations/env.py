"""Alembic environment of the frozen pre-history trees: runs them, nothing else."""

from alembic import context

with context.config.attributes["engine"].connect() as connection:
    context.configure(connection=connection, render_as_batch=True)
    with context.begin_transaction():
        context.run_migrations()
    connection.commit()
