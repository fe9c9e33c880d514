"""The production topology on loopback (scripts/stack.py): Rasa replicas and action servers behind
nginx, on the machine's PostgreSQL and Redis. Missing services skip these tests locally and fail
them with REQUIRE_SERVICES=1 (CI)."""
from __future__ import annotations

import json
import urllib.error
import urllib.request
import uuid
from typing import Any, List, Tuple

import pytest

from bot.senders import new_web_sender
from scripts.stack import ADMIN_URL, ServiceMissing, check_postgres, check_redis, ensure_nginx
from scripts.train import MODEL
from tests.conftest import require_service

API_TOKEN = "production-" + uuid.uuid4().hex


def pytest_configure(config):
    config.addinivalue_line("markers", "production: starts the local production stack (scripts/stack.py): "
                                       "nginx, Rasa replicas, action servers, PostgreSQL, Redis")


@pytest.fixture(scope="session")
def services() -> None:
    """nginx (installed when missing and running as root), PostgreSQL and Redis."""
    for name, check in (("nginx", ensure_nginx), ("PostgreSQL", lambda: check_postgres(ADMIN_URL)),
                        ("Redis", lambda: check_redis("127.0.0.1", 6379))):
        try:
            check()
        except ServiceMissing as error:
            require_service(name, error)
    assert MODEL.exists(), "no trained model: run `make setup` first"


def post(url: str, body: Any, raw: bool = False, timeout: float = 60) -> Tuple[int, Any]:
    data = body if raw else json.dumps(body).encode()
    request = urllib.request.Request(url, data=data, headers={"Content-Type": "application/json"})
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            return response.status, json.loads(response.read() or b"null")
    except urllib.error.HTTPError as error:
        text = error.read().decode(errors="replace")
        try:
            return error.code, json.loads(text)
        except ValueError:
            return error.code, text


def say(base_url: str, sender: str, message: str) -> List[dict]:
    """One user message to a replica (or nginx): the replies, after checking the status."""
    status, replies = post(f"{base_url}/webhooks/rest/webhook", {"sender": sender, "message": message})
    assert status == 200, f"{base_url}: {status} {replies}"
    return replies


def texts(replies: List[dict]) -> str:
    return " ".join(r.get("text", "") for r in replies)


def tracker(base_url: str, sender: str) -> dict:
    url = f"{base_url}/conversations/{sender}/tracker?token={API_TOKEN}"
    with urllib.request.urlopen(url, timeout=30) as response:
        return json.load(response)


def events(base_url: str, sender: str) -> List[dict]:
    """The conversation's events as stored, without the per-read fields."""
    return [{k: v for k, v in e.items() if k != "input_channel"} for e in tracker(base_url, sender)["events"]]


@pytest.fixture
def sender() -> str:
    return new_web_sender("prod")
