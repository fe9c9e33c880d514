"""Telegram through the real servers: real Update JSON posted to the webhook, replies read from a
fake Bot API server on loopback (scripts/fake_telegram.py)."""
from __future__ import annotations

import itertools
import json
import sqlite3
import time
import urllib.error
import urllib.request
import uuid
from typing import Any, Dict, List, Optional

import pytest

from bot.senders import telegram_sender
from scripts.benchmark import BUSSOLA_SCRIPT
from tests.e2e.conftest import SALES_MODE_CODE, TELEGRAM_PUBLIC_URL, TELEGRAM_SECRET, TELEGRAM_TOKEN

pytestmark = pytest.mark.e2e
_ids = itertools.count(int(time.time()))


class Chat:
    """One Telegram user chatting with the bot in a private chat."""

    def __init__(self, servers, api):
        self.servers, self.api = servers, api
        self.chat_id = int(uuid.uuid4().int % 10**9) + 10**9
        self.user = {"id": self.chat_id, "is_bot": False, "first_name": "Giulia", "language_code": "it"}

    def post(self, update: Dict[str, Any], secret: Optional[str] = TELEGRAM_SECRET) -> int:
        headers = {"Content-Type": "application/json"}
        if secret is not None:
            headers["X-Telegram-Bot-Api-Secret-Token"] = secret
        request = urllib.request.Request(self.servers.telegram_webhook, data=json.dumps(update).encode(),
                                         headers=headers)
        try:
            with urllib.request.urlopen(request, timeout=60) as response:
                return response.status
        except urllib.error.HTTPError as error:
            return error.code

    def message(self, **fields: Any) -> Dict[str, Any]:
        return {"message_id": next(_ids), "date": int(time.time()), "from": self.user,
                "chat": {"id": self.chat_id, "type": "private", "first_name": "Giulia"}, **fields}

    def handled(self, timeout: float = 60) -> None:
        """The webhook answers at once and handles updates in the background: wait until the
        server's queue of received updates is empty."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            with sqlite3.connect(self.servers.telegram_queue) as db:
                if db.execute("SELECT count(*) FROM updates").fetchone()[0] == 0:
                    return
            time.sleep(0.02)
        raise AssertionError("updates still pending after 60 s")

    def send(self, update_body: Dict[str, Any], secret: Optional[str] = TELEGRAM_SECRET) -> tuple:
        mark = self.api.mark()
        status = self.post({"update_id": next(_ids), **update_body}, secret)
        self.handled()
        return status, [c for c in self.api.since(mark) if str(c.get("chat_id")) == str(self.chat_id)
                        or c["method"] == "answerCallbackQuery"]

    def text(self, text: str) -> List[Dict[str, Any]]:
        status, calls = self.send({"message": self.message(text=text)})
        assert status == 200
        return calls

    def press(self, payload: str) -> List[Dict[str, Any]]:
        query = {"id": str(next(_ids)), "from": self.user, "chat_instance": "1", "data": payload,
                 "message": self.message(text="(la domanda)")}
        status, calls = self.send({"callback_query": query})
        assert status == 200
        return calls


def sent_texts(calls: List[Dict[str, Any]]) -> str:
    return "\n".join(c["text"] for c in calls if c["method"] == "sendMessage")


def buttons(calls: List[Dict[str, Any]]) -> List[Dict[str, str]]:
    return [b for c in calls if c.get("reply_markup")
            for row in c["reply_markup"]["inline_keyboard"] for b in row]


@pytest.fixture
def chat(servers, fake_telegram) -> Chat:
    return Chat(servers, fake_telegram)


def test_the_webhook_is_registered_with_its_secret_at_start(servers, fake_telegram):
    registered = [c for c in fake_telegram.calls if c["method"] == "setWebhook"]
    assert registered, "setWebhook was not called"
    assert registered[-1]["url"] == TELEGRAM_PUBLIC_URL
    assert registered[-1]["secret_token"] == TELEGRAM_SECRET
    assert registered[-1]["token"] == TELEGRAM_TOKEN
    assert set(registered[-1]["allowed_updates"]) == {"message", "edited_message", "callback_query"}
    # the command menu, in Italian, published at start in webhook mode too
    menu = [c for c in fake_telegram.calls if c["method"] == "setMyCommands"]
    assert menu and {m["command"] for m in json.loads(menu[-1]["commands"])} == {"start", "aiuto", "ricomincia", "vendite"}


def test_start_command_greets_and_asks_with_an_inline_keyboard(chat, fake_telegram):
    calls = chat.text("/start")
    assert "Bussola" in sent_texts(calls) and "chi sei?" in sent_texts(calls)
    assert {"text": "Azienda o PMI", "callback_data": '/inform{"org_kind":"azienda"}'} in buttons(calls)
    # nothing but the replies: no getMe or other call per update
    assert {c["method"] for c in calls} == {"sendMessage"}


def test_a_button_press_is_answered_and_moves_the_interview_on(chat):
    chat.text("/start")
    calls = chat.press('/inform{"org_kind":"azienda"}')
    assert [c["method"] for c in calls].count("answerCallbackQuery") == 1
    assert "In che settore" in sent_texts(calls)


def test_a_whole_interview_ends_with_a_readable_plan(chat):
    calls: List[Dict[str, Any]] = []
    for message in BUSSOLA_SCRIPT[:-1]:  # the benchmark's interview, greeting to confirmation
        calls = chat.press(message) if message.startswith("/") else chat.text(message)
    plan = sent_texts(calls)
    assert "il tuo profilo è completo" in plan and "Prime settimane" in plan
    assert "bussola.plan" not in plan and "{" not in plan  # the payload is for widgets, not for people
    assert all(c.get("parse_mode") in (None, "") for c in calls)  # plain text: nothing read as markup


def test_commands_for_help_and_starting_over(chat):
    chat.text("/start")
    chat.press('/inform{"org_kind":"azienda"}')
    help_text = sent_texts(chat.text("/aiuto"))
    assert "ricominciamo" in help_text and "Finora hai risposto a 1 domanda su" in help_text
    calls = chat.text("/ricomincia@BussolaTestBot")
    assert "chi sei?" in sent_texts(calls)


@pytest.mark.parametrize("kind, body, expected", [
    ("sticker", {"sticker": {"file_id": "CAAC", "file_unique_id": "u1", "type": "regular", "width": 512,
                             "height": 512, "is_animated": False, "is_video": False}}, "solo messaggi scritti"),
    ("photo", {"photo": [{"file_id": "AgAC", "file_unique_id": "u2", "width": 90, "height": 90}],
               "caption": "il nostro negozio"}, "solo messaggi scritti"),
    ("voice", {"voice": {"file_id": "AwAC", "file_unique_id": "u3", "duration": 3}}, "solo messaggi scritti"),
])
def test_updates_without_text_get_an_italian_answer(chat, kind, body, expected):
    status, calls = chat.send({"message": chat.message(**body)})
    assert status == 200 and expected in sent_texts(calls)


def test_an_edited_message_is_explained_not_processed(chat):
    chat.text("/start")
    status, calls = chat.send({"edited_message": {**chat.message(text="siamo una startup"),
                                                  "edit_date": int(time.time())}})
    assert status == 200 and "modificato un messaggio" in sent_texts(calls)


def test_member_changes_are_acknowledged_silently(chat):
    member = {"chat": {"id": chat.chat_id, "type": "private"}, "from": chat.user, "date": int(time.time()),
              "old_chat_member": {"status": "member", "user": {"id": 999000111, "is_bot": True, "first_name": "B"}},
              "new_chat_member": {"status": "kicked", "user": {"id": 999000111, "is_bot": True, "first_name": "B"},
                                  "until_date": 0}}
    status, calls = chat.send({"my_chat_member": member})
    assert status == 200 and calls == []
    status, calls = chat.send({"message": chat.message(new_chat_members=[chat.user])})
    assert status == 200 and calls == []


@pytest.mark.parametrize("secret", ["wrong-secret", None])
def test_a_wrong_or_missing_secret_gets_403_and_no_reply(chat, secret):
    status, calls = chat.send({"message": chat.message(text="ciao")}, secret=secret)
    assert status == 403 and calls == []


def test_markup_from_a_user_is_never_sent_back_as_markup(chat):
    chat.text("/start")
    calls = chat.text("<script>alert('x')</script>")
    assert "codice" in sent_texts(calls) and "<script>" not in sent_texts(calls)


def test_malformed_updates_do_not_break_the_webhook(chat):
    for body in ({}, {"message": "not an object"}, {"callback_query": {"id": "1"}}, {"message": {"text": 5}}):
        status, calls = chat.send(body)
        assert status == 200
    assert chat.post([1, 2, 3]) == 200  # valid JSON, not an update
    chat.handled()


def test_an_update_sent_twice_is_handled_once(chat):
    chat.text("/start")
    update = {"update_id": next(_ids), "message": chat.message(text="/aiuto")}
    mark = chat.api.mark()
    assert chat.post(update) == 200 and chat.post(update) == 200  # Telegram retries with the same id
    chat.handled()
    helps = [c for c in chat.api.since(mark, "sendMessage") if "ricominciamo" in c.get("text", "")]
    assert len(helps) == 1



def test_continue_on_telegram_carries_the_profile_over(client, sender, chat):
    """Started on the website (REST), continued on Telegram from the link, without repeating."""
    client.say(sender, "ciao")
    client.say(sender, '/inform{"org_kind":"azienda"}')
    client.say(sender, "ristorazione")
    replies = client.say(sender, "continuiamo su Telegram")
    link = next(r["custom"] for r in replies if "custom" in r)
    assert link["type"] == "bussola.telegram_link" and link["url"].startswith("https://t.me/BussolaTestBot?start=")
    # the website's interview goes on too, at the question it was on
    assert "Raccontami in una frase" in " ".join(r.get("text", "") for r in replies)

    code = link["url"].rsplit("=", 1)[1]
    said = sent_texts(chat.text(f"/start {code}"))
    assert "ripreso il profilo" in said and "Raccontami in una frase" in said and "chi sei?" not in said
    slots = client.slots(telegram_sender(chat.chat_id))
    assert (slots["org_kind"], slots["sector"]) == ("azienda", "food_service")

    other = Chat(chat.servers, chat.api)  # the same link a second time: used up
    assert "non è più valido" in sent_texts(other.text(f"/start {code}"))


def test_privacy_requests_and_sales_mode_work_on_telegram(chat, client):
    chat.text("/start")
    chat.press('/inform{"org_kind":"azienda"}')
    chat.text("ristorazione")
    shown = sent_texts(chat.text("quali dati avete su di me?"))
    assert "Ecco cosa so di te" in shown and "ristorazione" in shown.lower()
    erased = sent_texts(chat.text("cancella i miei dati"))
    assert "ho cancellato i tuoi dati" in erased
    sender = telegram_sender(chat.chat_id)
    assert not any("ristorazione" in (e.get("text") or "") for e in client.tracker(sender)["events"])
    assert client.slots(sender)["sector"] is None

    assert "non è valido" in sent_texts(chat.text("/vendite Marco"))  # no code
    sales = sent_texts(chat.text(f"/vendite {SALES_MODE_CODE} Marco"))
    assert "Modalità vendite attiva per Marco" in sales and "Che tipo di realtà" in sales
    assert client.slots(sender)["mode"] == "vendite" and client.slots(sender)["salesperson"] == "Marco"


def test_the_rest_channel_cannot_reach_a_telegram_conversation(chat, client):
    """A chat id is no secret: REST refuses the Telegram conversation's id, and any id that is not
    "web-" and a random token (issue 16)."""
    chat.text("ciao")
    sender = telegram_sender(chat.chat_id)
    assert client.slots(sender)  # the conversation exists
    for other in (sender, str(chat.chat_id), "admin", "web-1", "web-" + "a" * 10):
        status, answer = client.post(client.servers.webhook, {"sender": other, "message": "cancella i miei dati"})
        assert status == 400 and "non valido" in str(answer), (other, status, answer)
    assert client.slots(sender)  # still there
