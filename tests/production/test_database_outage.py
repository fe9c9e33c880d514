"""PostgreSQL restarts during a load run: no confirmed lead and no sales notification is lost, and the
bot keeps answering (docs/production.md).

The machine's PostgreSQL is shared, so the stack of this test runs on a PostgreSQL 15 server of its
own (scripts/pg_server.py: initdb in a temporary directory, a free loopback port), which is really
restarted: `pg_ctl stop -m fast` (every open session is terminated, new connections are refused),
OUTAGE_S seconds down, `pg_ctl start` on the same port and data directory. K conversations run at
once, each from "ciao" to the handoff (consents and contact details, so the sales team must be
notified), started a few turns apart so that, when the server stops, some are at the plan step, some
at the lead form, one at its handoff. Each user sends a message again when the bot answers that it
is unavailable, as a person would.
"""
from __future__ import annotations

import collections
import concurrent.futures
import re
import sqlite3
import threading
import time
from dataclasses import dataclass
from typing import Dict, List, Tuple

import pytest
from sqlalchemy import create_engine, text

from bot.resilience import ACTION_FAILED, UNAVAILABLE
from bot.senders import new_web_sender
from scripts.fake_webhook import SalesReceiver
from scripts.pg_server import PrivatePostgres
from scripts.stack import ServiceMissing, Stack
from tests.conftest import require_service
from tests.e2e.test_rest_interview import PIZZERIA
from tests.production.conftest import post, texts

pytestmark = pytest.mark.production

CONVERSATIONS = 8      # at once
STAGGER_TURNS = 3      # conversation i starts when conversation i-1 has had this many answers
OUTAGE_S = 4.0         # how long PostgreSQL stays stopped
CUT_DELAY_S = 0.3      # after the first conversation sends its handoff message: mid-turn
TURN_DEADLINE_S = 90   # one message may be sent again for this long
SETTLE_S = 60          # for the spools and the outbox to catch up after the restore


def script(index: int) -> List[Tuple[str, str]]:
    """The pizzeria interview to the plan, both consents, contact details, a call: a handoff."""
    return PIZZERIA + [
        ("sì, è corretto", "Posso conservare il tuo profilo"),
        ("sì", "un consulente può"),
        ("/affirm", "Come ti chiami"),
        ("mi chiamo Anna Esposito", "Per quale azienda"),
        ("Pizzeria da Anna", "Quante persone"),
        ("siamo in 8", "email"),
        (email(index), "telefono"),
        ("081 123 4567", "Quando preferisci"),
        ("pomeriggio", "ho avvisato il team"),
    ]


def email(index: int) -> str:
    return f"anna.{index}@pizzeriadaanna.it"


@dataclass
class Exchange:
    sender: str
    turn: int
    message: str
    sent: float
    answered: float
    status: int
    replies: object


@pytest.fixture(scope="module")
def outage_stack(services, tmp_path_factory):
    """The stack on a private PostgreSQL server (its database is thrown away with the server)."""
    try:
        server = PrivatePostgres()
    except ServiceMissing as error:
        require_service("PostgreSQL 15 (initdb, pg_ctl)", error)
    receiver = SalesReceiver()
    stack = Stack(replicas=2, state_dir=tmp_path_factory.mktemp("outage-stack"), rate_limit=None,
                  admin_url=server.url, keep_database=True,
                  extra_env={"BUSSOLA_SALES_WEBHOOK_URL": receiver.url})
    try:
        server.start()
        stack.start()
        yield stack, server, receiver
    finally:
        try:
            stack.stop()
        finally:
            server.cleanup()
            receiver.stop()


def run_load(stack: Stack, server: PrivatePostgres):
    """The conversations, and the restart in the middle of them: (senders, exchanges, outage), the
    outage's moments: cut (`pg_ctl stop` called), stopped (it returned), starting (`pg_ctl start`
    called), restored (it returned: the server accepts connections)."""
    senders = [new_web_sender(f"pgrestart-{i}") for i in range(CONVERSATIONS)]
    scripts = [script(i) for i in range(CONVERSATIONS)]
    answered = [0] * CONVERSATIONS          # answers accepted so far, per conversation
    changed = threading.Condition()
    exchanges: List[Exchange] = []
    outage: Dict[str, float] = {}

    def wait_until(condition, timeout: float = 300) -> None:
        with changed:
            assert changed.wait_for(condition, timeout), "the load run is stuck"

    def converse(index: int) -> None:
        if index:
            wait_until(lambda: answered[index - 1] >= STAGGER_TURNS or answered[index - 1] == len(scripts[index - 1]))
        sender = senders[index]
        for turn, (message, expected) in enumerate(scripts[index]):
            deadline = time.monotonic() + TURN_DEADLINE_S
            while True:
                sent = time.monotonic()
                status, replies = post(stack.webhook, {"sender": sender, "message": message})
                exchanges.append(Exchange(sender, turn, message, sent, time.monotonic(), status, replies))
                said = texts(replies) if status == 200 and isinstance(replies, list) else ""
                assert status < 500, f"{sender} turn {turn} ({message!r}): {status} {replies}"
                if status == 200 and (UNAVAILABLE in said or ACTION_FAILED in said):
                    assert time.monotonic() < deadline, f"{sender} turn {turn} ({message!r}): still {said!r}"
                    time.sleep(0.5)  # the user reads the apology and writes again
                    continue
                assert status == 200 and expected in said, \
                    f"{sender} turn {turn} ({message!r}): expected {expected!r}, got {status} {said!r}"
                break
            with changed:
                answered[index] = turn + 1
                changed.notify_all()

    def restart() -> None:
        # the first conversation has sent its last message but one: its handoff is next
        wait_until(lambda: answered[0] >= len(scripts[0]) - 1)
        time.sleep(CUT_DELAY_S)
        outage["cut"] = time.monotonic()
        server.stop("fast")
        outage["stopped"] = time.monotonic()
        time.sleep(OUTAGE_S)
        outage["starting"] = time.monotonic()
        server.start()
        outage["restored"] = time.monotonic()

    with concurrent.futures.ThreadPoolExecutor(CONVERSATIONS + 1) as pool:
        futures = [pool.submit(converse, i) for i in range(CONVERSATIONS)] + [pool.submit(restart)]
        for future in futures:
            future.result()
    return senders, exchanges, outage


def leads(stack: Stack, senders: List[str]) -> Dict[str, dict]:
    engine = create_engine(stack.database_url, future=True)
    try:
        with engine.connect() as connection:
            rows = connection.execute(text(
                "select l.sender_id, l.step, l.status, l.anonymous, l.email, l.phone, l.name, l.grade, "
                "(select count(*) from outbox o where o.lead_id = l.id) as notices, "
                "(select count(*) from outbox o where o.lead_id = l.id and o.delivered_at is not null) as delivered "
                "from leads l where l.sender_id = any(:senders)"), {"senders": senders}).mappings().all()
    finally:
        engine.dispose()
    return {row["sender_id"]: dict(row) for row in rows}


def spooled(stack: Stack) -> Dict[str, int]:
    """Lead steps left in the action servers' spools, waiting or set aside."""
    left = {"spool": 0, "failed": 0}
    for path in stack.state_dir.glob("actions-*/lead_spool.db"):
        with sqlite3.connect(path) as spool:
            for table in left:
                left[table] += spool.execute(f"select count(*) from {table}").fetchone()[0]
    return left


def spooled_steps(stack: Stack) -> Dict[str, int]:
    """{step: how many times} the action servers spooled a lead step (their logs)."""
    found: Dict[str, int] = collections.Counter()
    for path in stack.state_dir.glob("actions-*.log"):
        for match in re.finditer(r"Lead step (\w+) of \S+ spooled", path.read_text(errors="replace")):
            found[match.group(1)] += 1
    return dict(found)


def test_postgresql_restart_during_a_load_run_loses_no_lead_and_no_notification(outage_stack):
    stack, server, receiver = outage_stack
    started = time.monotonic()
    senders, exchanges, outage = run_load(stack, server)
    cut, restored = outage["cut"], outage["restored"]
    load_s = time.monotonic() - started

    # the bot kept answering: never a 5xx, never an empty answer, Italian all along the outage
    assert all(e.status < 500 for e in exchanges)
    during = [e for e in exchanges if e.answered >= cut and e.sent <= restored]
    assert during, "no message was sent while PostgreSQL was down"
    for e in during:
        assert e.status == 200 and texts(e.replies).strip(), f"{e.sender} turn {e.turn}: {e.status} {e.replies}"
    apologies = [e for e in exchanges if UNAVAILABLE in texts(e.replies)]
    # turns cut in the middle: their answers came, then the apology (the tracker could not be saved)
    cut_mid_turn = [e for e in apologies if texts(e.replies).strip() != UNAVAILABLE]
    assert any(cut <= e.answered for e in apologies), "the restart did not reach the replicas"
    # and it recovered by itself: a message sent a moment after the restore is handled normally
    late = [e for e in apologies if e.sent > restored + 2.0]
    assert not late, [(e.sender, e.turn, e.sent - restored) for e in late]

    # every confirmed lead is in the database, handed off, with its contact details and one notice
    deadline, found = time.monotonic() + SETTLE_S, {}
    while time.monotonic() < deadline:
        found = leads(stack, senders)
        keys = receiver.keys_by_sender()
        if len(found) == len(senders) and all(lead["step"] == "handoff" and lead["delivered"] == 1
                                              for lead in found.values()) \
                and all(keys.get(s) for s in senders) and not any(spooled(stack).values()):
            break
        time.sleep(0.5)
    settled_s = time.monotonic() - restored
    for index, sender in enumerate(senders):
        lead = found.get(sender)
        assert lead is not None, f"the lead of {sender} is lost"
        assert lead["step"] == "handoff" and lead["status"] == "handoff_requested" and not lead["anonymous"], lead
        assert lead["email"] == email(index) and lead["phone"] == "+390811234567", lead
        assert lead["name"] == "Anna Esposito" and lead["grade"] in ("A", "B", "C"), lead
        assert lead["notices"] == 1 and lead["delivered"] == 1, lead  # one handoff, one notification
    assert spooled(stack) == {"spool": 0, "failed": 0}

    # the sales team got exactly one notification per handoff (an Idempotency-Key may come twice)
    time.sleep(2)  # give a duplicate the time to show up
    keys = receiver.keys_by_sender()
    assert {s: len(keys.get(s, ())) for s in senders} == {s: 1 for s in senders}
    assert set(keys) == set(senders)

    print(f"\n{len(senders)} conversations, {len(exchanges)} requests in {load_s:.1f} s; PostgreSQL stopped "
          f"at {cut - started:.1f} s (pg_ctl stop -m fast {outage['stopped'] - cut:.2f} s, "
          f"pg_ctl start {restored - outage['starting']:.2f} s), down {restored - cut:.1f} s in all; "
          f"{len(during)} answers during the outage, "
          f"{len(apologies)} 'non disponibile' in all, {len(cut_mid_turn)} after a turn's answers "
          f"({', '.join(sorted({e.message for e in cut_mid_turn}))}); lead steps spooled: {spooled_steps(stack)}; "
          f"everything stored and notified "
          f"{settled_s:.1f} s after the restore; {len(receiver.received)} POSTs to the receiver; "
          f"stack start {stack.start_seconds:.0f} s")
