"""The REST channel with its request checked: a malformed request gets a 400 that says what is
wrong, instead of a 500 or an empty 200.

Rasa 3.6's `RestInput` reads `request.json.get(...)` unchecked. Found by tests/e2e/test_fuzz.py:

- a JSON body that is not an object (`[1]`, `"ciao"`, `null`, `5`) or an empty body: 500
  (`'list' object has no attribute 'get'`);
- a `message` that is not a string (number, list, object, null, true) or is missing, or a
  `metadata` that is not an object: 200 with no reply at all (the turn fails inside Rasa, which
  logs the raw value), and with `?stream=true` the response never ends;
- a `sender` that is not a string is turned into one (`{'a': 1}`), a missing or empty one becomes
  the conversation "default" that every such client shares, and one longer than 255 characters
  does not fit the SQL tracker store's column;
- `input_channel` from the body is taken as the conversation's channel, so a web client could pass
  for Telegram (actions/handoff.py tells channels apart);
- any `sender` is accepted, Telegram's conversations ("tg-…") included: anyone who knows a chat id
  could read, continue or erase that conversation (bot/senders.py: REST ids are "web-" and a
  random token).

Here each of those is a 400 with an Italian description, the channel is always "rest", and a body
over MAX_BODY_BYTES is a 413. A message longer than input_check.MAX_CHARS is cut to one character
more than that before the NLU sees it: InputGuard still answers it in Italian ("too long"), but a
100 KB message no longer costs the whole pipeline — 11.9 s of one Rasa worker measured here through
/model/parse, during which that worker answers nobody — and is not stored whole in the tracker.
Registered in credentials.yml under the name "rest", so the URL stays /webhooks/rest/webhook.

With BUSSOLA_CLOSE_CONNECTIONS=1 (set by scripts/servers.py when the Rasa server runs several Sanic
workers) each reply closes its connection. The workers share one listening socket and a kept-alive
connection stays with the worker that accepted it: with 10 clients one worker did 80% of the work
(27 messages/s instead of 39 here). A new connection per message goes to whichever worker is free,
which costs less than it gains. Behind nginx (one worker per replica) connections are kept.

Each worker warms itself up once its model is loaded (`warm_up_worker`): the first message of a
fresh worker took 382 ms here, mostly lazy set-up and the first full garbage collection over the
loaded model; after the warm-up, 33-46 ms.
"""
from __future__ import annotations

import gc
import logging
import os
from typing import Any, Awaitable, Callable, Dict, Optional, Text

from rasa.core.channels.channel import UserMessage
from rasa.core.channels.rest import RestInput
from sanic import Blueprint
from sanic.exceptions import InvalidUsage, PayloadTooLarge
from sanic.request import Request
from sanic.response import HTTPResponse

from bot import rasa_patches, senders
from bot.input_check import MAX_CHARS

logger = logging.getLogger(__name__)

MAX_BODY_BYTES = 256 * 1024  # a message is at most MAX_CHARS characters; metadata is small
MAX_SENDER_CHARS = 255  # the SQL tracker store's sender_id column


async def warm_up_worker(app: Any) -> None:
    """What a worker would otherwise do on its first message, done once its model is loaded: one
    parse (the NLU graph's first run), the lazy set-up of bot/rasa_patches.py #6, then a full
    garbage collection and `gc.freeze()`, so later collections no longer walk the loaded model's
    long-lived objects (the first full one, during a user's second message, cost ~300 ms)."""
    agent = getattr(getattr(app, "ctx", None), "agent", None)
    if agent is not None and agent.is_ready():
        await agent.parse_message("ciao")
    rasa_patches.warm_up()
    gc.collect()
    gc.freeze()


def shorten(message: str) -> str:
    """A message over MAX_CHARS (once stripped, as Rasa strips it) cut to MAX_CHARS + 1 characters
    that Rasa's strip leaves as they are, so InputGuard still finds it too long."""
    stripped = message.strip()
    if len(stripped) <= MAX_CHARS:
        return message
    cut = stripped[:MAX_CHARS + 1]
    return cut[:-1] + "…" if cut[-1].isspace() else cut


class BussolaRestInput(RestInput):
    """POST /webhooks/rest/webhook with {"sender": str, "message": str, "metadata": object?}."""

    @classmethod
    def name(cls) -> Text:
        return "rest"

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[None]]) -> Blueprint:
        webhook = super().blueprint(on_new_message)

        @webhook.listener("after_server_start")  # the model is loaded before the server starts
        async def warm_up(app: Any, loop: Any) -> None:
            try:
                await warm_up_worker(app)
            except Exception:  # a speed-up only: the worker must serve anyway
                logger.warning("The worker's warm-up failed; its first message will be slower.", exc_info=True)

        if os.environ.get("BUSSOLA_CLOSE_CONNECTIONS") == "1":
            @webhook.on_response
            async def close_connection(request: Request, response: HTTPResponse) -> None:
                stream = getattr(request, "stream", None)  # Sanic's HTTP/1.1 connection
                if stream is not None and hasattr(stream, "keep_alive"):
                    stream.keep_alive = False  # "Connection: close", then closed after the reply
        return webhook

    @staticmethod
    def _body(request: Request) -> Dict[Text, Any]:
        if len(request.body or b"") > MAX_BODY_BYTES:
            raise PayloadTooLarge(f"Richiesta troppo grande: al massimo {MAX_BODY_BYTES // 1024} KB.")
        body = request.json  # Sanic answers 400 itself when the body is not JSON
        if not isinstance(body, dict):
            raise InvalidUsage('Il corpo della richiesta deve essere un oggetto JSON: '
                               '{"sender": "...", "message": "..."}.')
        return body

    async def _extract_sender(self, request: Request) -> Optional[Text]:
        # called first by RestInput's handler, so the body is checked here, before anything runs
        body = self._body(request)
        sender = body.get("sender")
        if not isinstance(sender, str) or not sender.strip():
            raise InvalidUsage('Manca "sender": un testo non vuoto che identifica la conversazione.')
        if len(sender) > MAX_SENDER_CHARS:
            raise InvalidUsage(f'"sender" è troppo lungo: al massimo {MAX_SENDER_CHARS} caratteri.')
        if not senders.is_web_sender(sender):  # another channel's conversation, or a guessable id
            raise InvalidUsage('"sender" non valido: deve essere "web-" seguito da un codice casuale di '
                               'almeno 22 caratteri (lettere, cifre, "-" o "_"). Ricarica la pagina.')
        message = body.get("message")
        if not isinstance(message, str):
            raise InvalidUsage('Manca "message", oppure non è un testo.')
        metadata = body.get("metadata")
        if metadata is not None and not isinstance(metadata, dict):
            raise InvalidUsage('"metadata", quando c\'è, deve essere un oggetto JSON.')
        return sender

    def _extract_message(self, request: Request) -> Optional[Text]:
        return shorten(self._body(request)["message"])  # a string: checked by _extract_sender

    def _extract_input_channel(self, request: Request) -> Text:
        return self.name()

    def get_metadata(self, request: Request) -> Optional[Dict[Text, Any]]:
        return self._body(request).get("metadata")
