"""Bussola's Telegram channel: Rasa 3.6's connector, completed where it falls short.

Rasa's own `TelegramInput` calls `getMe` on every incoming update, has no way to check that an
update really comes from Telegram, raises on updates it does not expect, and talks only to
api.telegram.org. This connector keeps Rasa's output channel (aiogram) and adds:

- a configurable Bot API server URL (Telegram's self-hosted Bot API server, or the fake one the
  tests run on loopback);
- the webhook's secret token (`X-Telegram-Bot-Api-Secret-Token`): without the right one, 403 and
  no reply; the webhook is registered with it when the server starts;
- no API call per incoming update other than the replies;
- buttons as inline keyboards, their callback queries answered (Telegram shows a spinner until then);
- `/start`, `/ricomincia`, `/aiuto` and `/vendite` (sales mode);
- stickers, photos, edited messages and member changes answered in Italian or ignored, never an
  error (Telegram would resend an update it did not get a 200 for);
- the webhook stores each update in a SQLite queue, answers Telegram at once and handles the
  update in the background; what a stopped server left is handled at the next start, and an
  update sent twice is handled once.

Two ways to receive updates, one handler: the **webhook** (production: Telegram calls the server
over public HTTPS) and **long polling** (`BUSSOLA_TELEGRAM_MODE=polling`, `make telegram`: the server
asks Telegram with getUpdates, so a developer can try the bot from a laptop with just a BotFather
token). Both store each update in the same queue and hand it to the same `handle`. At start the
bot's commands are published with setMyCommands, so Telegram's menu shows them in Italian.

Configured from environment variables by scripts/servers.py (the token is never committed):
BUSSOLA_TELEGRAM_TOKEN, BUSSOLA_TELEGRAM_BOT_NAME, BUSSOLA_TELEGRAM_WEBHOOK_URL (webhook mode), and
optionally BUSSOLA_TELEGRAM_MODE (`webhook` or `polling`), BUSSOLA_TELEGRAM_SECRET (random at each
start when unset) and BUSSOLA_TELEGRAM_API_URL.
"""
from __future__ import annotations

import asyncio
import hmac
import json
import logging
import os
import re
import sqlite3
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Awaitable, Callable, Dict, List, Optional, Text, Tuple

from aiogram import Bot
from aiogram.bot.api import TelegramAPIServer
from aiogram.types import InlineKeyboardButton, InlineKeyboardMarkup
from rasa.core.channels.channel import UserMessage
from rasa.core.channels.telegram import TelegramInput, TelegramOutput
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse

from bot import handoff, paths, senders, texts
from bot.db import SQLiteFile

logger = logging.getLogger(__name__)

SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"
DEFAULT_API_URL = "https://api.telegram.org"
MAX_MESSAGE = 4096  # Telegram's limit for one text message, in characters
# Telegram commands -> the intents they stand for (intent payloads skip the NLU).
COMMANDS = {"/start": "/greet", "/ricomincia": "/start_over", "/aiuto": "/help"}
# The update kinds the webhook asks for; anything else is acknowledged and ignored.
ALLOWED_UPDATES = ["message", "edited_message", "callback_query"]
# Telegram's command menu (setMyCommands): the commands COMMANDS and /vendite understand.
MENU = [{"command": "start", "description": "Inizia (o riprendi) l'intervista"},
        {"command": "aiuto", "description": "Cosa sa fare Bussola e come si risponde"},
        {"command": "ricomincia", "description": "Ricomincia l'intervista da capo"},
        {"command": "vendite", "description": "Modalità vendite: /vendite <codice del team>"}]
POLLING, WEBHOOK = "polling", "webhook"
POLL_SECONDS = 25  # getUpdates' long-poll timeout: Telegram answers at once when an update comes


@dataclass
class Incoming:
    """What an update asks of the bot: a text for the assistant, a fixed reply, or nothing."""
    chat_id: Optional[int] = None
    text: Optional[str] = None
    reply: Optional[str] = None  # a key of texts.yml `telegram:`, sent without the assistant
    callback_query_id: Optional[str] = None


def read_update(update: Any) -> Incoming:
    """Reads a Telegram Update (a dict from JSON) without trusting its shape."""
    if not isinstance(update, dict):
        return Incoming()
    query = update.get("callback_query")
    if isinstance(query, dict):
        chat = ((query.get("message") or {}).get("chat") or {}).get("id") \
            or (query.get("from") or {}).get("id")
        data = query.get("data")
        return Incoming(chat_id=chat, text=data if isinstance(data, str) else None,
                        callback_query_id=str(query.get("id")) if query.get("id") is not None else None)
    edited = update.get("edited_message")
    if isinstance(edited, dict):
        return Incoming(chat_id=(edited.get("chat") or {}).get("id"), reply="edited")
    message = update.get("message")
    if not isinstance(message, dict):
        return Incoming()  # my_chat_member, channel posts, polls…: nothing to say
    chat_id = (message.get("chat") or {}).get("id")
    text = message.get("text")
    if isinstance(text, str):
        return Incoming(chat_id=chat_id, text=command_to_text(text))
    if any(key in message for key in ("new_chat_members", "left_chat_member", "new_chat_title",
                                      "new_chat_photo", "pinned_message", "group_chat_created")):
        return Incoming()  # service messages about the chat, not from a person to the bot
    return Incoming(chat_id=chat_id, reply="not_text")  # sticker, photo, voice, location, …


def command_to_text(text: str) -> str:
    """`/start`, `/ricomincia`, `/aiuto`, `/vendite` (also as `/aiuto@BussolaBot`) become the
    intents they stand for; `/start <code>`, opened from a website's "Continua su Telegram" link, takes the
    profile back (bot/handoff.py); any other text is left as it is."""
    words = text.strip().split(maxsplit=1)
    if words:
        command = words[0].split("@", 1)[0].lower()
        if command == "/start" and len(words) == 2 and re.fullmatch(handoff.CODE_PATTERN, words[1]):
            return '/continue_on_telegram{"handoff_code": "%s"}' % words[1]
        if command in COMMANDS:
            return COMMANDS[command]
        if command == "/vendite":  # sales mode: `/vendite <codice del team> [nome]`
            code, _, who = (words[1] if len(words) == 2 else "").strip().partition(" ")
            entities = {"sales_code": code, **({"salesperson": who.strip()[:80]} if who.strip() else {})}
            return "/start_sales_mode" + json.dumps(entities, ensure_ascii=False)
    return text


def keyboard(buttons: List[Dict[str, Any]]) -> InlineKeyboardMarkup:
    """Inline keyboard: two buttons a row, one a row when a title is long."""
    markup = InlineKeyboardMarkup()
    long_titles = any(len(b.get("title", "")) > 18 for b in buttons)
    row: List[InlineKeyboardButton] = []
    for button in buttons:
        row.append(InlineKeyboardButton(button["title"], callback_data=button["payload"]))
        if long_titles or len(row) == 2:
            markup.row(*row)
            row = []
    if row:
        markup.row(*row)
    return markup


def chunks(text: str, size: int = MAX_MESSAGE) -> List[str]:
    """Splits a text longer than Telegram allows at line ends where possible."""
    out: List[str] = []
    text = text.strip()
    while len(text) > size:
        cut = text.rfind("\n", 0, size)
        cut = cut if cut > 0 else size
        out.append(text[:cut].rstrip())
        text = text[cut:].lstrip()
    return out + [text] if text else out


class BussolaTelegramOutput(TelegramOutput):
    """Sends plain text (no parse mode: nothing a user or the bot writes is read as markup)."""

    def __init__(self, access_token: Optional[Text], api_url: str = DEFAULT_API_URL) -> None:
        Bot.__init__(self, access_token, server=TelegramAPIServer.from_base(api_url))

    async def send_response(self, recipient_id: Text, message: Dict[Text, Any]) -> None:
        # Rasa addresses the conversation ("tg-<chat id>", bot/senders.py); Telegram the chat
        await super().send_response(senders.telegram_chat(recipient_id), message)

    async def send_text_message(self, recipient_id: Text, text: Text, **kwargs: Any) -> None:
        for part in chunks(text):
            await self.send_message(recipient_id, part)

    async def send_text_with_buttons(self, recipient_id: Text, text: Text, buttons: List[Dict[Text, Any]],
                                     **kwargs: Any) -> None:
        *first, last = chunks(text) or [""]
        for part in first:
            await self.send_message(recipient_id, part)
        await self.send_message(recipient_id, last, reply_markup=keyboard(buttons))

    async def send_custom_json(self, recipient_id: Text, json_message: Dict[Text, Any], **kwargs: Any) -> None:
        # The plan's payload is for widgets and CRMs; on Telegram its text messages carry it. The
        # erasure's signal is for clients that keep a copy of the chat: Telegram's is the user's own.
        if json_message.get("type") in ("bussola.plan", "bussola.erased"):
            return
        await super().send_custom_json(recipient_id, json_message, **kwargs)


class BussolaTelegramInput(TelegramInput):
    """Webhook at /webhooks/telegram/webhook (Rasa names the path after the channel)."""

    @classmethod
    def name(cls) -> Text:
        return "telegram"

    @classmethod
    def from_credentials(cls, credentials: Optional[Dict[Text, Any]]) -> "BussolaTelegramInput":
        if not credentials or not credentials.get("access_token") or not credentials.get("secret_token"):
            cls.raise_missing_credentials_exception()
        return cls(credentials["access_token"], credentials.get("verify"), credentials.get("webhook_url"),
                   secret_token=credentials["secret_token"],
                   api_url=credentials.get("api_url") or DEFAULT_API_URL,
                   queue_path=credentials.get("queue_path") or "state/telegram_updates.db",
                   mode=credentials.get("mode") or WEBHOOK)

    def __init__(self, access_token: Optional[Text], verify: Optional[Text], webhook_url: Optional[Text],
                 secret_token: str = "", api_url: str = DEFAULT_API_URL,
                 queue_path: str = "state/telegram_updates.db", mode: str = WEBHOOK) -> None:
        super().__init__(access_token, verify, webhook_url, debug_mode=False)
        self.secret_token, self.api_url, self.queue_path = secret_token, api_url, Path(queue_path)
        if mode not in (POLLING, WEBHOOK):
            raise ValueError(f"BUSSOLA_TELEGRAM_MODE must be {POLLING!r} or {WEBHOOK!r}, not {mode!r}")
        self.mode = mode

    def get_output_channel(self) -> BussolaTelegramOutput:
        # Rasa's version also registers the webhook here, outside the server's event loop; ours
        # does it once the server runs (see blueprint).
        return BussolaTelegramOutput(self.access_token, self.api_url)

    @property
    def status_path(self) -> Path:
        """Where the start's outcome is written for the start banner (scripts/serve.py)."""
        return self.queue_path.parent / paths.TELEGRAM_STATUS

    def _report(self, **status: Any) -> None:
        try:
            self.status_path.write_text(json.dumps({"mode": self.mode, **status}), encoding="utf-8")
        except OSError as error:
            logger.error(f"Telegram: could not write {self.status_path}: {error}")

    async def register_webhook(self, out: BussolaTelegramOutput) -> None:
        if not self.webhook_url:
            logger.warning("Telegram: no webhook URL (BUSSOLA_TELEGRAM_WEBHOOK_URL), webhook not registered")
            self._report(ok=False, error="nessun BUSSOLA_TELEGRAM_WEBHOOK_URL")
            return
        try:
            # aiogram 2.15 predates `secret_token`, so the call is made by hand; form fields
            # carry arrays as JSON, as the Bot API expects.
            await out.request("setWebhook", {"url": self.webhook_url, "secret_token": self.secret_token,
                                             "allowed_updates": json.dumps(ALLOWED_UPDATES)})
            logger.info(f"Telegram webhook registered: {self.webhook_url}")
            self._report(ok=True)
        except Exception as error:  # the server still serves the other channels; the banner says it
            logger.error(f"Telegram: could not register the webhook {self.webhook_url}: {error}")
            self._report(ok=False, error=str(error)[:300])

    async def publish_commands(self, out: BussolaTelegramOutput) -> None:
        """The Italian command menu Telegram shows beside the input (setMyCommands)."""
        try:
            await out.request("setMyCommands", {"commands": json.dumps(MENU, ensure_ascii=False)})
        except Exception as error:  # the bot works without its menu
            logger.error(f"Telegram: could not publish the command menu: {error}")

    async def poll(self, out: BussolaTelegramOutput, take: Callable[[Any], None]) -> None:
        """Long polling for development: getUpdates in a loop, each update handed to `take` (the
        same queue and handler as the webhook). A webhook set earlier would make getUpdates fail,
        so it is removed first; errors (network, a wrong token) are logged and retried."""
        try:
            await out.request("deleteWebhook", {"drop_pending_updates": "false"})
            self._report(ok=True)
        except Exception as error:  # a wrong token, no network: said in the banner, retried below
            logger.error(f"Telegram: deleteWebhook failed: {error}")
            self._report(ok=False, error=str(error)[:300])
        offset = 0
        while True:
            try:
                updates = await out.request("getUpdates", {"offset": offset, "timeout": POLL_SECONDS,
                                                           "allowed_updates": json.dumps(ALLOWED_UPDATES)})
            except asyncio.CancelledError:
                raise
            except Exception as error:
                logger.error(f"Telegram: getUpdates failed, trying again in 5 s: {error}")
                await asyncio.sleep(5)
                continue
            for update in updates or []:
                if isinstance(update, dict) and isinstance(update.get("update_id"), int):
                    offset = max(offset, update["update_id"] + 1)
                take(update)

    def authorised(self, request: Request) -> bool:
        given = request.headers.get(SECRET_HEADER) or ""
        return bool(self.secret_token) and hmac.compare_digest(given.encode(), self.secret_token.encode())

    async def handle(self, update: Any, out: BussolaTelegramOutput,
                     on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> None:
        """Does what an update asks: the assistant's turn, a fixed reply, or nothing."""
        incoming = read_update(update)
        try:
            if incoming.callback_query_id:
                await out.answer_callback_query(incoming.callback_query_id)
            if incoming.chat_id is None:
                return
            if incoming.reply:
                await out.send_text_message(incoming.chat_id, texts.render("telegram", incoming.reply))
            elif incoming.text is not None:
                await on_new_message(UserMessage(incoming.text, out, senders.telegram_sender(incoming.chat_id),
                                                 input_channel=self.name()))
        except Exception as error:
            logger.error(f"Telegram: update not handled: {error!r}")
            try:
                await out.send_text_message(incoming.chat_id, texts.render("telegram", "error"))
            except Exception:
                pass

    async def process(self, queue: "UpdateQueue", key: int, update: Any, out: BussolaTelegramOutput,
                      on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> None:
        try:
            await self.handle(update, out, on_new_message)
        finally:
            queue.done(key)

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        """The webhook stores each update, answers Telegram at once, and handles it in the
        background: Telegram waits for the answer before sending more, so a reply that takes
        long would hold up the others. Stored first, so an update is not lost if the server
        stops mid-reply: the next start handles what was left (see UpdateQueue)."""
        telegram_webhook = Blueprint("bussola_telegram_webhook", __name__)
        out = self.get_output_channel()
        queue = UpdateQueue(self.queue_path)
        tasks: set = set()

        def start(key: int, update: Any) -> None:
            task = asyncio.ensure_future(self.process(queue, key, update, out, on_new_message))
            tasks.add(task)  # keep a reference until it is done
            task.add_done_callback(tasks.discard)

        def take(update: Any) -> None:
            key = queue.add(update)
            if key is not None:  # None: Telegram sent this update again, it is already in hand
                start(key, update)

        @telegram_webhook.listener("after_server_start")
        async def register(app: Any, loop: Any) -> None:
            for key, update in queue.adopt_orphans():  # left by a server that stopped mid-reply
                start(key, update)
            await self.publish_commands(out)
            if self.mode == POLLING:
                poller = asyncio.ensure_future(self.poll(out, take))
                tasks.add(poller)
                logger.info("Telegram: long polling (development mode), no webhook")
            else:
                await self.register_webhook(out)

        @telegram_webhook.listener("before_server_stop")
        async def stop_polling(app: Any, loop: Any) -> None:
            for task in list(tasks):
                task.cancel()

        @telegram_webhook.route("/", methods=["GET"])
        async def health(_: Request) -> HTTPResponse:
            return response.json({"status": "ok"})

        @telegram_webhook.route("/webhook", methods=["POST"])
        async def webhook(request: Request) -> HTTPResponse:
            if not self.authorised(request):
                return response.text("forbidden", status=403)
            try:
                update = request.json
            except Exception:  # not JSON: nothing Telegram would send
                return response.text("bad request", status=400)
            take(update)
            return response.text("success")

        return telegram_webhook


class UpdateQueue:
    """Updates received and not yet handled, in a SQLite file every Rasa worker opens.

    A row is written before Telegram gets its 200 and deleted once the update is handled; its
    `owner` is the worker process handling it. At start, a worker adopts the rows whose owner is
    no longer running (one conditional UPDATE each, so two workers never take the same row). An
    update Telegram sends twice (same update_id) is handled once.
    """

    def __init__(self, path: Path):
        self.file = SQLiteFile(path)
        self._db().execute("CREATE TABLE IF NOT EXISTS updates (key INTEGER PRIMARY KEY AUTOINCREMENT, "
                           "update_id INTEGER UNIQUE, body TEXT NOT NULL, owner INTEGER NOT NULL)")

    def _db(self) -> sqlite3.Connection:
        return self.file.connection()

    def add(self, update: Any) -> Optional[int]:
        update_id = update.get("update_id") if isinstance(update, dict) else None
        cursor = self._db().execute("INSERT OR IGNORE INTO updates (update_id, body, owner) VALUES (?, ?, ?)",
                                    (update_id if isinstance(update_id, int) else None,
                                     json.dumps(update), os.getpid()))
        return cursor.lastrowid if cursor.rowcount == 1 else None

    def done(self, key: int) -> None:
        self._db().execute("DELETE FROM updates WHERE key = ?", (key,))

    def pending(self) -> int:
        return self._db().execute("SELECT count(*) FROM updates").fetchone()[0]

    def adopt_orphans(self) -> List[Tuple[int, Any]]:
        adopted = []
        for key, body, owner in self._db().execute("SELECT key, body, owner FROM updates ORDER BY key").fetchall():
            if owner != os.getpid() and not _running(owner):
                claimed = self._db().execute("UPDATE updates SET owner = ? WHERE key = ? AND owner = ?",
                                             (os.getpid(), key, owner)).rowcount
                if claimed == 1:
                    adopted.append((key, json.loads(body)))
        return adopted


def _running(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # someone else's process: running
        return True
    return True
