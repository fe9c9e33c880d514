"""Faults the production topology survives, on one local stack (scripts/stack.py) for the module:
two Rasa replicas and two action servers behind nginx, PostgreSQL, Redis. The tests run in file
order: the stack is changed by them (actions stopped and restarted, a replica killed, then
restarted on a closed Redis port), and the last one stops it and checks nothing is left."""
from __future__ import annotations

import concurrent.futures
import socket
import time
import urllib.error
import urllib.request

import pytest
from sqlalchemy import create_engine, text

from bot.resilience import ACTION_FAILED, UNAVAILABLE
from scripts.servers import port_in_use
from scripts.stack import ADMIN_URL, Stack
from tests.e2e.test_rest_interview import PIZZERIA
from tests.production.conftest import API_TOKEN, events, post, say, texts, tracker

pytestmark = pytest.mark.production

CONFIRM = ("sì, è corretto", "il tuo profilo è completo")


@pytest.fixture(scope="module")
def stack(services, tmp_path_factory):
    running = Stack(replicas=2, state_dir=tmp_path_factory.mktemp("stack"), api_token=API_TOKEN)
    try:
        running.start()
    except Exception:
        running.stop()
        raise
    yield running
    running.stop()


def user_texts(evts):
    return [e.get("text") for e in evts if e["event"] == "user"]


def lead_step(stack, sender):
    engine = create_engine(stack.database_url, future=True)
    try:
        with engine.connect() as connection:
            return connection.execute(text("select grade, step from leads where sender_id = :s"),
                                      {"s": sender}).fetchone()
    finally:
        engine.dispose()


def test_a_conversation_alternating_between_replicas_keeps_one_profile_and_plan(stack, sender):
    first, second = stack.rasa_urls
    for turn, (message, expected) in enumerate(PIZZERIA + [CONFIRM]):
        replies = say(stack.rasa_urls[turn % 2], sender, message)
        assert expected in texts(replies), f"turn {turn} ({message!r}) on replica {turn % 2}: {texts(replies)}"
    plan = next(r["custom"] for r in replies if "custom" in r)
    # both replicas read the same conversation, event for event
    assert events(first, sender) == events(second, sender)
    slots = tracker(first, sender)["slots"]
    assert slots["org_kind"] == "azienda" and slots["sector"] == "food_service"
    assert slots["segment"] == "b2c" and slots["locations"] == ["napoli"] and slots["audience"] == "20-35"
    assert slots["objectives"] == ["notorieta", "community"] and slots["priority"] == "notorieta"
    assert slots["channels_used"] == ["facebook", "instagram"] and slots["weekly_hours"] == 4.0
    assert slots["profile_confirmed"] is True
    # the plan is the one these answers determine, and the lead is in PostgreSQL
    assert plan["type"] == "bussola.plan" and plan["specialist_advised"] is False
    assert 2 <= len(plan["channels"]) <= 4 and not {"linkedin", "xing", "github"} & {c["id"] for c in plan["channels"]}
    grade, step = lead_step(stack, sender)
    assert grade in ("A", "B", "C") and step == "plan"


def test_simultaneous_messages_of_one_conversation_on_two_replicas_take_turns(stack, sender):
    say(stack.rasa_urls[0], sender, "ciao")
    messages = ['/inform{"org_kind":"azienda"}', "aiuto"]
    with concurrent.futures.ThreadPoolExecutor(2) as pool:
        results = list(pool.map(lambda i: say(stack.rasa_urls[i], sender, messages[i]), range(2)))
    assert all(results)
    evts = events(stack.rasa_urls[1], sender)
    assert sorted(user_texts(evts)[1:]) == sorted(messages)  # both kept: nothing overwritten
    # one turn after the other: every user message is followed by its own answers before the next one
    users = [i for i, e in enumerate(evts) if e["event"] == "user"]
    for start, end in zip(users, users[1:] + [len(evts)]):
        turn = evts[start:end]
        assert any(e["event"] == "bot" for e in turn)
        assert turn[-1]["event"] == "action" and turn[-1]["name"] == "action_listen"


def test_action_servers_down_the_user_gets_an_apology_and_continues_when_they_are_back(stack, sender):
    say(stack.url, sender, "ciao")
    say(stack.url, sender, '/inform{"org_kind":"azienda"}')
    stack.stop_actions()
    try:
        for attempt in range(3):  # every message gets the apology: no silence, no 5xx, no loop
            status, replies = post(stack.webhook, {"sender": sender, "message": "ristorazione"})
            assert status == 200 and [r["text"] for r in replies] == [ACTION_FAILED], replies
        assert all(p.poll() is None for p in stack.replica_procs)
        assert tracker(stack.rasa_urls[0], sender)["slots"]["sector"] is None
    finally:
        stack.start_actions()
    # nginx tries a failed upstream again after its fail_timeout (2 s): the user writes again
    deadline, reply = time.monotonic() + 15, ""
    while time.monotonic() < deadline and "Raccontami in una frase" not in reply:
        reply = texts(say(stack.url, sender, "ristorazione"))
        time.sleep(0.5)
    assert "Raccontami in una frase" in reply
    assert tracker(stack.rasa_urls[1], sender)["slots"]["sector"] == "food_service"
    assert "A chi vendi" in texts(say(stack.url, sender, "una pizzeria napoletana con forno a legna"))


def test_a_killed_replica_loses_no_event_and_the_conversation_goes_on(stack, sender):
    half = len(PIZZERIA) // 2
    for message, expected in PIZZERIA[:half]:
        assert expected in texts(say(stack.url, sender, message))
    before = events(stack.rasa_urls[1], sender)
    stack.kill_replica(0)
    assert not port_in_use(stack.rasa_ports[0])
    for message, expected in PIZZERIA[half:] + [CONFIRM]:  # nginx sends everything to replica 1 now
        assert expected in texts(say(stack.url, sender, message)), message
    after = events(stack.rasa_urls[1], sender)
    assert after[:len(before)] == before  # nothing written before the kill is lost or changed
    assert user_texts(after) == [m for m, _ in PIZZERIA] + [CONFIRM[0]]
    assert tracker(stack.rasa_urls[1], sender)["slots"]["profile_confirmed"] is True


def test_redis_unavailable_every_message_gets_an_italian_message_and_no_conversation_is_touched(stack, sender):
    with socket.socket() as closed:  # a port nothing listens on: Redis "down" for this replica only
        closed.bind(("127.0.0.1", 0))
        dead_port = closed.getsockname()[1]
    stack.restart_replica(0, BUSSOLA_REDIS_PORT=str(dead_port))
    healthy, broken = stack.rasa_urls[1], stack.rasa_urls[0]
    say(healthy, sender, "ciao")
    before = events(healthy, sender)
    other = sender + "-other"
    for who in (sender, other, sender):
        status, replies = post(f"{broken}/webhooks/rest/webhook", {"sender": who, "message": "ristorazione"})
        assert status == 200 and [r.get("text") for r in replies] == [UNAVAILABLE], replies
        assert all(r["recipient_id"] == who for r in replies)  # each answer to its own sender
    assert stack.replica_procs[0].poll() is None  # the replica stays up
    # nothing was processed: no event in either conversation, which go on normally where Redis works
    assert events(healthy, sender) == before
    assert not user_texts(tracker(healthy, other)["events"])
    assert "In che settore" in texts(say(healthy, sender, '/inform{"org_kind":"azienda"}'))


def test_nginx_refuses_big_messages_and_floods_in_italian(stack, sender):
    status, body = post(stack.webhook, {"sender": sender, "message": "a" * 20000})
    assert status == 413 and body["error"] == "messaggio_troppo_lungo" and "troppo lungo" in body["message"]

    def hit(_):
        try:
            with urllib.request.urlopen(f"{stack.url}/", timeout=10) as response:
                return response.status, None
        except urllib.error.HTTPError as error:
            return error.code, error.read().decode()

    with concurrent.futures.ThreadPoolExecutor(8) as pool:
        results = list(pool.map(hit, range(stack.burst + 40)))
    limited = [body for status, body in results if status == 429]
    assert limited and all("troppi messaggi" in body for body in limited)
    assert {status for status, _ in results} <= {200, 429}


def test_stop_leaves_no_process_database_or_lock_behind(stack):
    import redis

    ports = [stack.port, stack.actions_port, stack.sales_port, *stack.rasa_ports, *stack.actions_ports]
    stack.stop()
    assert stack.leftover_processes() == []
    assert not any(port_in_use(port) for port in ports)
    engine = create_engine(ADMIN_URL, future=True)
    with engine.connect() as connection:
        names = {row[0] for row in connection.execute(text("select datname from pg_database"))}
    engine.dispose()
    assert stack.database_name not in names
    assert not list(redis.Redis(db=stack.redis_db).scan_iter(match=f"{stack.redis_prefix}:*"))
    assert not (stack.state_dir / "nginx.pid").exists()
