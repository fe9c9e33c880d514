"""Serves the chat widget (web/widget/) and the demo page (web/demo/index.html) on loopback.

The demo page is a sample agency website with the widget embedded by its one <script> tag; its
`data-server` points at the Rasa server given here. Started by scripts/servers.py.
"""
from __future__ import annotations

import argparse
import logging
import os
from pathlib import Path

from aiohttp import web

from bot import redaction

WEB = Path(__file__).resolve().parent.parent / "web"


def app(rasa_url: str) -> web.Application:
    telegram = "on" if os.environ.get("BUSSOLA_TELEGRAM_BOT_NAME") else ""  # "Continua su Telegram"
    page = (WEB / "demo" / "index.html").read_text(encoding="utf-8") \
        .replace("{{RASA_URL}}", rasa_url).replace("{{TELEGRAM}}", telegram)

    async def demo(_: web.Request) -> web.Response:
        return web.Response(text=page, content_type="text/html", charset="utf-8",
                            headers={"Cache-Control": "no-cache"})

    async def health(_: web.Request) -> web.Response:
        return web.json_response({"status": "ok"})

    application = web.Application()
    application.router.add_get("/", demo)
    application.router.add_get("/health", health)
    application.router.add_static("/widget/", WEB / "widget", follow_symlinks=False)
    return application


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--port", type=int, default=8080)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--rasa-url", default="http://localhost:5005")
    args = parser.parse_args()
    logging.basicConfig(level=logging.WARNING, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    redaction.install()  # no email or phone number in the log
    web.run_app(app(args.rasa_url), host=args.host, port=args.port, print=None)


if __name__ == "__main__":
    main()
