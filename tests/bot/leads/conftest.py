"""Fixtures of the lead tests: `fresh_engine`, an empty database, and `leads_engine`, a migrated
one: a fresh SQLite file, or a fresh PostgreSQL schema dropped afterwards, since other tests share
the `test` database (tests/conftest.py's `db_engine` runs each test on both)."""
from __future__ import annotations

import uuid

import pytest
from sqlalchemy import create_engine, text

from bot.leads import migrate


@pytest.fixture
def fresh_engine(db_engine):
    """An empty database: the SQLite file as it is, a new schema on PostgreSQL."""
    if db_engine.dialect.name == "sqlite":
        yield db_engine
        return
    schema = f"leads_test_{uuid.uuid4().hex[:12]}"
    with db_engine.begin() as connection:
        connection.execute(text(f'CREATE SCHEMA "{schema}"'))
    # the schema in the URL, so that subprocesses given this URL (the CLI tests) see it too
    engine = create_engine(db_engine.url.update_query_dict({"options": f"-csearch_path={schema}"}), future=True)
    try:
        yield engine
    finally:
        engine.dispose()
        with db_engine.begin() as connection:
            connection.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))


@pytest.fixture
def leads_engine(fresh_engine):
    migrate.upgrade(fresh_engine)
    return fresh_engine
