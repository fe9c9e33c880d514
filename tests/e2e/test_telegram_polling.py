"""Telegram's development mode (`make telegram`): the bot polls the Bot API with getUpdates instead
of receiving a webhook. A whole interview through it against the fake Bot API, which hands out the
updates as Telegram does (scripts/fake_telegram.py); the same handler as the webhook answers."""
from __future__ import annotations

import itertools
import json
import sqlite3
import time
from typing import Any, Dict, List

import pytest

from bot.telegram import MENU
from scripts.benchmark import BUSSOLA_SCRIPT
from scripts.fake_telegram import FakeBotAPI
from scripts.servers import Servers, free_port
from tests.e2e.conftest import TELEGRAM_TOKEN

pytestmark = pytest.mark.e2e
CHAT_ID = 777000123
USER = {"id": CHAT_ID, "is_bot": False, "first_name": "Marta", "language_code": "it"}
_ids = itertools.count(1)


@pytest.fixture(scope="module")
def polling(tmp_path_factory):
    api = FakeBotAPI().start()
    # no webhook URL: the bot polls (scripts/servers.py telegram_mode)
    environment = {"BUSSOLA_TELEGRAM_TOKEN": TELEGRAM_TOKEN, "BUSSOLA_TELEGRAM_API_URL": api.url}
    with Servers(tmp_path_factory.mktemp("polling-state"), rasa_port=free_port(), actions_port=free_port(),
                 extra_env=environment) as running:
        yield running, api
    api.stop()


def _turn(servers, api: FakeBotAPI, update: Dict[str, Any]) -> List[Dict[str, Any]]:
    """Pushes an update, waits until the bot fetched it and handled it, returns the calls it made."""
    mark = api.mark()
    update_id = api.push(update)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        with sqlite3.connect(servers.telegram_queue) as db:
            pending = db.execute("SELECT count(*) FROM updates").fetchone()[0]
        if api.confirmed >= update_id and pending == 0 and api.since(mark, "sendMessage"):
            time.sleep(0.3)  # the turn's last messages
            return api.since(mark)
        time.sleep(0.05)
    raise AssertionError(f"update {update_id} not handled in 60 s")


def _text(text: str) -> Dict[str, Any]:
    return {"message": {"message_id": next(_ids), "date": int(time.time()), "from": USER,
                        "chat": {"id": CHAT_ID, "type": "private"}, "text": text}}


def _press(payload: str) -> Dict[str, Any]:
    return {"callback_query": {"id": str(next(_ids)), "from": USER, "chat_instance": "1", "data": payload,
                               "message": {"message_id": next(_ids), "date": int(time.time()),
                                           "chat": {"id": CHAT_ID, "type": "private"}, "text": "(la domanda)"}}}


def _once_polling(api: FakeBotAPI) -> List[str]:
    """The methods called once the bot polls: the menu is published at start and the webhook removed
    when the polling loop begins, a moment later on a busy machine."""
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        methods = [c["method"] for c in api.calls]
        if "getUpdates" in methods:
            return methods
        time.sleep(0.05)
    raise AssertionError(f"the bot never polled in 60 s: {[c['method'] for c in api.calls]}")


def test_polling_removes_the_webhook_and_publishes_the_italian_command_menu(polling):
    _, api = polling
    methods = _once_polling(api)
    assert "setWebhook" not in methods and "deleteWebhook" in methods
    menu = [c for c in api.calls if c["method"] == "setMyCommands"]
    assert menu and [m["command"] for m in json.loads(menu[-1]["commands"])] == \
        [m["command"] for m in MENU]
    assert all(m["description"] for m in MENU)


def test_a_whole_interview_by_long_polling(polling):
    servers, api = polling
    calls: List[Dict[str, Any]] = []
    for message in ["/start", *BUSSOLA_SCRIPT[1:-1]]:
        calls = _turn(servers, api, _press(message) if message.startswith("/") and message != "/start"
                      else _text(message))
    plan = "\n".join(c["text"] for c in calls if c["method"] == "sendMessage" and str(c["chat_id"]) == str(CHAT_ID))
    assert "il tuo profilo è completo" in plan and "Prime settimane" in plan
    # each update was fetched once: the offsets confirmed every one
    assert not api.updates
