"""The tracker store's erasure: after "cancella i miei dati" nothing of the conversation before it
is stored, and what follows is stored as usual. And its cache: what it returns is what the
database holds, also when another replica wrote or erased."""
from __future__ import annotations

import json

import pytest
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ActionExecuted, AllSlotsReset, BotUttered, SessionStarted, SlotSet, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker, EventVerbosity
from sqlalchemy import create_engine, text
from sqlalchemy import event as sa_event

from bot.paths import ROOT
from bot.tracker_store import ERASE_ACTION, ErasingSQLTrackerStore, Row, signature_of


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


# --- the per-process cache of the events read or written ---

def statements(store) -> list:
    """The SQL the store sends from now on."""
    sent: list = []
    sa_event.listen(store.engine, "before_cursor_execute",
                    lambda conn, cursor, statement, *args: sent.append(statement))
    return sent


def state(tracker) -> dict:
    return tracker.current_state(EventVerbosity.ALL)


async def test_a_cached_conversation_is_not_read_again_and_is_the_same(store, tmp_path, domain):
    tracker = DialogueStateTracker("dora", domain.slots)
    tracker.update(ActionExecuted("action_session_start"))
    tracker.update(SessionStarted())
    turn(tracker, "ho un agriturismo", "Ho preso nota", sector="hospitality")
    await store.save(tracker)
    for text_ in ("in Toscana", "circa 5 ore"):
        tracker = await store.retrieve("dora")
        turn(tracker, text_, "Ok")
        await store.save(tracker)

    sent = statements(store)
    cached = await store.retrieve("dora")
    rows_read = [s for s in sent if "events.data" in s]
    assert rows_read == []  # only the aggregate query: the events came from the cache
    other_replica = ErasingSQLTrackerStore(domain=domain, dialect="sqlite", db=str(tmp_path / "tracker.db"))
    fresh = await other_replica.retrieve("dora")
    assert state(cached) == state(fresh)
    assert cached.get_slot("sector") == "hospitality"
    said = [e.text for e in cached.events if isinstance(e, UserUttered)]
    assert said == ["ho un agriturismo", "in Toscana", "circa 5 ore"]


async def test_another_replicas_turn_is_read(store, tmp_path, domain):
    other = ErasingSQLTrackerStore(domain=domain, dialect="sqlite", db=str(tmp_path / "tracker.db"))
    tracker = DialogueStateTracker("elio", domain.slots)
    turn(tracker, "primo", "uno")
    await store.save(tracker)
    assert (await other.retrieve("elio")) is not None  # cached by the other replica
    tracker = await store.retrieve("elio")
    turn(tracker, "secondo", "due", sector="retail")
    await store.save(tracker)  # on this replica

    sent = statements(other)
    seen = await other.retrieve("elio")
    assert [e.text for e in seen.events if isinstance(e, UserUttered)] == ["primo", "secondo"]
    assert seen.get_slot("sector") == "retail"
    # only the rows added since: not the whole conversation again
    assert [s for s in sent if "events.data" in s] == [] and any("id > " in s for s in sent)
    fresh = await ErasingSQLTrackerStore(domain=domain, dialect="sqlite",
                                         db=str(tmp_path / "tracker.db")).retrieve("elio")
    assert state(seen) == state(fresh)


async def test_an_erasure_on_another_replica_is_never_hidden_by_the_cache(store, tmp_path, domain):
    """SQLite may give the new rows the ids of the deleted ones, and as many: the latest time in
    the signature still tells them apart."""
    other = ErasingSQLTrackerStore(domain=domain, dialect="sqlite", db=str(tmp_path / "tracker.db"))
    tracker = DialogueStateTracker("fede", domain.slots)
    turn(tracker, "mi chiamo Fede, fede@example.com", "Ho preso nota", sector="legal_services")
    await store.save(tracker)
    cached = await other.retrieve("fede")
    assert cached.get_slot("sector") == "legal_services"

    tracker = await store.retrieve("fede")
    turn(tracker, "cancella i miei dati", "Fatto", action=ERASE_ACTION, reset=True)
    await store.save(tracker)

    seen = await other.retrieve("fede")
    assert seen.get_slot("sector") is None
    assert not [e for e in seen.events if isinstance(e, UserUttered)]


async def test_rows_deleted_behind_the_stores_back_are_gone(store, domain):
    tracker = DialogueStateTracker("gino", domain.slots)
    turn(tracker, "ciao", "Ciao!")
    await store.save(tracker)
    assert await store.retrieve("gino") is not None
    with create_engine(store.engine.url, future=True).begin() as connection:  # as the sales console erases
        connection.execute(text("delete from events where sender_id = 'gino'"))
    assert await store.retrieve("gino") is None


async def test_the_signature_query_aggregates_rasas_own_query(store, domain):
    """Over the rows Rasa's `_event_query` returns for the latest session, before and after a new
    session begins."""
    tracker = DialogueStateTracker("ivo", domain.slots)
    turn(tracker, "primo", "uno")
    await store.save(tracker)
    tracker = await store.retrieve("ivo")
    tracker.update(ActionExecuted("action_session_start"))
    tracker.update(SessionStarted())
    turn(tracker, "secondo", "due")
    await store.save(tracker)
    for sender in ("ivo", "nessuno"):
        with store.session_scope() as session:
            rows = store._event_query(session, sender, fetch_events_from_all_sessions=False).all()
            assert store._signature(session, sender) == signature_of([Row(r.id, r.timestamp, r.data) for r in rows])
    assert store.stored_count("ivo") == 5  # session_started, then the turn: that session only
    assert [e.text for e in (await store.retrieve("ivo")).events if isinstance(e, UserUttered)] == ["secondo"]


def test_conversations_sync_at_checkpoints_and_leads_at_every_commit(store, tmp_path):
    """WAL mode for both; conversations `synchronous = NORMAL` (a server crash loses nothing),
    confirmed leads FULL (bot/db.py)."""
    from bot import db

    with store.engine.connect() as connection:
        assert connection.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert connection.exec_driver_sql("PRAGMA synchronous").scalar() == 1  # NORMAL
    leads = db.engine(f"sqlite:///{tmp_path / 'bussola.db'}")
    with leads.connect() as connection:
        assert connection.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert connection.exec_driver_sql("PRAGMA synchronous").scalar() == 2  # FULL
    leads.dispose()
