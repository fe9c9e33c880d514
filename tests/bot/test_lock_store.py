"""The SQLite lock store: Rasa's ticket-lock semantics, shared between processes."""
from __future__ import annotations

import asyncio
import multiprocessing

import pytest
from rasa.core.lock_store import LockStore
from rasa.utils.endpoints import EndpointConfig

from bot.lock_store import SQLiteLockStore


@pytest.fixture
def store(tmp_path):
    return SQLiteLockStore(db=str(tmp_path / "locks.db"))


def test_created_from_endpoints_like_rasa_does(tmp_path):
    config = EndpointConfig(type="bot.lock_store.SQLiteLockStore", db=str(tmp_path / "l.db"))
    store = LockStore.create(config)
    assert isinstance(store, SQLiteLockStore) and store.path == tmp_path / "l.db"


def test_tickets_are_served_in_order_and_the_lock_goes_when_done(store):
    first, second = store.issue_ticket("c1"), store.issue_ticket("c1")
    assert second == first + 1
    lock = store.get_lock("c1")
    assert not lock.is_locked(first) and lock.is_locked(second)
    store.cleanup("c1", first)
    assert not store.get_lock("c1").is_locked(second)
    store.cleanup("c1", second)
    assert store.get_lock("c1") is None


def test_expired_tickets_do_not_block(store):
    store.issue_ticket("c2", lock_lifetime=-1)  # already expired
    fresh = store.issue_ticket("c2")
    assert not store.get_lock("c2").is_locked(fresh)
    assert [t.number for t in store.get_lock("c2").tickets] == [fresh]  # the expired one is gone


async def test_the_lock_context_waits_for_the_earlier_message(store):
    order = []

    async def handle(name: str, delay: float) -> None:
        async with store.lock("c3", wait_time_in_seconds=0.01):
            order.append(f"{name} in")
            await asyncio.sleep(delay)
            order.append(f"{name} out")

    await asyncio.gather(handle("a", 0.05), handle("b", 0))
    assert order == ["a in", "a out", "b in", "b out"]
    assert store.get_lock("c3") is None


def _issue_many(path: str, count: int, queue) -> None:
    store = SQLiteLockStore(db=path)
    queue.put([store.issue_ticket("shared") for _ in range(count)])


def test_two_processes_never_get_the_same_ticket(tmp_path):
    """What the Redis store of Rasa cannot promise: reads and writes of a lock are one step."""
    path = str(tmp_path / "locks.db")
    SQLiteLockStore(db=path)
    queue = multiprocessing.get_context("spawn").Queue()
    procs = [multiprocessing.get_context("spawn").Process(target=_issue_many, args=(path, 50, queue))
             for _ in range(2)]
    for p in procs:
        p.start()
    tickets = queue.get(timeout=60) + queue.get(timeout=60)
    for p in procs:
        p.join(30)
    assert sorted(tickets) == list(range(100))
