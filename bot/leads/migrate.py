"""Alembic, driven from code: `upgrade()` brings the lead tables to the latest revision on the
project's database (bot.db) or on the engine or URL given. `python -m bot.leads migrate` calls it."""
from __future__ import annotations

from pathlib import Path
from typing import Union

from alembic import command
from alembic.config import Config
from alembic.migration import MigrationContext
from sqlalchemy.engine import Connection, Engine

from bot import db

MIGRATIONS = Path(__file__).resolve().parent / "migrations"
# Its own version table: the same database may hold other Alembic histories (Rasa's, say).
VERSION_TABLE = "leads_alembic_version"


def config(connection: Connection) -> Config:
    """The Alembic configuration that runs migrations/ on `connection` (env.py reads it)."""
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    cfg.attributes["connection"] = connection
    return cfg


def upgrade(engine_or_url: Union[Engine, str, None] = None, revision: str = "head") -> str:
    """Migrates to `revision` in one transaction; returns the revision the database is then at."""
    engine = engine_or_url if isinstance(engine_or_url, Engine) else db.engine(engine_or_url)
    with engine.begin() as connection:
        command.upgrade(config(connection), revision)
        return MigrationContext.configure(connection, opts={"version_table": VERSION_TABLE}) \
            .get_current_revision()
