"""The turn whose save failed at COMMIT although PostgreSQL stored it (bot/resilience.py): the
user, told it was not processed, sends the same message again; the replica must send that turn's
answers again instead of handling the message a second time. Deterministic: a real Redis lock
store and tracker store (SQLite), the failure raised by hand."""
from __future__ import annotations

import uuid
from types import SimpleNamespace

import pytest
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ActionExecuted, BotUttered, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker

from bot import resilience
from bot.paths import ROOT
from bot.tracker_store import ErasingSQLTrackerStore, TrackerNotSaved
from tests.conftest import require_service


class Channel:
    def __init__(self):
        self.sent = []

    async def send_response(self, recipient_id, message):
        self.sent.append(message)


@pytest.fixture
def agent(tmp_path):
    try:
        lock_store = resilience.RedisLockStore(host="127.0.0.1", port=6379,
                                               key_prefix=f"test{uuid.uuid4().hex[:8]}")
        lock_store.red.ping()
    except Exception as error:
        require_service("Redis", error)
    domain = Domain.load(ROOT / "domain.yml")
    store = ErasingSQLTrackerStore(domain=domain, dialect="sqlite", db=str(tmp_path / "tracker.db"))
    yield SimpleNamespace(lock_store=lock_store, tracker_store=store, domain=domain)
    for key in lock_store.red.keys(lock_store.key_prefix + "*"):
        lock_store.red.delete(key)


def message(text, channel):
    return SimpleNamespace(sender_id="anna", text=text, output_channel=channel)


async def stored_turn(agent, text, answer):
    """A first turn stored, then the next turn stored too, as a COMMIT that succeeded on the
    server while the replica saw it fail: (events stored before that turn)."""
    tracker = DialogueStateTracker("anna", agent.domain.slots)
    tracker.update(ActionExecuted("action_listen"))
    await agent.tracker_store.save(tracker)
    before = agent.tracker_store.stored_count("anna")
    tracker.update(UserUttered(text, {"name": "affirm", "confidence": 1.0}))
    tracker.update(BotUttered(answer))
    tracker.update(ActionExecuted("action_listen"))
    await agent.tracker_store.save(tracker)
    return before


async def test_a_turn_stored_despite_the_error_is_answered_again_not_handled_twice(agent):
    channel = Channel()
    before = await stored_turn(agent, "sì", "Perfetto, il tuo profilo è completo.")
    resilience._remember_unsaved(agent, message("sì", channel),
                                 TrackerNotSaved("anna", before, OSError("connection dropped at COMMIT")))
    assert await resilience._answered_already(agent, message("sì", channel)) is True
    assert channel.sent == [{"text": "Perfetto, il tuo profilo è completo."}]
    # answered once: the note is gone, the next message is handled normally
    assert await resilience._answered_already(agent, message("sì", channel)) is False


async def test_a_turn_that_was_not_stored_is_handled_again(agent):
    channel = Channel()
    tracker = DialogueStateTracker("anna", agent.domain.slots)
    tracker.update(ActionExecuted("action_listen"))
    await agent.tracker_store.save(tracker)
    before = agent.tracker_store.stored_count("anna")
    resilience._remember_unsaved(agent, message("sì", channel), TrackerNotSaved("anna", before, OSError()))
    assert await resilience._answered_already(agent, message("sì", channel)) is False
    assert channel.sent == []


async def test_a_different_message_after_the_failure_is_handled_normally(agent):
    channel = Channel()
    before = await stored_turn(agent, "sì", "Perfetto.")
    resilience._remember_unsaved(agent, message("sì", channel), TrackerNotSaved("anna", before, OSError()))
    assert await resilience._answered_already(agent, message("no, aspetta", channel)) is False
    assert channel.sent == []
