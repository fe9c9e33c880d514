"""The persisted check-in scheduler (docs/coaching.md): a lead's planned check-ins are rows of
`checkins`, and a worker polls for the due ones and continues the conversation through Rasa.

`schedule` plans the three steps of a lead on a channel (idempotent), `stop` cancels what is still
pending ("basta promemoria"), `pending` lists it. `CheckinWorker` sends each due check-in exactly
once: it takes one row at a time with a lease (`claimed_at`, `claimed_by`), atomically — on
PostgreSQL with `SELECT … FOR UPDATE SKIP LOCKED`, so replicas never take the same row nor wait for
each other; on SQLite inside a write transaction (`BEGIN IMMEDIATE`) — then sends it and marks it
sent. A failed send is tried again with the outbox's backoff; a lease left by a worker that died is
taken over once it has expired. The one case that sends twice is a worker dying after Rasa took the
check-in and before the row says so: no scheduler can tell that case apart without the receiver's
help.

`send` is injected: `trigger_in_rasa` in production, a fake in the tests. No Rasa import.
"""
from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import logging
import os
import socket
import uuid
from dataclasses import dataclass, field
from typing import Any, Awaitable, Callable, Dict, List, Optional
from urllib.parse import quote

import aiohttp
from sqlalchemy import and_, or_, select, update
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from bot.leads import models
from bot.leads.models import CHECKIN_CHANNELS, CHECKIN_STEPS, Checkin, Lead
from bot.leads.outbox import retry_delay
from bot.leads.store import _max_length, _text, parse_time

logger = logging.getLogger(__name__)

# Days from the opt-in to each step: the listening weeks, the first contributions, a month's review.
DEFAULT_OFFSETS = {1: dt.timedelta(days=7), 2: dt.timedelta(days=14), 3: dt.timedelta(days=30)}
LEASE = dt.timedelta(minutes=5)     # far longer than a send (TIMEOUT) and any clock skew between replicas
GIVE_UP_AFTER = dt.timedelta(days=3)  # a check-in still failing this long after its date is stale
BATCH = 50                          # check-ins tried per round at most
INTENT = "EXTERNAL_checkin"
STEP_ENTITY = "checkin_step"
TIMEOUT = aiohttp.ClientTimeout(total=10)
# Rasa's `output_channel`: a channel it knows sends the reply itself (Telegram); any other name
# gives Rasa's collecting channel, whose messages come back in the answer (widget, email: the
# delivery of those is not built yet, docs/coaching.md).
OUTPUT_CHANNELS = {"telegram": "telegram"}
COLLECTOR = "collector"

Clock = Callable[[], dt.datetime]


@dataclass(frozen=True)
class DueCheckin:
    """What a send needs to know of a check-in."""
    id: int
    lead_id: int
    sender_id: str
    channel: str
    step: int
    due_at: dt.datetime
    attempts: int  # failed sends before this one


Send = Callable[[DueCheckin], Awaitable[Any]]


@dataclass
class CheckinReport:
    sent: List[int] = field(default_factory=list)      # check-in ids
    failed: List[int] = field(default_factory=list)    # tried again later
    given_up: List[int] = field(default_factory=list)  # failed for GIVE_UP_AFTER past their date: cancelled


class SendError(Exception):
    """Rasa did not take the check-in; the message never carries the API token."""


def _row(checkin: Checkin, public_id: str) -> Dict[str, Any]:
    return {"id": checkin.id, "lead_public_id": public_id, "sender_id": checkin.sender_id,
            "channel": checkin.channel, "step": checkin.step, "due_at": checkin.due_at,
            "next_attempt_at": checkin.next_attempt_at, "attempts": checkin.attempts,
            "last_error": checkin.last_error, "claimed_by": checkin.claimed_by, "sent_at": checkin.sent_at,
            "cancelled_at": checkin.cancelled_at, "created_at": checkin.created_at}


def _open() -> Any:
    return and_(Checkin.sent_at.is_(None), Checkin.cancelled_at.is_(None))


# --- planning -------------------------------------------------------------------------------------

def schedule(engine: Engine, sender_id: str, channel: str, opted_in_at: Optional[dt.datetime] = None,
             first_due: Optional[dt.datetime] = None, lead_sender_id: Optional[str] = None) -> List[Dict[str, Any]]:
    """Plans the three check-ins of a lead on `channel`, continuing the conversation `sender_id`;
    the lead is the one of `lead_sender_id` (default: `sender_id`). Step 1 is due at `first_due`
    (default: 7 days after `opted_in_at`, now by default), steps 2 and 3 keep their distance from
    it (7 and 23 days). Steps already planned keep their dates, so calling it again adds nothing;
    steps cancelled by `stop` and never sent are planned again (a new opt-in). KeyError when the
    lead does not exist, ValueError for an unknown channel or a first date before the opt-in.
    Returns the lead's pending check-ins on `channel`."""
    if channel not in CHECKIN_CHANNELS:
        raise ValueError(f"unknown check-in channel {channel!r}: one of {CHECKIN_CHANNELS}")
    _text("sender_id", sender_id, _max_length(Checkin, "sender_id"), required=True)
    opted_in_at = parse_time(opted_in_at or models.now())
    first_due = parse_time(first_due) if first_due is not None else opted_in_at + DEFAULT_OFFSETS[1]
    if first_due < opted_in_at:
        raise ValueError("the first check-in cannot be before the opt-in")
    shift = first_due - opted_in_at - DEFAULT_OFFSETS[1]
    due = {step: opted_in_at + DEFAULT_OFFSETS[step] + shift for step in CHECKIN_STEPS}
    try:
        return _schedule_once(engine, sender_id, channel, opted_in_at, due, lead_sender_id or sender_id)
    except IntegrityError:
        # the same opt-in was being scheduled by another process: its rows exist now
        return _schedule_once(engine, sender_id, channel, opted_in_at, due, lead_sender_id or sender_id)


def _schedule_once(engine: Engine, sender_id: str, channel: str, opted_in_at: dt.datetime,
                   due: Dict[int, dt.datetime], lead_sender_id: str) -> List[Dict[str, Any]]:
    with Session(engine) as session, session.begin():
        lead = session.execute(select(Lead.id, Lead.public_id).where(Lead.sender_id == lead_sender_id)).first()
        if lead is None:
            raise KeyError(lead_sender_id)
        planned = {c.step: c for c in session.execute(select(Checkin).where(
            Checkin.lead_id == lead.id, Checkin.channel == channel)).scalars()}
        for step in CHECKIN_STEPS:
            checkin = planned.get(step)
            if checkin is None:
                session.add(Checkin(lead_id=lead.id, sender_id=sender_id, channel=channel, step=step,
                                    due_at=due[step], next_attempt_at=due[step], attempts=0,
                                    created_at=opted_in_at))
            elif checkin.cancelled_at is not None and checkin.sent_at is None:
                checkin.sender_id, checkin.due_at, checkin.next_attempt_at = sender_id, due[step], due[step]
                checkin.cancelled_at = checkin.claimed_at = checkin.claimed_by = checkin.last_error = None
                checkin.attempts = 0
        rows = session.execute(select(Checkin).where(Checkin.lead_id == lead.id, Checkin.channel == channel,
                                                     _open()).order_by(Checkin.step)).scalars()
        return [_row(checkin, lead.public_id) for checkin in rows]


def stop(engine: Engine, sender_id: str, at: Optional[dt.datetime] = None) -> int:
    """Cancels every pending check-in of the person writing in `sender_id` ("basta promemoria"):
    those continuing this conversation and those of its lead on any channel. How many."""
    moment = parse_time(at or models.now())
    lead_ids = select(Lead.id).where(Lead.sender_id == sender_id)
    with engine.begin() as connection:
        return connection.execute(update(Checkin).where(
            _open(), or_(Checkin.sender_id == sender_id, Checkin.lead_id.in_(lead_ids)))
            .values(cancelled_at=moment)).rowcount


def pending(engine: Engine, public_id: Optional[str] = None, sender_id: Optional[str] = None) -> List[Dict[str, Any]]:
    """Check-ins neither sent nor cancelled, by due date: of one lead (public id), of one
    conversation, or all of them."""
    query = select(Checkin, Lead.public_id).join(Lead, Lead.id == Checkin.lead_id).where(_open())
    if public_id is not None:
        query = query.where(Lead.public_id == public_id)
    if sender_id is not None:
        query = query.where(Checkin.sender_id == sender_id)
    with Session(engine) as session:
        return [_row(checkin, public) for checkin, public in
                session.execute(query.order_by(Checkin.due_at, Checkin.id))]


# --- sending --------------------------------------------------------------------------------------

async def trigger_in_rasa(session: aiohttp.ClientSession, rasa_url: str, token: str,
                          checkin: DueCheckin) -> List[Dict[str, Any]]:
    """Continues the check-in's conversation in Rasa: `POST /conversations/{id}/trigger_intent`
    with the intent `EXTERNAL_checkin` and the entity `checkin_step`, so the dialogue stays in
    Rasa. Returns the messages Rasa collected (channels it does not send to itself); SendError
    when Rasa did not take it."""
    url = f"{rasa_url.rstrip('/')}/conversations/{quote(checkin.sender_id, safe='')}/trigger_intent"
    params = {"output_channel": OUTPUT_CHANNELS.get(checkin.channel, COLLECTOR), "token": token}
    body = {"name": INTENT, "entities": [{"entity": STEP_ENTITY, "value": str(checkin.step)}]}
    try:
        async with session.post(url, params=params, json=body, timeout=TIMEOUT,
                                allow_redirects=False) as response:
            if 200 <= response.status < 300:
                try:
                    return (await response.json(content_type=None)).get("messages") or []
                except (ValueError, AttributeError):  # Rasa took it: a failure now would send it twice
                    return []
            detail = (await response.text(errors="replace"))[:200]
    except asyncio.TimeoutError:
        raise SendError(f"timeout after {TIMEOUT.total:.0f} s") from None
    except aiohttp.ClientError as error:
        text = f"{error.__class__.__name__}: {error}"
        raise SendError(text.replace(token, "…") if token else text) from None  # it may quote the URL
    raise SendError(f"HTTP {response.status}: {detail}".strip())


def rasa_sender(session: aiohttp.ClientSession, rasa_url: str, token: str) -> Send:
    """The worker's `send` on a Rasa server (`--enable-api --auth-token`, BUSSOLA_API_TOKEN)."""
    async def send(checkin: DueCheckin) -> List[Dict[str, Any]]:
        return await trigger_in_rasa(session, rasa_url, token, checkin)
    return send


def default_worker_id() -> str:
    return f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"


class CheckinWorker:
    """Sends the due check-ins of the database behind `engine`, each exactly once, however many
    workers run on it (PostgreSQL) and across restarts. `clock` gives the current UTC time."""

    def __init__(self, engine: Engine, send: Send, clock: Clock = models.now,
                 worker_id: Optional[str] = None, lease: dt.timedelta = LEASE):
        self.engine, self.send, self.clock, self.lease = engine, send, clock, lease
        self.worker_id = worker_id or default_worker_id()

    async def run_once(self) -> CheckinReport:
        """One round: every check-in due now is taken and tried once, one after the other."""
        report, tried = CheckinReport(), []
        while len(tried) < BATCH:
            checkin = await asyncio.to_thread(self._claim, tried)
            if checkin is None:
                break
            tried.append(checkin.id)
            try:
                await self.send(checkin)
            except Exception as error:  # anything: the row stays and is tried again later
                message = str(error) if isinstance(error, SendError) else f"{error.__class__.__name__}: {error}"
                gave_up = await asyncio.to_thread(self._failed, checkin, message)
                (report.given_up if gave_up else report.failed).append(checkin.id)
                continue
            await asyncio.to_thread(self._sent, checkin)
            report.sent.append(checkin.id)
        return report

    async def run_forever(self, interval: float = 30.0, stop_event: Optional[asyncio.Event] = None) -> None:
        """A round every `interval` seconds until `stop_event` is set (or the task is cancelled)."""
        stop_event = stop_event or asyncio.Event()
        while not stop_event.is_set():
            try:
                await self.run_once()
            except Exception:  # e.g. the database is down: the rows are still there next round
                logger.exception("Check-in round failed")
            with contextlib.suppress(asyncio.TimeoutError):
                await asyncio.wait_for(stop_event.wait(), interval)

    def _claimable(self, now: dt.datetime) -> Any:
        return and_(_open(), Checkin.next_attempt_at <= now,
                    or_(Checkin.claimed_at.is_(None), Checkin.claimed_at <= now - self.lease),
                    # never for a lead that is gone, even where SQLite did not cascade its deletion
                    select(Lead.id).where(Lead.id == Checkin.lead_id).exists())

    def _claim(self, tried: List[int]) -> Optional[DueCheckin]:
        """Takes the next due check-in for this worker (a lease), or None."""
        now = self.clock()
        query = (select(Checkin).where(self._claimable(now), Checkin.id.not_in(tried))
                 .order_by(Checkin.next_attempt_at, Checkin.id).limit(1)
                 .with_for_update(skip_locked=True))  # PostgreSQL; SQLite has the write lock below
        with self.engine.connect() as connection:
            self._write_lock(connection)
            row = connection.execute(query).first()
            if row is None:
                connection.rollback()
                return None
            connection.execute(update(Checkin).where(Checkin.id == row.id)
                               .values(claimed_at=now, claimed_by=self.worker_id))
            connection.commit()
        return DueCheckin(id=row.id, lead_id=row.lead_id, sender_id=row.sender_id, channel=row.channel,
                          step=row.step, due_at=row.due_at, attempts=row.attempts)

    @staticmethod
    def _write_lock(connection: Connection) -> None:
        # SQLite's driver begins a transaction only at the first write, so the select above would
        # read outside it: take the database's write lock first, and select and claim are one step
        if connection.dialect.name == "sqlite":
            connection.exec_driver_sql("BEGIN IMMEDIATE")

    def _sent(self, checkin: DueCheckin) -> None:
        with self.engine.begin() as connection:
            done = connection.execute(update(Checkin).where(Checkin.id == checkin.id, Checkin.sent_at.is_(None))
                                      .values(sent_at=self.clock(), attempts=Checkin.attempts + 1)).rowcount
        if not done:  # erased while it was being sent: nothing left to record
            logger.info(f"Check-in {checkin.id} sent, but its row is gone")

    def _failed(self, checkin: DueCheckin, error: str) -> bool:
        """Records a failed send and releases the lease; True when the check-in was given up."""
        now = self.clock()
        gave_up = now - checkin.due_at >= GIVE_UP_AFTER
        values: Dict[str, Any] = {"attempts": Checkin.attempts + 1, "last_error": error[:2000],
                                  "claimed_at": None, "claimed_by": None}
        if gave_up:
            values["cancelled_at"] = now
            logger.warning(f"Check-in {checkin.id} given up after {checkin.attempts + 1} failed sends ({error})")
        else:
            delay = retry_delay(checkin.attempts)
            values["next_attempt_at"] = now + dt.timedelta(seconds=delay)
            logger.info(f"Check-in {checkin.id} not sent ({error}); next try in {delay:.0f} s")
        with self.engine.begin() as connection:
            connection.execute(update(Checkin).where(Checkin.id == checkin.id, Checkin.claimed_by == self.worker_id,
                                                     Checkin.sent_at.is_(None)).values(**values))
        return gave_up
