"""The project's database engine: SQLite in the state folder by default, any SQLAlchemy URL by
`BUSSOLA_DATABASE_URL` (PostgreSQL in production). One engine per process and URL. Also the small
SQLite files the Rasa server's workers share (lock store, Telegram update queue)."""
from __future__ import annotations

import functools
import os
import sqlite3
from pathlib import Path
from typing import Optional

from sqlalchemy import create_engine, event
from sqlalchemy.engine import Engine
from sqlalchemy.pool import QueuePool

from bot import paths


def database_url() -> str:
    url = os.environ.get("BUSSOLA_DATABASE_URL")
    if url:
        return url
    paths.STATE.mkdir(parents=True, exist_ok=True)
    return f"sqlite:///{paths.STATE / 'bussola.db'}"


SYNCHRONOUS = ("FULL", "NORMAL")


@functools.lru_cache(maxsize=None)
def engine(url: str | None = None) -> Engine:
    url = url or database_url()
    options: dict = {}
    if url.startswith("postgresql"):
        # a database host that does not answer must fail fast: the lead writer then spools the step
        options = {"pool_pre_ping": True, "connect_args": {"connect_timeout": 5}}
    elif url.startswith("sqlite") and ":memory:" not in url:
        options = sqlite_file_pool()
    eng = create_engine(url, future=True, **options)
    if url.startswith("sqlite"):
        use_wal(eng)
    return eng


def sqlite_file_pool() -> dict:
    """SQLAlchemy 1.4 opens and closes a SQLite file connection per use (NullPool), about 4 ms each
    with the pragmas of `use_wal`; a pool keeps them (and may hand them to another thread: the lead
    writer's retry thread shares it)."""
    return {"poolclass": QueuePool, "connect_args": {"check_same_thread": False}}


def _checked(synchronous: str) -> str:
    if synchronous not in SYNCHRONOUS:
        raise ValueError(f"synchronous must be one of {SYNCHRONOUS}, not {synchronous!r}")
    return synchronous


def use_wal(eng: Engine, synchronous: str = "FULL") -> None:
    """WAL mode on each new SQLite connection of `eng`, so readers do not wait for the writer.
    `synchronous`: FULL (the default) syncs every commit to disk; NORMAL syncs at checkpoints only,
    which survives a crash of the process but may lose the last commits if the machine loses
    power. Leads keep FULL; conversations and locks use NORMAL (bot/tracker_store.py,
    bot/lock_store.py)."""
    _checked(synchronous)

    @event.listens_for(eng, "connect")
    def _sqlite_pragmas(dbapi_connection, _record):
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA busy_timeout=5000")
        cursor.execute(f"PRAGMA synchronous={synchronous}")
        cursor.execute("PRAGMA secure_delete=ON")  # deleted rows are overwritten, not left in free pages
        cursor.close()


def forget_deleted(eng: Engine) -> None:
    """After an erasure on SQLite: the write-ahead log, which still holds the pages as they were
    before, is copied into the database (where secure_delete zeroed the rows) and truncated to
    nothing. PostgreSQL has its own answer (docs/production.md: VACUUM, WAL retention, backups)."""
    if eng.dialect.name != "sqlite":
        return
    with eng.connect() as connection:
        connection.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")


class SQLiteFile:
    """A SQLite file that several processes share (the Rasa server's Sanic workers): one
    autocommit connection per process, opened when first used and never carried across a fork,
    in WAL mode so readers do not wait for the writer."""

    def __init__(self, path: Path | str, timeout: float = 10.0, synchronous: str = "FULL"):
        """`synchronous` as in `use_wal`: NORMAL where losing the last commits to a power cut costs
        nothing (the lock store: its tickets live a few seconds)."""
        self.synchronous = _checked(synchronous)
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self.timeout = timeout
        self._connection: Optional[sqlite3.Connection] = None
        self._pid: Optional[int] = None

    def connection(self) -> sqlite3.Connection:
        if self._connection is None or self._pid != os.getpid():
            self._connection = sqlite3.connect(self.path, timeout=self.timeout, isolation_level=None,
                                               check_same_thread=False)
            self._connection.execute("PRAGMA journal_mode=WAL")
            self._connection.execute(f"PRAGMA synchronous={self.synchronous}")
            self._pid = os.getpid()
        return self._connection
