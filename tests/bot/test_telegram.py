"""The Telegram connector's reading of updates, commands, keyboards and long texts."""
from __future__ import annotations

import pytest
import yaml

from bot import paths, telegram
from bot.telegram import Incoming, chunks, command_to_text, keyboard, read_update

CHAT = {"id": 42, "type": "private"}


@pytest.mark.parametrize("text, expected", [
    ("/start", "/greet"), ("/start bussola-ref-123", "/greet"), ("/aiuto", "/help"),
    ("/ricomincia@BussolaBot", "/start_over"), ("/AIUTO", "/help"),
    ("ciao /aiuto", "ciao /aiuto"), ("/inform{\"org_kind\":\"azienda\"}", "/inform{\"org_kind\":\"azienda\"}"),
    ("", ""),
    ("/start " + "A" * 32, '/continue_on_telegram{"handoff_code": "' + "A" * 32 + '"}'),
    ("/start " + "A" * 31 + "!", "/greet"),  # not a code: a plain start
    ("/vendite", '/start_sales_mode{"sales_code": ""}'),
    ("/vendite K7x9 Giulia Bianchi", '/start_sales_mode{"sales_code": "K7x9", "salesperson": "Giulia Bianchi"}'),
    ('/vendite K7x9 Gi"}ulia', '/start_sales_mode{"sales_code": "K7x9", "salesperson": "Gi\\"}ulia"}'),  # quoted
])
def test_commands_become_intents(text, expected):
    assert command_to_text(text) == expected


def test_a_text_message():
    assert read_update({"update_id": 1, "message": {"chat": CHAT, "text": "/start"}}) == \
        Incoming(chat_id=42, text="/greet")


def test_a_button_press_reads_its_payload_and_is_to_be_answered():
    update = {"callback_query": {"id": "77", "data": "/affirm", "from": {"id": 42},
                                 "message": {"chat": CHAT, "text": "?"}}}
    assert read_update(update) == Incoming(chat_id=42, text="/affirm", callback_query_id="77")


@pytest.mark.parametrize("update, expected", [
    ({"message": {"chat": CHAT, "sticker": {"file_id": "x"}}}, Incoming(chat_id=42, reply="not_text")),
    ({"message": {"chat": CHAT, "location": {"latitude": 45.0, "longitude": 9.0}}},
     Incoming(chat_id=42, reply="not_text")),
    ({"edited_message": {"chat": CHAT, "text": "corretto"}}, Incoming(chat_id=42, reply="edited")),
    ({"message": {"chat": CHAT, "new_chat_members": [{"id": 1}]}}, Incoming()),
    ({"my_chat_member": {"chat": CHAT}}, Incoming()),
    ({"message": "not an object"}, Incoming()),
    ([1, 2], Incoming()),
    (None, Incoming()),
])
def test_updates_that_are_not_text(update, expected):
    assert read_update(update) == expected


def test_keyboard_rows():
    short = keyboard([{"title": "Sì", "payload": "/affirm"}, {"title": "No", "payload": "/deny"},
                      {"title": "Non so", "payload": "/dont_know"}])
    assert [[b.text for b in row] for row in short.inline_keyboard] == [["Sì", "No"], ["Non so"]]
    long = keyboard([{"title": "Libero professionista o freelance", "payload": "/a"},
                     {"title": "Azienda o PMI", "payload": "/b"}])
    assert [len(row) for row in long.inline_keyboard] == [1, 1]


def test_every_button_payload_fits_telegram_callback_data():
    """Telegram refuses callback_data over 64 bytes: every button the bot sends must fit."""
    data = yaml.safe_load((paths.ROOT / "bot" / "texts.yml").read_text(encoding="utf-8"))
    payloads = []

    def walk(node):
        if isinstance(node, dict):
            if "payload" in node:
                payloads.append(node["payload"])
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)
    walk(data)
    assert len(payloads) > 20
    assert all(len(p.encode()) <= 64 for p in payloads), [p for p in payloads if len(p.encode()) > 64]


def test_long_texts_are_split_at_line_ends():
    text = "\n".join(f"riga {i} " + "x" * 50 for i in range(200))
    parts = chunks(text)
    assert all(len(p) <= telegram.MAX_MESSAGE for p in parts) and len(parts) > 1
    assert "\n".join(parts) == text
    assert chunks("  breve  ") == ["breve"] and chunks("") == []
    assert all(len(p) <= 10 for p in chunks("y" * 35, size=10))


def test_the_update_queue_keeps_updates_until_handled(tmp_path):
    queue = telegram.UpdateQueue(tmp_path / "q.db")
    key = queue.add({"update_id": 7, "message": {"chat": CHAT, "text": "ciao"}})
    assert key is not None and queue.pending() == 1
    assert queue.add({"update_id": 7, "message": {"chat": CHAT, "text": "ciao"}}) is None  # sent again
    assert queue.add([1, 2]) is not None  # not an update, but still acknowledged and handled once
    queue.done(key)
    assert queue.pending() == 1


def test_updates_left_by_a_stopped_server_are_adopted_once(tmp_path):
    import sqlite3

    path = tmp_path / "q.db"
    queue = telegram.UpdateQueue(path)
    queue.add({"update_id": 8, "message": {"chat": CHAT, "text": "a"}})
    queue.add({"update_id": 9, "message": {"chat": CHAT, "text": "b"}})
    with sqlite3.connect(path) as db:  # as if a worker that has since stopped had received them
        db.execute("UPDATE updates SET owner = 2147483000")
    adopted = queue.adopt_orphans()
    assert [u["update_id"] for _, u in adopted] == [8, 9]
    assert telegram.UpdateQueue(path).adopt_orphans() == []  # a second worker finds them taken


class _FailingBotAPI:
    async def request(self, method, data=None):
        raise RuntimeError("Unauthorized: invalid token")


def test_a_failed_webhook_registration_is_reported_for_the_start_banner(tmp_path):
    import asyncio
    import json

    from scripts.serve import telegram_line, telegram_status

    connector = telegram.BussolaTelegramInput("123:bad", None, "https://bussola.example/tg", secret_token="s",
                                              queue_path=str(tmp_path / "telegram_updates.db"))
    asyncio.run(connector.register_webhook(_FailingBotAPI()))
    status = json.loads((tmp_path / paths.TELEGRAM_STATUS).read_text())
    assert status == {"mode": "webhook", "ok": False, "error": "Unauthorized: invalid token"}
    line, ok = telegram_line(telegram_status(tmp_path, wait=0.1), "https://bussola.example/tg", "http://127.0.0.1:5005")
    assert not ok and "NOT working: Unauthorized: invalid token" in line
    # nothing reported at all (the connector never started) is not taken for success either
    assert telegram_line(telegram_status(tmp_path / "nowhere", wait=0.1), "", "")[1] is False


def test_a_wrong_mode_is_refused_with_a_clear_message():
    with pytest.raises(ValueError, match="BUSSOLA_TELEGRAM_MODE"):
        telegram.BussolaTelegramInput("123:x", None, None, secret_token="s", mode="push")
