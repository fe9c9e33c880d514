"""A Rasa lock store in a SQLite file, so that several Rasa server processes can share the
conversations on the embedded defaults (no Redis).

Rasa handles the messages of one conversation one at a time with a ticket lock per conversation.
Its in-memory lock store works inside one process only, which is why Rasa refuses more than one
Sanic worker with it; with Redis it allows several. This store keeps the same tickets in a SQLite
table that every worker opens, and — unlike Rasa's Redis store, which reads, changes and writes a
lock in separate steps — changes a lock inside one `BEGIN IMMEDIATE` transaction, so two
processes never overwrite each other's tickets.

endpoints.yml:
    lock_store:
      type: bot.lock_store.SQLiteLockStore
      db: state/locks.db
"""
from __future__ import annotations

import json
import sqlite3
from contextlib import contextmanager
from typing import Any, Callable, Iterator, Optional, Text

from rasa.core.lock import TicketLock
from rasa.core.lock_store import LOCK_LIFETIME, LockError, LockStore
from rasa.utils.endpoints import EndpointConfig

from bot.db import SQLiteFile

BUSY_TIMEOUT_S = 10.0


class SQLiteLockStore(LockStore):
    def __init__(self, endpoint_config: Optional[EndpointConfig] = None, db: Optional[str] = None) -> None:
        settings = (endpoint_config.kwargs if endpoint_config else {}) or {}
        self.file = SQLiteFile(db or settings.get("db") or "state/locks.db", timeout=BUSY_TIMEOUT_S,
                               synchronous="NORMAL")  # a ticket lives seconds: no disk sync per commit
        self.path = self.file.path
        with self._transaction() as cursor:
            cursor.execute("CREATE TABLE IF NOT EXISTS locks "
                           "(conversation_id TEXT PRIMARY KEY, lock TEXT NOT NULL)")
        super().__init__()

    @contextmanager
    def _transaction(self) -> Iterator[sqlite3.Cursor]:
        cursor = self.file.connection().cursor()
        cursor.execute("BEGIN IMMEDIATE")  # takes the write lock now: read-modify-write is atomic
        try:
            yield cursor
            cursor.execute("COMMIT")
        except BaseException:
            cursor.execute("ROLLBACK")
            raise

    @staticmethod
    def _read(cursor: sqlite3.Cursor, conversation_id: Text) -> Optional[TicketLock]:
        row = cursor.execute("SELECT lock FROM locks WHERE conversation_id = ?", (conversation_id,)).fetchone()
        return TicketLock.from_dict(json.loads(row[0])) if row else None

    @staticmethod
    def _write(cursor: sqlite3.Cursor, lock: TicketLock) -> None:
        cursor.execute("INSERT OR REPLACE INTO locks (conversation_id, lock) VALUES (?, ?)",
                       (lock.conversation_id, lock.dumps()))

    def _change(self, conversation_id: Text, change: Callable[[TicketLock], Any],
                create: bool = False) -> Any:
        """Reads, changes and writes one lock in one transaction; returns what `change` returns."""
        with self._transaction() as cursor:
            lock = self._read(cursor, conversation_id)
            if lock is None and not create:
                return None
            lock = lock or self.create_lock(conversation_id)
            result = change(lock)
            if lock.tickets or create:
                self._write(cursor, lock)
            else:
                cursor.execute("DELETE FROM locks WHERE conversation_id = ?", (conversation_id,))
            return result

    # --- Rasa's LockStore interface ---

    def get_lock(self, conversation_id: Text) -> Optional[TicketLock]:
        return self._read(self.file.connection().cursor(), conversation_id)

    def delete_lock(self, conversation_id: Text) -> None:
        with self._transaction() as cursor:
            deleted = cursor.execute("DELETE FROM locks WHERE conversation_id = ?", (conversation_id,)).rowcount
        self._log_deletion(conversation_id, deleted > 0)

    def save_lock(self, lock: TicketLock) -> None:
        with self._transaction() as cursor:
            self._write(cursor, lock)

    def issue_ticket(self, conversation_id: Text, lock_lifetime: float = LOCK_LIFETIME) -> int:
        try:
            return self._change(conversation_id, lambda lock: lock.issue_ticket(lock_lifetime), create=True)
        except sqlite3.Error as error:
            raise LockError(f"Error while acquiring lock. Error:\n{error}") from error

    def update_lock(self, conversation_id: Text) -> None:
        self._change(conversation_id, lambda lock: lock.remove_expired_tickets())

    def finish_serving(self, conversation_id: Text, ticket_number: int) -> None:
        self._change(conversation_id, lambda lock: lock.remove_ticket_for(ticket_number))

    def cleanup(self, conversation_id: Text, ticket_number: int) -> None:
        # finish_serving deletes the lock in the same transaction when nobody else waits for it
        self.finish_serving(conversation_id, ticket_number)
