"""The tracker store's erasure: after "cancella i miei dati" nothing of the conversation before it
is stored, and what follows is stored as usual."""
from __future__ import annotations

import json

import pytest
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ActionExecuted, AllSlotsReset, BotUttered, SlotSet, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker
from sqlalchemy import create_engine, text

from bot.paths import ROOT
from bot.tracker_store import ERASE_ACTION, ErasingSQLTrackerStore


@pytest.fixture(scope="module")
def domain() -> Domain:
    return Domain.load(ROOT / "domain.yml")


@pytest.fixture
def store(tmp_path, domain):
    return ErasingSQLTrackerStore(domain=domain, dialect="sqlite", db=str(tmp_path / "tracker.db"))


def stored_texts(store, sender: str) -> list:
    engine = create_engine(store.engine.url, future=True)
    with engine.connect() as connection:
        rows = connection.execute(text("select data from events where sender_id = :s order by id"),
                                  {"s": sender}).all()
    return [json.loads(row.data).get("text") for row in rows]


def turn(tracker, user_text, bot_text, action="action_listen", reset=False, **slots):
    tracker.update(UserUttered(user_text, {"name": "inform", "confidence": 1.0}))
    tracker.update(ActionExecuted(action))
    if reset:
        tracker.update(AllSlotsReset())
    for name, value in slots.items():
        tracker.update(SlotSet(name, value))
    tracker.update(BotUttered(bot_text))
    tracker.update(ActionExecuted("action_listen"))


async def test_erasure_deletes_everything_stored_before_it(store, domain):
    tracker = DialogueStateTracker("anna", domain.slots)
    turn(tracker, "sono un'avvocata a Milano, anna@example.com", "Ho preso nota", sector="legal_services")
    await store.save(tracker)
    other = DialogueStateTracker("bruno", domain.slots)
    turn(other, "ho una pizzeria", "Ho preso nota")
    await store.save(other)

    tracker = await store.retrieve("anna")
    turn(tracker, "cancella i miei dati", "Fatto: ho cancellato i tuoi dati", action=ERASE_ACTION, reset=True)
    await store.save(tracker)

    texts = stored_texts(store, "anna")
    assert "sono un'avvocata a Milano, anna@example.com" not in texts
    assert "cancella i miei dati" not in texts
    assert texts == [None, "Fatto: ho cancellato i tuoi dati", None]  # slots reset, confirmation, listen
    assert (await store.retrieve("anna")).get_slot("sector") is None
    assert "ho una pizzeria" in stored_texts(store, "bruno")  # other conversations untouched

    tracker = await store.retrieve("anna")
    turn(tracker, "ciao di nuovo", "Ciao!")
    await store.save(tracker)
    assert [t for t in stored_texts(store, "anna") if t] == [
        "Fatto: ho cancellato i tuoi dati", "ciao di nuovo", "Ciao!"]


async def test_saving_without_erasure_appends_as_rasa_does(store, domain):
    tracker = DialogueStateTracker("carla", domain.slots)
    turn(tracker, "primo", "uno")
    await store.save(tracker)
    tracker = await store.retrieve("carla")
    turn(tracker, "secondo", "due")
    await store.save(tracker)
    texts = [t for t in stored_texts(store, "carla") if t]
    assert texts == ["primo", "uno", "secondo", "due"]


async def test_a_failed_erasure_keeps_the_conversation(store, domain):
    tracker = DialogueStateTracker("dora", domain.slots)
    turn(tracker, "ho un negozio di fiori", "Ho preso nota", sector="retail")
    await store.save(tracker)
    tracker = await store.retrieve("dora")
    # the database was down: the action said so and reset nothing
    turn(tracker, "cancella i miei dati", "non ho cancellato nulla", action=ERASE_ACTION)
    await store.save(tracker)
    assert "ho un negozio di fiori" in stored_texts(store, "dora")
    assert (await store.retrieve("dora")).get_slot("sector") == "retail"
