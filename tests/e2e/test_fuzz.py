"""Fuzzing the REST webhook of the real servers (hypothesis): random Unicode, huge bodies, malformed
JSON, wrong types, missing and extra fields. Every request gets a 4xx or a normal 200 reply, never
a 5xx, and the server keeps holding normal Italian conversations. Malformed requests are refused by
bot/rest.py, which says why.

Bounded and reproducible: derandomized (the same examples on every run, no example database), 105
generated requests in all plus a few fixed ones, well under a minute.
"""
from __future__ import annotations

import json
import socket
import urllib.parse

import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from bot.senders import new_web_sender
from bot.input_check import MAX_CHARS
from bot.rest import MAX_BODY_BYTES, MAX_SENDER_CHARS
from tests.e2e.test_rest_interview import PIZZERIA, run_script

pytestmark = pytest.mark.e2e

FUZZ = settings(deadline=None, derandomize=True, database=None, print_blob=True,
                suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow,
                                       HealthCheck.data_too_large])

# what JSON can hold, nested a little
JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False, allow_infinity=False) | st.text(max_size=20),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner, max_size=3),
    max_leaves=6)
# messages people (and scripts) send: any Unicode, button payloads, long ones
MESSAGES = st.one_of(st.text(max_size=300), st.text(max_size=60).map(lambda t: "/" + t),
                     st.text(min_size=1, max_size=3).map(lambda t: t * 700))
MISSING = object()


def well_formed(body) -> bool:
    """What bot/rest.py accepts."""
    return (isinstance(body, dict) and isinstance(body.get("sender"), str) and body["sender"].strip() != ""
            and len(body["sender"]) <= MAX_SENDER_CHARS and isinstance(body.get("message"), str)
            and (body.get("metadata") is None or isinstance(body["metadata"], dict)))


def check_normal_reply(status, replies, sender=None):
    assert status == 200, f"{status}: {replies}"
    assert isinstance(replies, list) and replies, "a normal reply has at least one message"
    for reply in replies:
        assert isinstance(reply, dict) and set(reply) & {"text", "buttons", "custom", "image"}
        if sender is not None:
            assert reply["recipient_id"] == sender


def check_refused(status, answer):
    assert 400 <= status < 500, f"{status}: {answer}"


CUT_SENDER = new_web_sender("fuzz-cut")


def sender_id() -> str:
    return new_web_sender("fuzz")


@settings(FUZZ, max_examples=40)
@given(message=MESSAGES)
def test_any_text_gets_a_normal_reply(client, message):
    sender = sender_id()
    status, replies = client.post(client.servers.webhook, {"sender": sender, "message": message})
    check_normal_reply(status, replies, sender)


VALID = {"sender": st.builds(sender_id), "message": st.text(max_size=40),
         "metadata": st.just(MISSING) | st.none() | st.dictionaries(st.text(max_size=8), JSON_VALUES, max_size=3)}
INVALID = {"sender": st.sampled_from([MISSING, "", "   ", "s" * (MAX_SENDER_CHARS + 1)])
                     | JSON_VALUES.filter(lambda v: not isinstance(v, str)),
           "message": st.just(MISSING) | JSON_VALUES.filter(lambda v: not isinstance(v, str)),
           "metadata": JSON_VALUES.filter(lambda v: v is not None and not isinstance(v, dict))}


@settings(FUZZ, max_examples=40)
@given(data=st.data(), valid=st.fixed_dictionaries({name: st.booleans() for name in VALID}),
       extra=st.dictionaries(st.sampled_from(["input_channel", "stream", "text", "id", "sender_id", "x"]),
                             JSON_VALUES, max_size=2))
def test_wrong_types_missing_and_extra_fields_are_refused_or_answered(client, data, valid, extra):
    fields = {name: data.draw((VALID if ok else INVALID)[name], label=name) for name, ok in valid.items()}
    body = {**extra, **{name: value for name, value in fields.items() if value is not MISSING}}
    status, answer = client.post(client.servers.webhook, body)
    event("well formed" if well_formed(body) else "malformed")
    if well_formed(body):
        check_normal_reply(status, answer, body["sender"])
    else:
        check_refused(status, answer)


@settings(FUZZ, max_examples=25)
@given(body=st.one_of(
    JSON_VALUES.filter(lambda v: not isinstance(v, dict)).map(lambda v: json.dumps(v).encode()),  # not an object
    st.binary(max_size=200),  # not JSON, not even UTF-8
    st.text(max_size=200).map(lambda t: t.encode()),
    st.builds(lambda s, cut: s[:cut], st.builds(lambda m: json.dumps({"sender": CUT_SENDER, "message": m}).encode(),
                                                st.text(max_size=50)), st.integers(0, 30)),  # cut short
))
def test_malformed_bodies_are_refused(client, body):
    status, answer = client.post(client.servers.webhook, body, raw=True)
    try:
        parsed = json.loads(body)
    except ValueError:
        parsed = None
    if well_formed(parsed):  # a cut that happens to be valid JSON
        check_normal_reply(status, answer)
    else:
        check_refused(status, answer)


@pytest.mark.parametrize("message", ["parola " * 15_000, "x" * 100_000, "a" + " " * 100_000 + "b"],
                         ids=["words", "one-word", "blank-middle"])
def test_a_100_kb_message_gets_the_italian_too_long_reply(client, sender, message):
    client.texts(sender, "ciao")
    status, replies = client.post(client.servers.webhook, {"sender": sender, "message": message})
    check_normal_reply(status, replies, sender)
    assert "molto lungo" in " ".join(r.get("text", "") for r in replies)  # InputGuard's too_long
    # only the start reached the NLU and the conversation: the tracker holds no 100 KB event
    user_texts = [e["text"] for e in client.tracker(sender)["events"] if e["event"] == "user"]
    assert user_texts and all(len(text) <= MAX_CHARS + 1 for text in user_texts)


def test_a_100_kb_button_payload_is_cut_and_answered(client, sender):
    client.texts(sender, "ciao")
    status, replies = client.post(client.servers.webhook,
                                  {"sender": sender, "message": '/inform{"sector": "' + "x" * 100_000 + '"}'})
    check_normal_reply(status, replies, sender)


def test_a_1_mb_body_is_refused_with_413(client, sender):
    status, answer = client.post(client.servers.webhook, {"sender": sender, "message": "a" * 1_000_000})
    assert status == 413 and "troppo grande" in answer
    assert len(json.dumps({"sender": sender, "message": "a" * 1_000_000})) > MAX_BODY_BYTES


def test_streaming_a_malformed_request_answers_at_once(client):
    """Rasa's streaming reply never ended when the turn failed (a message that is not text)."""
    url = urllib.parse.urlparse(client.servers.webhook)
    body = json.dumps({"sender": sender_id(), "message": 5}).encode()
    with socket.create_connection((url.hostname, url.port), timeout=10) as connection:
        connection.sendall(f"POST {url.path}?stream=true HTTP/1.1\r\nHost: x\r\nConnection: close\r\n"
                           f"Content-Type: application/json\r\nContent-Length: {len(body)}\r\n\r\n".encode() + body)
        head = connection.recv(200)  # a timeout here fails the test
    assert head.startswith(b"HTTP/1.1 400")


def test_after_the_fuzzing_the_server_is_up_and_holds_a_normal_conversation(client, servers, sender):
    """Runs after the fuzz tests above (file order)."""
    assert servers.alive()
    run_script(client, sender, PIZZERIA[:4])
    assert client.slots(sender)["sector"] == "food_service"
