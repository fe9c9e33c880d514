"""A fake Telegram Bot API server on loopback: answers like api.telegram.org and records every call
(used by the e2e tests and the Telegram benchmark).

The Telegram connector takes the Bot API server URL from BUSSOLA_TELEGRAM_API_URL (Telegram's own
self-hosted Bot API server is used the same way), so the tests see exactly what the bot sends.
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
        if method == "sendMessage":
            result: Any = {"message_id": message_id, "date": int(time.time()), "text": params.get("text", ""),
                           "chat": {"id": int(params["chat_id"]), "type": "private"}, "from": BOT_USER}
        elif method == "getMe":
            result = BOT_USER
        else:
            result = True
        return web.json_response({"ok": True, "result": result})

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
