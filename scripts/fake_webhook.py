"""The sales team's webhook on loopback, for tests: records every notification Bussola's outbox
posts (bot/leads/outbox.py) with its Idempotency-Key, and answers 204."""
from __future__ import annotations

import collections
import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Dict, List


class SalesReceiver:
    def __init__(self):
        self.received: List[dict] = []
        self.lock = threading.Lock()
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = json.loads(self.rfile.read(int(self.headers.get("Content-Length") or 0)))
                with receiver.lock:
                    receiver.received.append({"key": self.headers.get("Idempotency-Key"), "body": body})
                self.send_response(204)
                self.end_headers()

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/leads"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def for_sender(self, sender: str) -> List[dict]:
        with self.lock:
            return [r for r in self.received if r["body"].get("sender_id") == sender]

    def keys_by_sender(self) -> Dict[str, set]:
        with self.lock:
            found = collections.defaultdict(set)
            for notice in self.received:
                found[notice["body"].get("sender_id")].add(notice["key"])
            return found

    def stop(self) -> None:
        self.server.shutdown()
