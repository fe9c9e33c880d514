"""The outbox worker against a real HTTP receiver on loopback that fails (500, refused connection,
client errors, timeouts) and recovers: every notification arrives, once, with its Idempotency-Key,
and the retries back off."""
from __future__ import annotations

import asyncio
import collections
import datetime as dt
import logging

import aiohttp
import pytest
from aiohttp import web
from sqlalchemy import create_engine, select
from sqlalchemy.orm import Session

from bot.leads import migrate, outbox
from bot.leads.models import OutboxMessage
from bot.leads.models import now as utc_now
from bot.leads.store import LeadStore, LeadUpdate
from scripts.servers import free_port


class Receiver:
    """The sales team's webhook: answers each request with the next status of `statuses` (200 once
    they run out), after `delay` seconds; can be stopped (connection refused) and started again."""

    def __init__(self) -> None:
        self.port = free_port()
        self.statuses: list = []
        self.delay = 0.0
        self.requests: list = []  # (Idempotency-Key, Content-Type, body) of every request
        self.accepted: collections.Counter = collections.Counter()  # Idempotency-Key -> 2xx answers
        self._runner = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/hooks/bussola"

    async def _handle(self, request: web.Request) -> web.Response:
        key = request.headers.get("Idempotency-Key")
        self.requests.append((key, request.headers.get("Content-Type"), await request.json()))
        await asyncio.sleep(self.delay)
        status = self.statuses.pop(0) if self.statuses else 200
        if status < 300:
            self.accepted[key] += 1
        return web.json_response({"ok": status < 300}, status=status)

    async def start(self) -> "Receiver":
        app = web.Application()
        app.router.add_post("/hooks/bussola", self._handle)
        self._runner = web.AppRunner(app)
        await self._runner.setup()
        await web.TCPSite(self._runner, "127.0.0.1", self.port).start()
        return self

    async def stop(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None


@pytest.fixture
async def receiver():
    running = await Receiver().start()
    yield running
    await running.stop()


@pytest.fixture
def sqlite_store(tmp_path) -> LeadStore:
    engine = create_engine(f"sqlite:///{tmp_path / 'leads.db'}", future=True)
    migrate.upgrade(engine)
    yield LeadStore(engine)
    engine.dispose()


def seed(store: LeadStore, count: int) -> list:
    """`count` leads that asked for a call, each with one handoff notification; their keys."""
    keys = []
    for n in range(count):
        key = f"handoff:web-{n}"
        store.apply(LeadUpdate(sender_id=f"web-{n}", step="handoff", status="handoff_requested", notify={
            "kind": "handoff", "dedup_key": key,
            "payload": {"type": "bussola.handoff", "lead": f"web-{n}", "testo": "Vuole una consulenza è già"}}))
        keys.append(key)
    return keys


def rows(store: LeadStore) -> list:
    with Session(store.engine) as session:
        return list(session.execute(select(OutboxMessage).order_by(OutboxMessage.id)).scalars())


def waits(store: LeadStore, since: dt.datetime) -> list:
    """Seconds from `since` to each message's next attempt."""
    return [(row.next_attempt_at - since).total_seconds() for row in rows(store)]


async def test_every_notification_arrives_once_through_failures_with_growing_backoff(leads_engine, receiver):
    store = LeadStore(leads_engine)
    keys = seed(store, 3)
    receiver.statuses = [500, 500, 500]
    async with aiohttp.ClientSession() as session:
        start = utc_now()
        report = await outbox.deliver_due(store, receiver.url, session, now=start)
        assert report.failed == [row.id for row in rows(store)] and report.delivered == []
        assert all(2 <= wait <= 2.2 for wait in waits(store, start))
        assert all(row.last_error.startswith("HTTP 500") for row in rows(store))

        early = await outbox.deliver_due(store, receiver.url, session, now=start + dt.timedelta(seconds=1))
        assert early.delivered == early.failed == []  # not due yet: the backoff holds

        await receiver.stop()  # connection refused
        refused_at = start + dt.timedelta(seconds=10)
        report = await outbox.deliver_due(store, receiver.url, session, now=refused_at)
        assert len(report.failed) == 3
        assert all(4 <= wait <= 4.4 for wait in waits(store, refused_at))
        assert all("Connect" in row.last_error for row in rows(store))
        again_at = refused_at + dt.timedelta(seconds=5)
        await outbox.deliver_due(store, receiver.url, session, now=again_at)
        assert all(8 <= wait <= 8.8 for wait in waits(store, again_at))

        await receiver.start()
        later = again_at + dt.timedelta(hours=1)
        report = await outbox.deliver_due(store, receiver.url, session, now=later)
        assert len(report.delivered) == 3 and report.failed == []
        after = await outbox.deliver_due(store, receiver.url, session, now=later + dt.timedelta(days=1))
        assert after.delivered == after.failed == [] and after.pending == 0

    assert receiver.accepted == {key: 1 for key in keys}  # each arrived, and only once
    assert all(row.delivered_at is not None and row.attempts == 4 for row in rows(store))
    key, content_type, body = receiver.requests[-1]
    assert content_type == "application/json"
    assert body == {"type": "bussola.handoff", "lead": key.split(":")[1], "testo": "Vuole una consulenza è già"}


async def test_client_errors_are_retried_and_logged_as_a_receiver_problem(sqlite_store, receiver, caplog):
    seed(sqlite_store, 1)
    receiver.statuses = [400, 429]
    caplog.set_level(logging.INFO, logger="bot.leads.outbox")
    moment = utc_now()
    async with aiohttp.ClientSession() as session:
        for _ in range(3):
            moment += dt.timedelta(hours=1)
            await outbox.deliver_due(sqlite_store, receiver.url, session, now=moment)
    refused = [r for r in caplog.records if r.levelno == logging.WARNING and "refused" in r.getMessage()]
    assert len(refused) == 1 and "HTTP 400" in refused[0].getMessage()  # 429 is only "later"
    assert list(receiver.accepted.values()) == [1] and len(receiver.requests) == 3


async def test_a_timed_out_delivery_is_retried_with_the_same_key(sqlite_store, receiver, monkeypatch):
    [key] = seed(sqlite_store, 1)
    monkeypatch.setattr(outbox, "TIMEOUT", aiohttp.ClientTimeout(total=0.2))
    receiver.delay = 1.0
    async with aiohttp.ClientSession() as session:
        report = await outbox.deliver_due(sqlite_store, receiver.url, session)
        assert report.failed and rows(sqlite_store)[0].last_error.startswith("timeout")
        receiver.delay = 0
        report = await outbox.deliver_due(sqlite_store, receiver.url, session,
                                          now=utc_now() + dt.timedelta(minutes=1))
        assert report.delivered
    # the receiver may have taken the first one after all: the repeated key lets it drop the copy
    assert [request[0] for request in receiver.requests] == [key, key]


async def test_without_a_webhook_url_messages_stay_pending(sqlite_store, caplog):
    seed(sqlite_store, 2)
    async with aiohttp.ClientSession() as session:
        report = await outbox.deliver_due(sqlite_store, None, session)
    assert report.pending == 2 and report.delivered == report.failed == []
    assert all(row.attempts == 0 and row.delivered_at is None for row in rows(sqlite_store))
    assert "BUSSOLA_SALES_WEBHOOK_URL is not set" in caplog.text

    stop = asyncio.Event()
    worker = asyncio.create_task(outbox.run_worker(sqlite_store, None, stop, interval=0.01))
    await asyncio.sleep(0.05)
    stop.set()
    await asyncio.wait_for(worker, 1)
    assert len(sqlite_store.due_messages(utc_now())) == 2


async def test_the_worker_delivers_everything_once_after_the_receiver_recovers(sqlite_store, receiver, monkeypatch):
    monkeypatch.setattr(outbox, "BASE_DELAY", 0.05)  # retries within the test's patience
    keys = seed(sqlite_store, 3)
    receiver.statuses = [500] * 4
    stop = asyncio.Event()
    worker = asyncio.create_task(outbox.run_worker(sqlite_store, receiver.url, stop, interval=0.02))
    for _ in range(500):
        if len(receiver.accepted) == 3:
            break
        await asyncio.sleep(0.02)
    await asyncio.sleep(0.2)  # a few more rounds: nothing may go out again
    stop.set()
    await asyncio.wait_for(worker, 6)
    assert receiver.accepted == {key: 1 for key in keys}
    assert sqlite_store.due_messages(utc_now() + dt.timedelta(days=1)) == []


@pytest.mark.parametrize("db_engine", ["postgresql"], indirect=True)
async def test_two_sales_servers_do_not_both_deliver_on_postgresql(leads_engine, receiver):
    keys = seed(LeadStore(leads_engine), 3)
    other_engine = create_engine(leads_engine.url, future=True)  # the second server's own pool
    receiver.delay = 0.2
    try:
        async with aiohttp.ClientSession() as first, aiohttp.ClientSession() as second:
            reports = await asyncio.gather(
                outbox.deliver_due(LeadStore(leads_engine), receiver.url, first),
                outbox.deliver_due(LeadStore(other_engine), receiver.url, second))
    finally:
        other_engine.dispose()
    assert sorted(len(report.delivered) for report in reports) == [0, 3]
    assert [request[0] for request in receiver.requests] == keys


def test_retry_delay_doubles_up_to_ten_minutes_with_a_little_jitter():
    for attempts, base in ((0, 2), (1, 4), (2, 8), (5, 64), (9, 600), (40, 600)):
        delay = outbox.retry_delay(attempts)
        assert base <= delay <= base * 1.1
