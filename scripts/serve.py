"""Starts Bussola on this machine: the action server and the Rasa server with the REST channel.

With a terminal attached it opens a chat in the terminal; leaving it ("esci", Ctrl-D) stops the
servers. Without one (or with --no-chat) it serves until Ctrl-C.
"""
from __future__ import annotations

import argparse
import json
import os
import signal
import sys
import time
from pathlib import Path
from typing import Optional, Tuple

from bot.paths import TELEGRAM_STATUS

from scripts.common import STATE, say
from scripts.servers import Servers


def _stop_on_signal(signum, frame) -> None:
    raise KeyboardInterrupt  # the `finally` below stops the servers: none is left running


def telegram_status(state_dir: Path, wait: float = 10.0) -> Optional[dict]:
    """What the Telegram connector reported at start (bot/telegram.py writes it once the webhook is
    registered or has failed); None when it said nothing within `wait` seconds."""
    path = state_dir / TELEGRAM_STATUS
    deadline = time.monotonic() + wait
    while time.monotonic() < deadline:
        try:
            return json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            time.sleep(0.2)
    return None


def telegram_line(status: Optional[dict], webhook_url: str, local_url: str) -> Tuple[str, bool]:
    """The banner's Telegram line, and whether Telegram works as configured."""
    if status is None:
        return "no answer from the Telegram connector at start: see the Rasa log", False
    if not status.get("ok"):
        return f"NOT working: {status.get('error') or 'unknown error'} (docs/telegram.md)", False
    if status.get("mode") == "polling":
        return "on, long polling (development mode: write to your bot in Telegram)", True
    return f"on, webhook {webhook_url} -> {local_url}", True


def main() -> None:
    # `kill`, a closed terminal or a service manager end us with TERM or HUP, not Ctrl-C
    signal.signal(signal.SIGTERM, _stop_on_signal)
    signal.signal(signal.SIGHUP, _stop_on_signal)
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--no-chat", action="store_true", help="serve only, no terminal chat")
    args = parser.parse_args()
    port = int(os.environ.get("BUSSOLA_RASA_PORT", "5005"))
    actions_port = int(os.environ.get("BUSSOLA_ACTIONS_PORT", "5055"))
    web_port = int(os.environ.get("BUSSOLA_WEB_PORT", "8080"))
    sales_port = int(os.environ.get("BUSSOLA_SALES_PORT", "5056"))
    token = os.environ.get("BUSSOLA_API_TOKEN")
    servers = Servers(STATE, rasa_port=port, actions_port=actions_port, api_token=token,
                      progress=sys.stdout.isatty(), web_port=web_port, sales_port=sales_port)
    (STATE / TELEGRAM_STATUS).unlink(missing_ok=True)  # this start's outcome, not the last one's
    say("Starting Bussola (about 20 seconds)")
    try:
        servers.start()
    except RuntimeError as error:
        raise SystemExit(f"Bussola could not start: {error}")
    say(f"Bussola is running (ready in {servers.start_seconds:.0f} s)")
    telegram_ok = True
    if os.environ.get("BUSSOLA_TELEGRAM_TOKEN"):
        telegram, telegram_ok = telegram_line(telegram_status(STATE), os.environ.get("BUSSOLA_TELEGRAM_WEBHOOK_URL", ""),
                                              servers.telegram_webhook)
    else:
        telegram = "off (see docs/telegram.md; `make telegram` tries it with just a BotFather token)"
    print(f"""
    Web demo:      {servers.demo_url}  (a sample website with the chat widget)
    REST channel:  POST {servers.webhook}
      curl -s {servers.webhook} -H 'Content-Type: application/json' \\
           -d '{{"sender": "anna", "message": "ciao"}}'
    HTTP API:      {"on, protected by the token in BUSSOLA_API_TOKEN" if token else "off (set BUSSOLA_API_TOKEN to turn it on with that token)"}
    Sales console: {servers.sales_url}/console/  token: {servers.sales_token if not os.environ.get("BUSSOLA_SALES_TOKEN") else "the one in BUSSOLA_SALES_TOKEN"}
    Sales mode:    {servers.demo_url}#bussola=vendite&codice={servers.sales_mode_code}  (Telegram: /vendite {servers.sales_mode_code} <nome>)
    Sales webhook: {os.environ.get("BUSSOLA_SALES_WEBHOOK_URL") or "off (set BUSSOLA_SALES_WEBHOOK_URL: handoffs wait in the outbox)"}
    Conversations: {STATE / 'tracker.db'} (SQLite: they survive a restart)
    Leads:         {STATE / 'bussola.db'} (list and export: .venv/bin/python -m bot.leads --help)
    Telegram:      {telegram}
    Logs:          {STATE / 'rasa.log'}, {STATE / 'actions.log'}, {STATE / 'web.log'}, {STATE / 'sales.log'}
""", flush=True)
    if not telegram_ok:  # configured but not working: said, and the exit code says it too
        say("Telegram is configured but does not work: stopping (exit code 3)")
        servers.stop()
        sys.exit(3)
    try:
        if sys.stdin.isatty() and not args.no_chat:
            from scripts.chat import chat

            chat(servers.webhook)
        else:
            print("    Press Ctrl-C to stop.", flush=True)
            while servers.alive():
                time.sleep(1)
    except KeyboardInterrupt:
        pass
    finally:
        say("Stopping Bussola")
        servers.stop()


if __name__ == "__main__":
    main()
