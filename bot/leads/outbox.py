"""Delivery of the outbox (handoff notifications) to the sales team's webhook.

Each due message is POSTed as JSON to `BUSSOLA_SALES_WEBHOOK_URL` with the header
`Idempotency-Key: <dedup_key>`. A 2xx answer marks it delivered; anything else (refused connection,
timeout, 5xx, 4xx) leaves it in the outbox with an exponential backoff, so nothing is lost while the
receiver is down. A message is never sent again once marked delivered; if the database cannot record
a success the message goes out once more with the same key, which the receiver uses to drop it.

One worker at a time: on PostgreSQL each round holds an advisory lock, so a second sales server
skips the round instead of sending the same messages; on SQLite run one sales server (the
database is a local file anyway).
"""
from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import json
import logging
import random
from dataclasses import dataclass, field
from typing import Any, AsyncIterator, Dict, List, Optional

import aiohttp
from sqlalchemy import func, select

from bot.leads.models import now as utc_now

logger = logging.getLogger(__name__)

TIMEOUT = aiohttp.ClientTimeout(total=5)
BASE_DELAY = 2.0          # seconds before the first retry
MAX_DELAY = 600.0         # ten minutes: a receiver down for hours is still retried often enough
JITTER = 0.1              # up to 10% more, so servers that failed together do not retry together
BATCH = 20
ADVISORY_LOCK = 0x6275_7373  # "buss": the PostgreSQL advisory lock key of the outbox worker
TEMPORARY = {408, 429}       # client errors that mean "try again later"


@dataclass
class DeliveryReport:
    delivered: List[int] = field(default_factory=list)   # message ids
    failed: List[int] = field(default_factory=list)      # message ids, retried later
    pending: int = 0        # due but not attempted: no webhook URL, or another worker holds the lock


def retry_delay(attempts: int) -> float:
    """Seconds before the next try of a message that has failed `attempts` times before this one."""
    delay = min(MAX_DELAY, BASE_DELAY * 2 ** min(attempts, 20))
    return delay * (1 + random.uniform(0, JITTER))


@contextlib.asynccontextmanager
async def _worker_lock(store: Any) -> AsyncIterator[bool]:
    """True when this process may deliver now. On PostgreSQL an advisory lock makes the worker single
    across sales servers; other databases always say yes (run one sales server)."""
    engine = getattr(store, "engine", None)
    if engine is None or engine.dialect.name != "postgresql":
        yield True
        return
    connection = await asyncio.to_thread(engine.connect)
    try:
        # transaction-level: released when the connection is closed below, whatever happened
        yield await asyncio.to_thread(
            lambda: bool(connection.execute(select(func.pg_try_advisory_xact_lock(ADVISORY_LOCK))).scalar()))
    finally:
        await asyncio.to_thread(connection.close)


async def _post(session: aiohttp.ClientSession, url: str, message: Dict[str, Any]) -> Optional[str]:
    """None when the receiver took the message, else what went wrong."""
    body = json.dumps(message["payload"], ensure_ascii=False, default=str).encode("utf-8")
    headers = {"Content-Type": "application/json", "Idempotency-Key": message["dedup_key"]}
    try:
        # a redirect is not a delivery: the webhook URL should name the receiver itself
        async with session.post(url, data=body, headers=headers, timeout=TIMEOUT,
                                allow_redirects=False) as response:
            if 200 <= response.status < 300:
                return None
            detail = (await response.text(errors="replace"))[:200]
            error = f"HTTP {response.status}: {detail}".strip()
            if 400 <= response.status < 500 and response.status not in TEMPORARY:
                logger.warning(f"Sales webhook refused message {message['id']} ({error}): "
                               "check the receiver and BUSSOLA_SALES_WEBHOOK_URL; it will be retried")
            return error
    except asyncio.TimeoutError:
        return f"timeout after {TIMEOUT.total:.0f} s"
    except aiohttp.ClientError as error:
        return f"{error.__class__.__name__}: {error}"


async def deliver_due(store: Any, url: Optional[str], session: aiohttp.ClientSession,
                      now: Optional[dt.datetime] = None) -> DeliveryReport:
    """One round: every message due at `now` is tried once, one after the other (in order)."""
    now = now or utc_now()
    report = DeliveryReport()
    async with _worker_lock(store) as mine:
        messages = await asyncio.to_thread(store.due_messages, now, BATCH)
        if not url or not mine:
            report.pending = len(messages)
            if messages and not url:
                logger.warning(f"{len(messages)} sales notification(s) pending: "
                               "BUSSOLA_SALES_WEBHOOK_URL is not set")
            return report
        for message in messages:
            error = await _post(session, url, message)
            if error is None:
                await asyncio.to_thread(store.mark_delivered, message["id"])
                report.delivered.append(message["id"])
                continue
            delay = retry_delay(message["attempts"])
            logger.info(f"Sales notification {message['id']} not delivered ({error}); "
                        f"next try in {delay:.0f} s")
            await asyncio.to_thread(store.mark_failed, message["id"], error,
                                    now + dt.timedelta(seconds=delay))
            report.failed.append(message["id"])
    return report


async def run_worker(store: Any, url: Optional[str], stop_event: asyncio.Event, interval: float = 1.0) -> None:
    """Delivers due messages every `interval` seconds until `stop_event` is set."""
    if not url:
        logger.warning("BUSSOLA_SALES_WEBHOOK_URL is not set: handoff notifications stay pending in the "
                       "outbox until the sales server is started with it")
        await stop_event.wait()
        return
    async with aiohttp.ClientSession() as session:
        while not stop_event.is_set():
            try:
                await deliver_due(store, url, session)
            except Exception:  # e.g. the database is down: the messages are still there next round
                logger.exception("Outbox round failed")
            with contextlib.suppress(asyncio.TimeoutError):
                await asyncio.wait_for(stop_event.wait(), interval)
