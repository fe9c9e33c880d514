"""A fake Telegram Bot API server on loopback: answers like api.telegram.org and records every call
(used by the e2e tests and the Telegram benchmark); it also hands out updates to a bot that polls
(getUpdates), like Telegram does for a bot without a webhook.

The Telegram connector takes the Bot API server URL from BUSSOLA_TELEGRAM_API_URL (Telegram's own
self-hosted Bot API server is used the same way), so the tests see exactly what the bot sends.

On its own, `python -m scripts.fake_telegram` is Telegram on this machine, for trying the bot with
no network and no token: it prints the two variables to start the bot with (`make telegram` in
another terminal), then what you type is sent as a user's message and what the bot sends back is
printed, its buttons numbered (type the number to press one).
"""
from __future__ import annotations

import asyncio
import json
import threading
import time
from typing import Any, Dict, List, Optional

from aiohttp import web

from scripts.servers import free_port

BOT_USER = {"id": 999000111, "is_bot": True, "first_name": "Bussola", "username": "BussolaTestBot"}


class FakeBotAPI:
    def __init__(self) -> None:
        self.port = free_port()
        self.calls: List[Dict[str, Any]] = []
        self._lock = threading.Lock()
        self._message_id = 0
        self._loop: Optional[asyncio.AbstractEventLoop] = None
        self._runner: Optional[web.AppRunner] = None
        self.updates: List[Dict[str, Any]] = []  # waiting for a polling bot (getUpdates)
        self.confirmed = 0  # updates up to this update_id were fetched and confirmed by the bot
        self._next_update_id = 1

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    async def _handle(self, request: web.Request) -> web.Response:
        method = request.match_info["method"]
        params: Dict[str, Any] = dict(await request.post()) if request.content_type != "application/json" \
            else await request.json()
        for key in ("reply_markup", "allowed_updates"):
            if isinstance(params.get(key), str):
                params[key] = json.loads(params[key])
        with self._lock:
            self.calls.append({"method": method, "token": request.match_info["token"], **params})
            self._message_id += 1
            message_id = self._message_id
        if method == "getUpdates":
            return web.json_response({"ok": True, "result": await self._get_updates(params)})
        if method == "sendMessage":
            result: Any = {"message_id": message_id, "date": int(time.time()), "text": params.get("text", ""),
                           "chat": {"id": int(params["chat_id"]), "type": "private"}, "from": BOT_USER}
        elif method == "getMe":
            result = BOT_USER
        else:
            result = True
        return web.json_response({"ok": True, "result": result})

    async def _get_updates(self, params: Dict[str, Any]) -> List[Dict[str, Any]]:
        """Like Telegram: an offset confirms every update before it; waits up to `timeout` seconds
        (long polling) for one to come."""
        offset = int(params.get("offset") or 0)
        deadline = time.monotonic() + min(float(params.get("timeout") or 0), 30)
        while True:
            with self._lock:
                if offset:
                    self.updates = [u for u in self.updates if u["update_id"] >= offset]
                    self.confirmed = max(self.confirmed, offset - 1)
                waiting = list(self.updates)
            if waiting or time.monotonic() >= deadline:
                return waiting
            await asyncio.sleep(0.02)

    def push(self, update: Dict[str, Any]) -> int:
        """An update for the polling bot, numbered in order; returns its update_id."""
        with self._lock:
            update_id = self._next_update_id
            self._next_update_id += 1
            self.updates.append({"update_id": update_id, **update})
        return update_id

    def start(self) -> "FakeBotAPI":
        ready = threading.Event()

        def serve() -> None:
            self._loop = asyncio.new_event_loop()
            app = web.Application()
            app.router.add_post("/bot{token}/{method}", self._handle)
            self._runner = web.AppRunner(app)
            self._loop.run_until_complete(self._runner.setup())
            self._loop.run_until_complete(web.TCPSite(self._runner, "127.0.0.1", self.port).start())
            ready.set()
            self._loop.run_forever()

        threading.Thread(target=serve, daemon=True).start()
        assert ready.wait(10), "the fake Bot API did not start"
        return self

    def stop(self) -> None:
        if self._loop and self._runner:
            asyncio.run_coroutine_threadsafe(self._runner.cleanup(), self._loop).result(10)
            self._loop.call_soon_threadsafe(self._loop.stop)

    def mark(self) -> int:
        with self._lock:
            return len(self.calls)

    def since(self, mark: int, method: Optional[str] = None) -> List[Dict[str, Any]]:
        with self._lock:
            calls = self.calls[mark:]
        return [c for c in calls if method is None or c["method"] == method]


def _console() -> None:
    """Telegram on this machine: type as a user, read what the bot sends."""
    import itertools

    api = FakeBotAPI().start()
    user = {"id": 4242, "is_bot": False, "first_name": "Tu", "language_code": "it"}
    print(f"""Fake Telegram Bot API on {api.url}. In another terminal start the bot on it:

    BUSSOLA_TELEGRAM_TOKEN=123456:fake BUSSOLA_TELEGRAM_API_URL={api.url} make telegram

Then write here as a Telegram user would ("/start" first); a number presses a button. Ctrl-D quits.
""", flush=True)
    ids = itertools.count(1)
    seen, buttons = 0, []

    def show_replies(wait: float) -> None:
        nonlocal seen, buttons
        deadline = time.monotonic() + wait
        while time.monotonic() < deadline:
            calls = api.since(seen)
            if calls:
                seen += len(calls)
                for call in calls:
                    if call["method"] == "sendMessage":
                        print(f"Bussola: {call['text']}")
                        rows = (call.get("reply_markup") or {}).get("inline_keyboard") or []
                        buttons = [b for row in rows for b in row]
                        for n, button in enumerate(buttons, 1):
                            print(f"   [{n}] {button['text']}")
                deadline = time.monotonic() + 1.0  # more may follow in the same turn
            time.sleep(0.05)

    chat = {"id": user["id"], "type": "private", "first_name": "Tu"}
    try:
        while True:
            text = input("\nTu: ").strip()
            if not text:
                continue
            pressed = buttons[int(text) - 1] if text.isdigit() and 0 < int(text) <= len(buttons) else None
            if pressed:
                api.push({"callback_query": {"id": str(next(ids)), "from": user, "chat_instance": "1",
                                             "data": pressed["callback_data"],
                                             "message": {"message_id": next(ids), "date": int(time.time()),
                                                         "chat": chat, "text": ""}}})
            else:
                api.push({"message": {"message_id": next(ids), "date": int(time.time()), "from": user,
                                      "chat": chat, "text": text}})
            show_replies(30)
    except (EOFError, KeyboardInterrupt):
        print()
    finally:
        api.stop()


if __name__ == "__main__":
    _console()
