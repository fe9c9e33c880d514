"""The check-in scheduler on SQLite and PostgreSQL with an injected clock: the three steps and their
dates, each due check-in sent exactly once (also with two workers at once, and by a new worker after
a restart or a worker that died holding a lease), nothing after "basta promemoria" or erasure, failed
sends tried again with backoff, and the request `trigger_in_rasa` makes to a stand-in for Rasa."""
from __future__ import annotations

import asyncio
import collections
import datetime as dt

import aiohttp
import pytest
from aiohttp import web
from aiohttp.test_utils import TestServer
from sqlalchemy import create_engine, func, select, text

from bot.leads import checkins
from bot.leads.checkins import CheckinWorker, DueCheckin, SendError
from bot.leads.models import Checkin
from bot.leads.store import LeadStore, LeadUpdate
from scripts.servers import free_port

T0 = dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.timezone.utc)  # the opt-in
TOKEN = "rasa-api-token-123"


def day(days: float, **extra) -> dt.datetime:
    return T0 + dt.timedelta(days=days, **extra)


class Clock:
    """The workers' time, moved by the test."""

    def __init__(self, moment: dt.datetime = T0):
        self.moment = moment

    def __call__(self) -> dt.datetime:
        return self.moment

    def at(self, moment: dt.datetime) -> "Clock":
        self.moment = moment
        return self


class Sender:
    """A fake `send`: records every call; the first `failures` calls raise; each call lasts `delay`
    seconds, or forever with `hang` (a worker that dies while sending)."""

    def __init__(self, failures: int = 0, delay: float = 0.0, hang: bool = False):
        self.failures, self.delay, self.hang = failures, delay, hang
        self.calls: list = []

    async def __call__(self, checkin: DueCheckin) -> None:
        self.calls.append(checkin)
        if self.hang:
            await asyncio.Event().wait()
        await asyncio.sleep(self.delay)
        if self.failures:
            self.failures -= 1
            raise SendError("HTTP 503: Rasa non risponde")

    @property
    def sent(self) -> list:
        return [(c.sender_id, c.channel, c.step) for c in self.calls]


@pytest.fixture
def store(leads_engine):
    return LeadStore(leads_engine, anonymous_days=30)


def lead(store: LeadStore, sender: str = "web-1") -> str:
    return store.apply(LeadUpdate(sender_id=sender, step="plan", channel="rest", at=T0.isoformat()))


def rows(engine) -> list:
    with engine.connect() as connection:
        return list(connection.execute(select(Checkin).order_by(Checkin.id)))


def checkin_count(engine) -> int:
    with engine.connect() as connection:
        return connection.execute(select(func.count()).select_from(Checkin)).scalar_one()


# --- planning -------------------------------------------------------------------------------------

def test_the_three_steps_are_planned_at_their_default_dates_once(store, leads_engine):
    public_id = lead(store)
    planned = checkins.schedule(leads_engine, "web-1", "widget", opted_in_at=T0)
    assert [(c["step"], c["due_at"], c["channel"], c["lead_public_id"]) for c in planned] == [
        (1, day(7), "widget", public_id), (2, day(14), "widget", public_id), (3, day(30), "widget", public_id)]
    # the same opt-in again, or a later one with another date, keeps what is planned
    assert checkins.schedule(leads_engine, "web-1", "widget", opted_in_at=T0) == planned
    assert checkins.schedule(leads_engine, "web-1", "widget", opted_in_at=day(1), first_due=day(3)) == planned
    assert checkin_count(leads_engine) == 3
    assert checkins.pending(leads_engine, public_id=public_id) == planned
    assert checkins.pending(leads_engine, sender_id="web-1") == planned
    assert checkins.pending(leads_engine, public_id="0" * 32) == []


def test_a_chosen_first_date_moves_the_whole_sequence(store, leads_engine):
    lead(store)
    planned = checkins.schedule(leads_engine, "web-1", "email", opted_in_at=T0, first_due=day(10))
    assert [c["due_at"] for c in planned] == [day(10), day(17), day(33)]
    # a naive date is UTC; an ISO text is read like the lead store's
    other = checkins.schedule(leads_engine, "web-1", "telegram", opted_in_at=T0.isoformat(),
                              first_due=day(7).replace(tzinfo=None))
    assert [c["due_at"] for c in other] == [day(7), day(14), day(30)]
    assert len(checkins.pending(leads_engine)) == 6


def test_planning_refuses_what_cannot_be_sent(store, leads_engine):
    lead(store)
    with pytest.raises(ValueError, match="channel"):
        checkins.schedule(leads_engine, "web-1", "fax", opted_in_at=T0)
    with pytest.raises(ValueError, match="before the opt-in"):
        checkins.schedule(leads_engine, "web-1", "widget", opted_in_at=T0, first_due=day(-1))
    with pytest.raises(ValueError, match="sender_id"):
        checkins.schedule(leads_engine, "", "widget", opted_in_at=T0, lead_sender_id="web-1")
    with pytest.raises(KeyError):
        checkins.schedule(leads_engine, "web-nobody", "widget", opted_in_at=T0)
    assert checkin_count(leads_engine) == 0


# --- sending exactly once -------------------------------------------------------------------------

async def test_a_checkin_due_after_seven_days_is_sent_on_day_seven_exactly_once(store, leads_engine):
    lead(store)
    [first, *_] = checkins.schedule(leads_engine, "web-1", "telegram", opted_in_at=T0)
    send, clock = Sender(), Clock()
    worker = CheckinWorker(leads_engine, send, clock=clock, worker_id="worker-a")

    assert (await worker.run_once()).sent == []
    clock.at(day(6, hours=23, minutes=59))
    assert (await worker.run_once()).sent == []
    assert send.calls == []

    clock.at(day(7))
    assert (await worker.run_once()).sent == [first["id"]]
    assert (await worker.run_once()).sent == []
    clock.at(day(8))
    assert (await worker.run_once()).sent == []
    assert send.sent == [("web-1", "telegram", 1)]
    [row, *_] = rows(leads_engine)
    assert (row.sent_at, row.attempts, row.claimed_by, row.last_error) == (day(7), 1, "worker-a", None)
    assert [c["step"] for c in checkins.pending(leads_engine)] == [2, 3]

    clock.at(day(40))  # the worker was off for weeks: the two left go out, once each
    assert len((await worker.run_once()).sent) == 2 and (await worker.run_once()).sent == []
    assert send.sent == [("web-1", "telegram", 1), ("web-1", "telegram", 2), ("web-1", "telegram", 3)]


async def test_two_workers_at_once_send_each_checkin_once(store, leads_engine):
    """Two replicas, each with its own engine (pool), polling the same database at the same time."""
    for n in range(8):
        lead(store, f"web-{n}")
        checkins.schedule(leads_engine, f"web-{n}", "telegram", opted_in_at=T0)
    other_engine = create_engine(leads_engine.url, future=True)
    send, clock = Sender(delay=0.005), Clock(day(31))
    try:
        first = CheckinWorker(leads_engine, send, clock=clock, worker_id="replica-1")
        second = CheckinWorker(other_engine, send, clock=clock, worker_id="replica-2")
        reports = await asyncio.gather(first.run_once(), second.run_once(), first.run_once(), second.run_once())
    finally:
        other_engine.dispose()
    sent = [checkin_id for report in reports for checkin_id in report.sent]
    assert sorted(sent) == sorted(row.id for row in rows(leads_engine)) and len(sent) == 24
    assert collections.Counter(c.id for c in send.calls) == {checkin_id: 1 for checkin_id in sent}
    assert {row.claimed_by for row in rows(leads_engine)} <= {"replica-1", "replica-2"}
    assert all(row.attempts == 1 for row in rows(leads_engine))


@pytest.mark.parametrize("db_engine", ["postgresql"], indirect=True)
async def test_a_checkin_another_replica_is_taking_is_skipped_not_waited_for(store, leads_engine):
    lead(store)
    planned = checkins.schedule(leads_engine, "web-1", "telegram", opted_in_at=T0)
    other_engine = create_engine(leads_engine.url, future=True)
    send = Sender()
    worker = CheckinWorker(leads_engine, send, clock=Clock(day(31)))
    try:
        with other_engine.connect() as replica:  # in the middle of its claim: the row is locked
            replica.execute(select(Checkin.id).where(Checkin.id == planned[0]["id"]).with_for_update())
            report = await asyncio.wait_for(worker.run_once(), 5)
            assert report.sent == [planned[1]["id"], planned[2]["id"]]
            replica.rollback()
    finally:
        other_engine.dispose()
    assert (await worker.run_once()).sent == [planned[0]["id"]]
    assert [c.step for c in send.calls] == [2, 3, 1]


async def test_a_new_worker_after_a_restart_resends_nothing_and_takes_over_an_expired_lease(store, leads_engine):
    lead(store)
    planned = checkins.schedule(leads_engine, "web-1", "telegram", opted_in_at=T0)
    clock = Clock(day(7))
    before = Sender()
    assert (await CheckinWorker(leads_engine, before, clock=clock).run_once()).sent == [planned[0]["id"]]

    # day 14: a worker takes step 2 and dies while sending it
    clock.at(day(14))
    dying = Sender(hang=True)
    task = asyncio.create_task(CheckinWorker(leads_engine, dying, clock=clock, worker_id="dead").run_once())
    while not dying.calls:
        await asyncio.sleep(0.01)
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    claimed = rows(leads_engine)[1]
    assert (claimed.claimed_by, claimed.claimed_at, claimed.sent_at) == ("dead", day(14), None)

    # the process starts again: a new worker, a new engine, the same database
    restarted = create_engine(leads_engine.url, future=True)
    after = Sender()
    try:
        worker = CheckinWorker(restarted, after, clock=clock, worker_id="new")
        clock.at(day(14, minutes=1))
        assert (await worker.run_once()).sent == []  # the lease still holds: maybe it is being sent
        clock.at(day(14) + checkins.LEASE)
        assert (await worker.run_once()).sent == [planned[1]["id"]]
        assert (await worker.run_once()).sent == []
        clock.at(day(30))
        assert (await worker.run_once()).sent == [planned[2]["id"]]
    finally:
        restarted.dispose()
    assert [c.step for c in after.calls] == [2, 3]  # step 1, sent before the restart, never again
    first, *later = rows(leads_engine)
    assert first.claimed_by.count(":") == 2 and [row.claimed_by for row in later] == ["new", "new"]

async def test_a_failed_send_is_tried_again_later_and_then_sent_once(store, leads_engine):
    lead(store)
    [first, *_] = checkins.schedule(leads_engine, "web-1", "telegram", opted_in_at=T0)
    send, clock = Sender(failures=2), Clock(day(7))
    worker = CheckinWorker(leads_engine, send, clock=clock)

    assert (await worker.run_once()).failed == [first["id"]]
    assert len(send.calls) == 1  # once a round
    row = rows(leads_engine)[0]
    assert (row.attempts, row.last_error, row.claimed_by, row.sent_at) == (1, "HTTP 503: Rasa non risponde", None, None)
    assert 2 <= (row.next_attempt_at - day(7)).total_seconds() <= 2.2  # the outbox's backoff
    assert row.due_at == day(7)  # the planned date stays

    clock.at(day(7, seconds=1))
    assert (await worker.run_once()).failed == [] and len(send.calls) == 1  # not yet
    clock.at(day(7, seconds=3))
    assert (await worker.run_once()).failed == [first["id"]]
    assert 4 <= (rows(leads_engine)[0].next_attempt_at - day(7, seconds=3)).total_seconds() <= 4.4
    clock.at(day(7, seconds=8))
    assert (await worker.run_once()).sent == [first["id"]]
    clock.at(day(8))
    assert (await worker.run_once()).sent == []
    assert [c.step for c in send.calls] == [1, 1, 1]
    row = rows(leads_engine)[0]
    assert (row.attempts, row.sent_at, row.last_error) == (3, day(7, seconds=8), "HTTP 503: Rasa non risponde")


async def test_a_checkin_that_keeps_failing_for_days_is_given_up(store, leads_engine):
    lead(store)
    [first, *_] = checkins.schedule(leads_engine, "web-1", "telegram", opted_in_at=T0)
    send, clock = Sender(failures=10 ** 6), Clock(day(7))
    worker = CheckinWorker(leads_engine, send, clock=clock)
    assert (await worker.run_once()).failed == [first["id"]]
    clock.at(day(7) + checkins.GIVE_UP_AFTER)
    assert (await worker.run_once()).given_up == [first["id"]]
    clock.at(day(11))
    assert (await worker.run_once()).given_up == []
    assert rows(leads_engine)[0].cancelled_at == day(7) + checkins.GIVE_UP_AFTER
    assert [c["step"] for c in checkins.pending(leads_engine)] == [2, 3]


# --- stop and erasure -----------------------------------------------------------------------------

async def test_nothing_is_sent_after_stop(store, leads_engine):
    lead(store)
    checkins.schedule(leads_engine, "web-1", "widget", opted_in_at=T0)
    checkins.schedule(leads_engine, "web-1", "email", opted_in_at=T0)
    send, clock = Sender(), Clock(day(7))
    worker = CheckinWorker(leads_engine, send, clock=clock)
    assert len((await worker.run_once()).sent) == 2

    assert checkins.stop(leads_engine, "web-1", at=day(8)) == 4  # "basta promemoria": every channel
    assert checkins.stop(leads_engine, "web-1", at=day(9)) == 0
    assert checkins.pending(leads_engine) == []
    clock.at(day(60))
    assert (await worker.run_once()).sent == []
    assert [c.step for c in send.calls] == [1, 1]
    assert [row.cancelled_at for row in rows(leads_engine) if row.sent_at is None] == [day(8)] * 4

    # a new opt-in plans again what was cancelled, not what was sent
    planned = checkins.schedule(leads_engine, "web-1", "widget", opted_in_at=day(60))
    assert [(c["step"], c["due_at"]) for c in planned] == [(2, day(74)), (3, day(90))]
    clock.at(day(74))
    assert (await worker.run_once()).sent == [planned[0]["id"]]


async def test_stop_in_the_conversation_that_is_continued_stops_the_lead_too(store, leads_engine):
    lead(store, "web-1")
    lead(store, "web-2")
    # a website visitor who chose Telegram: the check-ins continue the Telegram chat
    checkins.schedule(leads_engine, "tg-42", "telegram", opted_in_at=T0, lead_sender_id="web-1")
    checkins.schedule(leads_engine, "web-2", "widget", opted_in_at=T0)
    assert {c["sender_id"] for c in checkins.pending(leads_engine)} == {"tg-42", "web-2"}
    assert checkins.stop(leads_engine, "tg-42", at=day(1)) == 3
    assert [c["sender_id"] for c in checkins.pending(leads_engine)] == ["web-2"] * 3
    send = Sender()
    await CheckinWorker(leads_engine, send, clock=Clock(day(31))).run_once()
    assert {c.sender_id for c in send.calls} == {"web-2"}


async def test_nothing_is_sent_after_erasure(store, leads_engine):
    lead(store, "web-1")
    lead(store, "web-2")
    checkins.schedule(leads_engine, "web-1", "widget", opted_in_at=T0)
    checkins.schedule(leads_engine, "tg-42", "telegram", opted_in_at=T0, lead_sender_id="web-2")
    send, clock = Sender(), Clock(day(7))
    worker = CheckinWorker(leads_engine, send, clock=clock)
    assert len((await worker.run_once()).sent) == 2

    assert store.erase("web-1") is True  # the lead and all its check-ins, sent ones too
    assert {row.sender_id for row in rows(leads_engine)} == {"tg-42"}
    # erasing the Telegram conversation the other lead's check-ins continue deletes them too
    assert store.erase("tg-42") is False
    assert checkin_count(leads_engine) == 0 and store.by_sender("web-2") is not None
    clock.at(day(60))
    assert (await worker.run_once()).sent == [] and len(send.calls) == 2


async def test_a_checkin_whose_lead_is_gone_is_never_sent(store, leads_engine):
    lead(store)
    checkins.schedule(leads_engine, "web-1", "widget", opted_in_at=T0)
    with leads_engine.begin() as connection:  # the lead alone, as a hand-written DELETE would
        connection.execute(text("DELETE FROM status_changes"))
        connection.execute(text("DELETE FROM leads"))
    # PostgreSQL cascades; SQLite keeps the rows (no PRAGMA foreign_keys), the worker skips them
    assert checkin_count(leads_engine) == (3 if leads_engine.dialect.name == "sqlite" else 0)
    send = Sender()
    assert (await CheckinWorker(leads_engine, send, clock=Clock(day(60))).run_once()).sent == []
    assert send.calls == [] and checkins.pending(leads_engine) == []


def test_purging_an_expired_anonymous_lead_deletes_its_checkins(store, leads_engine):
    lead(store)
    checkins.schedule(leads_engine, "web-1", "widget", opted_in_at=T0)
    assert store.purge_expired(now=day(31)) == 1
    assert checkin_count(leads_engine) == 0


async def test_run_forever_sends_until_stopped(store, leads_engine):
    lead(store)
    checkins.schedule(leads_engine, "web-1", "widget", opted_in_at=T0)
    send, stop_event = Sender(), asyncio.Event()
    worker = CheckinWorker(leads_engine, send, clock=Clock(day(31)))
    task = asyncio.create_task(worker.run_forever(interval=0.01, stop_event=stop_event))
    while len(send.calls) < 3:
        await asyncio.sleep(0.01)
    await asyncio.sleep(0.05)  # more rounds: nothing again
    stop_event.set()
    await asyncio.wait_for(task, 2)
    assert [c.step for c in send.calls] == [1, 2, 3]


# --- Rasa -----------------------------------------------------------------------------------------

class FakeRasa:
    """Rasa's `POST /conversations/{id}/trigger_intent`: records each request, answers with the
    next status of `statuses` (200 once they run out) and, on 200, with collected messages."""

    def __init__(self) -> None:
        self.requests: list = []
        self.statuses: list = []
        self.url = ""

    async def _trigger(self, request: web.Request) -> web.Response:
        self.requests.append({"raw_path": request.raw_path.split("?")[0],
                              "conversation": request.match_info["conversation"],
                              "query": dict(request.query), "body": await request.json()})
        status = self.statuses.pop(0) if self.statuses else 200
        if status != 200:
            return web.json_response({"status": "failure", "reason": "ConversationError"}, status=status)
        messages = [{"recipient_id": request.match_info["conversation"], "text": "Com'è andato l'ascolto?"}] \
            if request.query.get("output_channel") == "collector" else []
        return web.json_response({"tracker": {}, "messages": messages})

    def app(self) -> web.Application:
        app = web.Application()
        app.router.add_post("/conversations/{conversation}/trigger_intent", self._trigger)
        return app


@pytest.fixture
async def rasa():
    fake = FakeRasa()
    server = TestServer(fake.app(), host="127.0.0.1")
    await server.start_server()
    fake.url = str(server.make_url("/"))
    yield fake
    await server.close()


def due(sender: str = "tg-42", channel: str = "telegram", step: int = 1) -> DueCheckin:
    return DueCheckin(id=1, lead_id=1, sender_id=sender, channel=channel, step=step, due_at=day(7), attempts=0)


async def test_trigger_in_rasa_posts_the_intent_with_the_step_and_the_token(rasa):
    async with aiohttp.ClientSession() as session:
        assert await checkins.trigger_in_rasa(session, rasa.url, TOKEN, due()) == []
        sales = "web-abcdefghijklmnopqrstuvwxyz#prospect"
        messages = await checkins.trigger_in_rasa(session, rasa.url.rstrip("/"), TOKEN,
                                                  due(sales, "widget", 3))
    assert messages == [{"recipient_id": sales, "text": "Com'è andato l'ascolto?"}]
    telegram, widget = rasa.requests
    assert telegram == {"raw_path": "/conversations/tg-42/trigger_intent", "conversation": "tg-42",
                        "query": {"output_channel": "telegram", "token": TOKEN},
                        "body": {"name": "EXTERNAL_checkin", "entities": [{"entity": "checkin_step", "value": "1"}]}}
    # the id is one path segment, whatever it holds; a channel Rasa does not send to is collected
    assert widget["raw_path"] == "/conversations/web-abcdefghijklmnopqrstuvwxyz%23prospect/trigger_intent"
    assert widget["conversation"] == sales
    assert widget["query"] == {"output_channel": "collector", "token": TOKEN}
    assert widget["body"]["entities"] == [{"entity": "checkin_step", "value": "3"}]


async def test_trigger_in_rasa_reports_failures_without_the_token(rasa):
    rasa.statuses = [401]
    async with aiohttp.ClientSession() as session:
        with pytest.raises(SendError, match="HTTP 401") as refused:
            await checkins.trigger_in_rasa(session, rasa.url, TOKEN, due())
        with pytest.raises(SendError, match="Connect") as down:
            await checkins.trigger_in_rasa(session, f"http://127.0.0.1:{free_port()}", TOKEN, due())
    assert TOKEN not in str(refused.value) and TOKEN not in str(down.value)


async def test_the_worker_through_rasa_retries_a_refusal_and_then_sends_once(store, leads_engine, rasa):
    lead(store)
    checkins.schedule(leads_engine, "tg-42", "telegram", opted_in_at=T0, lead_sender_id="web-1")
    rasa.statuses = [500]
    clock = Clock(day(7))
    async with aiohttp.ClientSession() as session:
        worker = CheckinWorker(leads_engine, checkins.rasa_sender(session, rasa.url, TOKEN), clock=clock)
        assert len((await worker.run_once()).failed) == 1
        assert rows(leads_engine)[0].last_error.startswith("HTTP 500")
        clock.at(day(7, minutes=1))
        assert len((await worker.run_once()).sent) == 1
        assert (await worker.run_once()).sent == []
    assert [r["body"]["entities"][0]["value"] for r in rasa.requests] == ["1", "1"]
