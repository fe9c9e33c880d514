"""The real action server and Rasa server on free loopback ports, shared by the e2e tests."""
from __future__ import annotations

import json
import urllib.error
import urllib.request
import uuid
from typing import Any, List

import pytest

from bot.senders import new_web_sender
from scripts.fake_telegram import FakeBotAPI
from scripts.fake_webhook import SalesReceiver
from scripts.servers import Servers, free_port
from scripts.train import MODEL

API_TOKEN = "e2e-" + uuid.uuid4().hex
TELEGRAM_TOKEN = "123456789:E2E-test-token-not-a-real-one"
TELEGRAM_SECRET = "e2e-secret-" + uuid.uuid4().hex
TELEGRAM_PUBLIC_URL = "https://bussola.example/webhooks/telegram/webhook"
SALES_MODE_CODE = "e2e-" + uuid.uuid4().hex[:6]


class Client:
    """Talks to the servers like a REST channel user, and reads trackers through the HTTP API."""

    def __init__(self, servers: Servers):
        self.servers = servers

    def post(self, url: str, body: Any, raw: bool = False) -> tuple:
        data = body if raw else json.dumps(body).encode()
        request = urllib.request.Request(url, data=data, headers={"Content-Type": "application/json"})
        try:
            with urllib.request.urlopen(request, timeout=60) as response:
                return response.status, json.loads(response.read() or b"null")
        except urllib.error.HTTPError as error:
            return error.code, error.read().decode(errors="replace")

    def say(self, sender: str, message: Any) -> List[dict]:
        status, replies = self.post(self.servers.webhook, {"sender": sender, "message": message})
        assert status == 200, f"{status}: {replies}"
        return replies

    def texts(self, sender: str, message: Any) -> List[str]:
        return [r.get("text", "") for r in self.say(sender, message)]

    def tracker(self, sender: str) -> dict:
        url = f"{self.servers.rasa_url}/conversations/{sender}/tracker?token={API_TOKEN}"
        with urllib.request.urlopen(url, timeout=30) as response:
            return json.load(response)

    def slots(self, sender: str) -> dict:
        return self.tracker(sender)["slots"]

    def sales_api(self, path: str) -> Any:
        """The sales server's API, with the token."""
        request = urllib.request.Request(f"{self.servers.sales_url}{path}",
                                         headers={"Authorization": f"Bearer {self.servers.sales_token}"})
        try:
            with urllib.request.urlopen(request, timeout=30) as response:
                return json.load(response)
        except urllib.error.HTTPError as error:
            if error.code == 404:
                return None
            raise


@pytest.fixture(scope="module")
def browser():
    """Headless Debian Chromium driven by Playwright (the widget's and the sales console's tests);
    per module, so that Playwright's own event loop is gone before other modules' async tests."""
    from playwright.sync_api import sync_playwright

    from scripts.run_tests import ensure_chromium

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=ensure_chromium(), headless=True,
                                             args=["--no-sandbox", "--disable-gpu"])
        yield browser
        browser.close()


@pytest.fixture(scope="session")
def fake_telegram():
    api = FakeBotAPI().start()
    yield api
    api.stop()


@pytest.fixture(scope="session")
def sales_receiver():
    receiver = SalesReceiver()
    yield receiver
    receiver.stop()


@pytest.fixture(scope="session")
def servers(tmp_path_factory, fake_telegram, sales_receiver):
    """One set of servers for every e2e test: REST, the token-protected HTTP API, Telegram pointed
    at the fake Bot API, and the widget's demo page."""
    assert MODEL.exists(), "no trained model: run `make setup` first"
    telegram = {"BUSSOLA_TELEGRAM_TOKEN": TELEGRAM_TOKEN, "BUSSOLA_TELEGRAM_SECRET": TELEGRAM_SECRET,
                "BUSSOLA_TELEGRAM_API_URL": fake_telegram.url, "BUSSOLA_TELEGRAM_BOT_NAME": "BussolaTestBot",
                "BUSSOLA_TELEGRAM_WEBHOOK_URL": TELEGRAM_PUBLIC_URL,
                "BUSSOLA_SALES_WEBHOOK_URL": sales_receiver.url, "BUSSOLA_SALES_MODE_CODE": SALES_MODE_CODE}
    with Servers(tmp_path_factory.mktemp("e2e-state"), rasa_port=free_port(), actions_port=free_port(),
                 api_token=API_TOKEN, extra_env=telegram, web_port=free_port(),
                 sales_port=free_port()) as running:
        yield running


@pytest.fixture
def client(servers) -> Client:
    return Client(servers)


@pytest.fixture
def sender() -> str:
    return new_web_sender("e2e")
