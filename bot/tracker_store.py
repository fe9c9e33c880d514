"""Rasa's SQL tracker store, with the right to erasure.

"Cancella i miei dati" runs `action_erase_my_data`. Deleting the conversation's rows from inside
that action would not be enough: Rasa saves the tracker after the turn and would write every event
back. So the store itself erases: when the events it is asked to save include that action, it
deletes everything stored for the sender and keeps only what came after the action (the
confirmation), as if the conversation had just begun.
"""
from __future__ import annotations

import itertools
import logging
from typing import Optional

from rasa.core.tracker_store import SQLTrackerStore
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


class ErasingSQLTrackerStore(SQLTrackerStore):
    async def save(self, tracker: DialogueStateTracker) -> None:
        with self.session_scope() as session:
            stored = self._event_query(session, tracker.sender_id, fetch_events_from_all_sessions=False).count()
        index = erasure_index(tracker, stored)
        if index is None:
            await super().save(tracker)
            return
        with self.session_scope() as session:
            session.query(self.SQLEvent).filter(self.SQLEvent.sender_id == tracker.sender_id).delete(
                synchronize_session=False)
            session.commit()
        logger.info("conversation events erased on the user's request")
        remaining = list(tracker.events)[index + 1:]
        await super().save(DialogueStateTracker.from_events(tracker.sender_id, remaining,
                                                            slots=self.domain.slots if self.domain else None))
