"""Rasa's SQL tracker store, with the right to erasure.

"Cancella i miei dati" runs `action_erase_my_data`. Deleting the conversation's rows from inside
that action would not be enough: Rasa saves the tracker after the turn and would write every event
back. So the store itself erases: when the events it is asked to save include that action, it
deletes everything stored for the sender and keeps only what came after the action (the
confirmation), as if the conversation had just begun.

On SQLite (the embedded default) it keeps a pool of connections in WAL mode, synced to disk at
checkpoints rather than at every commit: Rasa opens a new connection for each query there and
keeps SQLite's rollback journal, synced at each commit, which cost about a third of the Rasa
server's time per message (docs/benchmarks.md). A crash or restart of the server loses nothing; a
power cut may lose the last turns. Confirmed leads are in another database, synced at every
commit (bot/db.py).

Each process keeps the events it last read or wrote of the conversations it served (a bounded
cache) and reads them again only when the database holds something else: one aggregate query
(count, first and last row id, latest timestamp of the conversation's latest session) tells. Reading
and decoding every stored event at every turn cost ~6 ms a message at the 15th turn, growing with
the conversation. When another worker or replica added the latest turns (the same query tells
that the rows it knows are unchanged) only those are read; after an erasure or a new session
everything is read again; a failed save drops the entry.

On PostgreSQL its connections are checked before use (`pool_pre_ping`) and opening one gives up
after 5 seconds: Rasa's engine has neither, so after a database restart each replica failed the
first message on a dead pooled connection, and a database host that does not answer would block the
replica's event loop (the store is synchronous) for as long as the system's TCP timeout.
"""
from __future__ import annotations

import functools
import itertools
import json
import logging
from collections import OrderedDict
from typing import List, NamedTuple, Optional, Tuple

import sqlalchemy as sa
from rasa.core.tracker_store import SQLTrackerStore, create_engine_kwargs
from rasa.shared.core.events import ActionExecuted, AllSlotsReset, Event, SessionStarted, deserialise_events
from rasa.shared.core.trackers import DialogueStateTracker

from bot import db

logger = logging.getLogger(__name__)
ERASE_ACTION = "action_erase_my_data"


def erasure_index(tracker: DialogueStateTracker, stored: int) -> Optional[int]:
    """Index of the last successful erasure among the events not stored yet, or None. The action
    resets the slots only when it erased the lead; when the database was down it says so, returns
    nothing, and the conversation must stay as it was."""
    events = list(tracker.events)
    for index in range(len(events) - 1, stored - 1, -1):
        event = events[index]
        if isinstance(event, ActionExecuted) and event.action_name == ERASE_ACTION:
            following = itertools.takewhile(lambda e: not isinstance(e, ActionExecuted), events[index + 1:])
            return index if any(isinstance(e, AllSlotsReset) for e in following) else None
    return None


CONNECT_TIMEOUT_S = 5
CACHED_CONVERSATIONS = 500  # per process

# what the database holds of a conversation's latest session: rows, first id, last id, latest time
Signature = Tuple[int, Optional[int], Optional[int], Optional[float]]


class Cached(NamedTuple):
    signature: Signature
    events: List[Event]  # decoded from those rows, as Rasa's retrieve decodes them


class Row(NamedTuple):
    id: int
    timestamp: Optional[float]
    data: str


def signature_of(rows: List[Row]) -> Signature:
    """The signature of these rows (in id order), as `_signature` computes it in SQL."""
    if not rows:
        return 0, None, None, None
    return len(rows), rows[0].id, rows[-1].id, max((r.timestamp for r in rows if r.timestamp is not None), default=None)


class TrackerNotSaved(Exception):
    """Saving a turn failed; `stored` events of the conversation's session were in the database
    before it. When the failure came with the COMMIT (the connection dropped while committing) the
    turn may be stored all the same: bot/resilience.py finds out at the conversation's next message."""

    def __init__(self, sender_id: str, stored: int, error: BaseException):
        super().__init__(f"tracker of {sender_id!r} not saved: {error!r}")
        self.sender_id, self.stored = sender_id, stored


class ErasingSQLTrackerStore(SQLTrackerStore):
    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self._cache: "OrderedDict[str, Cached]" = OrderedDict()
        if self.engine.dialect.name == "postgresql":
            self._use_checked_connections()
        elif self.engine.dialect.name == "sqlite" and self.engine.url.database not in (None, "", ":memory:"):
            self._use_pooled_wal()

    def _use_pooled_wal(self) -> None:
        engine = sa.create_engine(self.engine.url, **db.sqlite_file_pool())
        db.use_wal(engine, synchronous="NORMAL")
        self._replace_engine(engine)

    def _replace_engine(self, engine: sa.engine.Engine) -> None:
        self.engine.dispose()
        self.engine = engine
        self.sessionmaker = sa.orm.session.sessionmaker(bind=engine)

    def _use_checked_connections(self) -> None:
        """The same engine (URL, pool sizes, schema) with pre-ping and a connect timeout."""
        url = self.engine.url
        options = create_engine_kwargs(url)
        options["connect_args"] = {**options.get("connect_args", {}), "connect_timeout": CONNECT_TIMEOUT_S}
        self._replace_engine(sa.create_engine(url, pool_pre_ping=True, **options))

    def stored_count(self, sender_id: str) -> int:
        """Events of the conversation's latest session in the database."""
        with self.session_scope() as session:
            return self._signature(session, sender_id)[0]

    def _signature(self, session: sa.orm.Session, sender_id: str) -> Signature:
        """`_event_query`'s rows (the latest session: from the latest `session_started` on, or all),
        aggregated. Plain SQL: building the ORM query cost more than running it (~2 ms a call)."""
        return self._signatures(session, sender_id, None)[0]

    def _signatures(self, session: sa.orm.Session, sender_id: str,
                    up_to: Optional[int]) -> Tuple[Signature, Signature]:
        """The signature of the latest session's rows, and of those of them up to the id `up_to`."""
        row = session.execute(self._signature_sql, {
            "sender_id": sender_id, "session_started": SessionStarted.type_name, "up_to": up_to or 0}).one()
        return (int(row[0]), row[1], row[2], row[3]), (int(row[4] or 0), row[5], row[6], row[7])

    @functools.cached_property
    def _signature_sql(self) -> sa.sql.elements.TextClause:
        table = self.SQLEvent.__tablename__
        return sa.text(
            f"SELECT count(e.id), min(e.id), max(e.id), max(e.timestamp), "
            f"sum(CASE WHEN e.id <= :up_to THEN 1 ELSE 0 END), min(CASE WHEN e.id <= :up_to THEN e.id END), "
            f"max(CASE WHEN e.id <= :up_to THEN e.id END), max(CASE WHEN e.id <= :up_to THEN e.timestamp END) "
            f"FROM {table} e, (SELECT max(timestamp) AS session_start FROM {table} "
            f" WHERE sender_id = :sender_id AND type_name = :session_started) s "
            f"WHERE e.sender_id = :sender_id AND (e.timestamp >= s.session_start OR s.session_start IS NULL)")

    @functools.cached_property
    def _rows_after_sql(self) -> sa.sql.elements.TextClause:
        return sa.text(f"SELECT id, timestamp, data FROM {self.SQLEvent.__tablename__} "
                       f"WHERE sender_id = :sender_id AND id > :after ORDER BY id")

    def _rows_after(self, session: sa.orm.Session, sender_id: str, after: int) -> List[Row]:
        """The conversation's rows after the id `after`, as stored."""
        return [Row(*row) for row in session.execute(self._rows_after_sql,
                                                     {"sender_id": sender_id, "after": after}).all()]

    def _remember(self, sender_id: str, cached: Optional[Cached]) -> None:
        self._cache.pop(sender_id, None)
        if cached is not None and cached.signature[0] > 0:
            self._cache[sender_id] = cached
            while len(self._cache) > CACHED_CONVERSATIONS:
                self._cache.popitem(last=False)

    async def _retrieve(self, sender_id: str, fetch_events_from_all_sessions: bool) -> Optional[DialogueStateTracker]:
        if fetch_events_from_all_sessions:
            return await super()._retrieve(sender_id, fetch_events_from_all_sessions)
        with self.session_scope() as session:
            cached = self._cache.get(sender_id)
            now, prefix = self._signatures(session, sender_id, cached.signature[2] if cached else None)
            if cached is not None and now == cached.signature:
                self._cache.move_to_end(sender_id)
            else:
                extended = None
                if cached is not None and prefix == cached.signature:
                    # another worker or replica added the latest turns: read only those
                    extended = self._extended(cached, self._rows_after(session, sender_id, cached.signature[2]))
                # else, or on a new session or rows added meanwhile: the whole latest session
                cached = extended if extended is not None and extended.signature == now \
                    else self._read_all(session, sender_id)
                self._remember(sender_id, cached)
        if not self.domain or not cached.events:
            return None
        return DialogueStateTracker.from_events(sender_id, list(cached.events), self.domain.slots)

    def _read_all(self, session: sa.orm.Session, sender_id: str) -> Cached:
        rows = self._event_query(session, sender_id, fetch_events_from_all_sessions=False).all()
        # the signature of the rows read, not of a query before: a write may come between
        stored = [Row(row.id, row.timestamp, row.data) for row in rows]
        return Cached(signature_of(stored), deserialise_events([json.loads(row.data) for row in stored]))

    async def save(self, tracker: DialogueStateTracker) -> None:
        """Rasa's save, with the erasure and the cache; it counts the stored events once (Rasa's
        own save counts them again)."""
        await self.stream_events(tracker)
        sender_id = tracker.sender_id
        with self.session_scope() as session:
            signature = self._signature(session, sender_id)
            stored = signature[0]
            index = erasure_index(tracker, stored)
            if index is None:
                cached = self._cache.get(sender_id) if stored else Cached(signature, [])
                self._remember(sender_id, None)  # until the rows are committed
                try:
                    rows = self._add_events(session, sender_id, list(tracker.events)[stored:], after_id=signature[2])
                    session.commit()
                except Exception as error:
                    raise TrackerNotSaved(sender_id, stored, error) from error
                if cached is not None and rows is not None and cached.signature == signature:
                    self._remember(sender_id, self._extended(cached, rows))
                return
            self._remember(sender_id, None)
            session.query(self.SQLEvent).filter(self.SQLEvent.sender_id == sender_id).delete(
                synchronize_session=False)
            # what came after the erasure, as if the conversation had just begun
            self._add_events(session, sender_id, list(tracker.events)[index + 1:])
            session.commit()
        db.forget_deleted(self.engine)  # no copy of the erased rows left in the write-ahead log
        logger.info("conversation events erased on the user's request")

    @staticmethod
    def _extended(cached: Cached, rows: list) -> Optional[Cached]:
        """The cache entry after `rows` were added, or None when a new session began (which rows
        the next read returns then depends on timestamps: let it read them)."""
        if not rows:
            return cached
        events = deserialise_events([json.loads(row.data) for row in rows])
        if any(isinstance(event, SessionStarted) for event in events):
            return None
        count, first, _, latest = cached.signature
        added = signature_of(rows)
        times = [t for t in (latest, added[3]) if t is not None]
        return Cached((count + added[0], first if count else added[1], added[2], max(times, default=None)),
                      cached.events + events)

    def _add_events(self, session: sa.orm.Session, sender_id: str, events: list,
                    after_id: Optional[int] = None) -> Optional[List[Row]]:
        """Inserts the rows Rasa's SQLTrackerStore.save writes for `events` (one Core statement:
        the ORM's flush of each row cost ~2 ms a turn). Returns them as stored, read back as the
        sender's rows after `after_id` (the conversation is locked: no one else adds any); None
        when that does not add up."""
        values = []
        for event in events:
            data = event.as_dict()
            values.append({"sender_id": sender_id, "type_name": event.type_name, "timestamp": data.get("timestamp"),
                           "intent_name": data.get("parse_data", {}).get("intent", {}).get("name"),
                           "action_name": data.get("name"), "data": json.dumps(data)})
        if not values:
            return []
        session.execute(self.SQLEvent.__table__.insert(), values)
        rows = self._rows_after(session, sender_id, after_id or 0)
        return rows if len(rows) == len(values) else None
