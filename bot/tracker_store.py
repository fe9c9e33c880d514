"""Rasa's SQL tracker store, with the right to erasure.

"Cancella i miei dati" runs `action_erase_my_data`. Deleting the conversation's rows from inside
that action would not be enough: Rasa saves the tracker after the turn and would write every event
back. So the store itself erases: when the events it is asked to save include that action, it
deletes everything stored for the sender and keeps only what came after the action (the
confirmation), as if the conversation had just begun.

On PostgreSQL its connections are checked before use (`pool_pre_ping`) and opening one gives up
after 5 seconds: Rasa's engine has neither, so after a database restart each replica failed the
first message on a dead pooled connection, and a database host that does not answer would block the
replica's event loop (the store is synchronous) for as long as the system's TCP timeout.
"""
from __future__ import annotations

import itertools
import logging
from typing import Optional

import sqlalchemy as sa
from rasa.core.tracker_store import SQLTrackerStore, create_engine_kwargs
from rasa.shared.core.events import ActionExecuted, AllSlotsReset
from rasa.shared.core.trackers import DialogueStateTracker

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
        if self.engine.dialect.name == "postgresql":
            self._use_checked_connections()

    def _use_checked_connections(self) -> None:
        """The same engine (URL, pool sizes, schema) with pre-ping and a connect timeout."""
        url = self.engine.url
        options = create_engine_kwargs(url)
        options["connect_args"] = {**options.get("connect_args", {}), "connect_timeout": CONNECT_TIMEOUT_S}
        engine = sa.create_engine(url, pool_pre_ping=True, **options)
        self.engine.dispose()
        self.engine = engine
        self.sessionmaker = sa.orm.session.sessionmaker(bind=engine)

    def stored_count(self, sender_id: str) -> int:
        """Events of the conversation's latest session in the database."""
        with self.session_scope() as session:
            return self._event_query(session, sender_id, fetch_events_from_all_sessions=False).count()

    async def save(self, tracker: DialogueStateTracker) -> None:
        with self.session_scope() as session:
            stored = self._event_query(session, tracker.sender_id, fetch_events_from_all_sessions=False).count()
        index = erasure_index(tracker, stored)
        if index is None:
            try:
                await super().save(tracker)
            except Exception as error:
                raise TrackerNotSaved(tracker.sender_id, stored, error) from error
            return
        with self.session_scope() as session:
            session.query(self.SQLEvent).filter(self.SQLEvent.sender_id == tracker.sender_id).delete(
                synchronize_session=False)
            session.commit()
        logger.info("conversation events erased on the user's request")
        remaining = list(tracker.events)[index + 1:]
        await super().save(DialogueStateTracker.from_events(tracker.sender_id, remaining,
                                                            slots=self.domain.slots if self.domain else None))
