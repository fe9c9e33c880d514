"""Alembic environment of the lead store, run by bot.leads.migrate (no alembic.ini): the
connection comes from `config.attributes["connection"]`, else from bot.db's URL."""
from __future__ import annotations

from alembic import context

from bot import db
from bot.leads import migrate
from bot.leads.models import Base


def _run(connection) -> None:
    context.configure(connection=connection, target_metadata=Base.metadata,
                      version_table=migrate.VERSION_TABLE,
                      # SQLite cannot ALTER most things: later revisions rebuild tables instead
                      render_as_batch=connection.dialect.name == "sqlite")
    with context.begin_transaction():
        context.run_migrations()


connection = context.config.attributes.get("connection")
if connection is not None:
    _run(connection)
else:
    with db.engine().begin() as own_connection:
        _run(own_connection)
