"""The project's database engine: SQLite in the state folder by default, any SQLAlchemy URL by
`BUSSOLA_DATABASE_URL` (PostgreSQL in production). One engine per process and URL."""
from __future__ import annotations

import functools
import os

from sqlalchemy import create_engine, event
from sqlalchemy.engine import Engine

from bot import paths


def database_url() -> str:
    url = os.environ.get("BUSSOLA_DATABASE_URL")
    if url:
        return url
    paths.STATE.mkdir(parents=True, exist_ok=True)
    return f"sqlite:///{paths.STATE / 'bussola.db'}"


@functools.lru_cache(maxsize=None)
def engine(url: str | None = None) -> Engine:
    url = url or database_url()
    eng = create_engine(url, future=True, pool_pre_ping=not url.startswith("sqlite"))
    if url.startswith("sqlite"):
        @event.listens_for(eng, "connect")
        def _sqlite_pragmas(dbapi_connection, _record):  # concurrent readers with one writer
            cursor = dbapi_connection.cursor()
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA busy_timeout=5000")
            cursor.close()
    return eng
