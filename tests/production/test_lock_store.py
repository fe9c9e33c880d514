"""bot.resilience.RedisLockStore on the machine's Redis: two stores stand for two Rasa replicas."""
from __future__ import annotations

import asyncio
import concurrent.futures
import secrets

import pytest

from rasa.core.lock_store import LockError
from rasa.utils.endpoints import EndpointConfig

from bot.resilience import RedisLockStore

pytestmark = pytest.mark.production


@pytest.fixture
def stores(services):
    prefix = "bussolatest" + secrets.token_hex(4)
    config = EndpointConfig(url="127.0.0.1", type="bot.resilience.RedisLockStore", port="6379", db="0",
                            password="", key_prefix=prefix, use_ssl="false")
    made = [RedisLockStore(endpoint_config=config) for _ in range(2)]
    yield made
    keys = list(made[0].red.scan_iter(match=f"{prefix}:*"))
    if keys:
        made[0].red.delete(*keys)


def test_tickets_issued_at_once_by_two_replicas_are_all_different(stores):
    with concurrent.futures.ThreadPoolExecutor(16) as pool:
        tickets = list(pool.map(lambda i: stores[i % 2].issue_ticket("anna", 30), range(80)))
    assert sorted(tickets) == list(range(80))  # none lost, none given twice
    lock = stores[1].get_lock("anna")
    assert len(lock.tickets) == 80 and lock.now_serving == 0
    for ticket in sorted(tickets):
        stores[ticket % 2].cleanup("anna", ticket)
    assert stores[0].get_lock("anna") is None  # the last one out deletes the lock


async def test_one_conversation_is_served_one_turn_at_a_time_across_replicas(stores):
    order = []

    async def turn(store, name):
        async with store.lock("anna", wait_time_in_seconds=0.01):
            order.append(f"{name} in")
            await asyncio.sleep(0.05)
            order.append(f"{name} out")

    await asyncio.gather(turn(stores[0], "a"), turn(stores[1], "b"), turn(stores[0], "c"))
    assert all(order[i].split()[0] == order[i + 1].split()[0] for i in range(0, len(order), 2))


def test_an_unreachable_redis_is_a_lock_error_not_a_hang(services):
    config = EndpointConfig(url="127.0.0.1", port="1", db="0", password="", key_prefix="x", use_ssl="false")
    with pytest.raises(LockError):
        RedisLockStore(endpoint_config=config).issue_ticket("anna")
