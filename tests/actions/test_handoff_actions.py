"""'Continua su Telegram' as a Rasa action: the link on the website, the profile back on Telegram."""
from __future__ import annotations

import pytest
from rasa_sdk import Tracker
from rasa_sdk.events import SlotSet

from actions.handoff import ContinueOnTelegram
from bot import handoff
from tests.actions.conftest import make_tracker


@pytest.fixture
def store(state_dir):
    handoff.default.cache_clear()
    yield handoff.default()
    handoff.default.cache_clear()


def on_channel(tracker: Tracker, channel: str) -> Tracker:
    tracker.events[0]["input_channel"] = channel
    return tracker


async def test_the_website_gets_a_one_time_link(domain, dispatcher, store, monkeypatch):
    monkeypatch.setenv("BUSSOLA_TELEGRAM_BOT_NAME", "@BussolaBot")
    tracker = on_channel(make_tracker(domain, "/continue_on_telegram", intent="continue_on_telegram",
                                      slots={"org_kind": "azienda", "sector": "retail"}, sender="web-9"), "rest")
    assert await ContinueOnTelegram().run(dispatcher, tracker, domain) == []
    link = next(m["custom"] for m in dispatcher.messages if m.get("custom"))
    assert link["type"] == "bussola.telegram_link" and link["url"].startswith("https://t.me/BussolaBot?start=")
    assert link["url"] in dispatcher.messages[0]["text"]
    code = link["url"].rsplit("=", 1)[1]
    assert store.redeem(code) == {"org_kind": "azienda", "sector": "retail"}


async def test_without_telegram_the_website_is_told_so(domain, dispatcher, store, monkeypatch):
    monkeypatch.delenv("BUSSOLA_TELEGRAM_BOT_NAME", raising=False)
    tracker = on_channel(make_tracker(domain, "continuiamo su Telegram", intent="continue_on_telegram"), "rest")
    await ContinueOnTelegram().run(dispatcher, tracker, domain)
    assert "non è attivo" in dispatcher.messages[0]["text"] and not dispatcher.messages[0].get("custom")


async def test_telegram_takes_the_profile_back(domain, dispatcher, store):
    code = store.create("web-10", {"org_kind": "startup", "objectives": ["contatti"]})
    tracker = on_channel(make_tracker(domain, f'/continue_on_telegram{{"handoff_code": "{code}"}}',
                                      intent="continue_on_telegram",
                                      entities=[{"entity": "handoff_code", "value": code}]), "telegram")
    events = await ContinueOnTelegram().run(dispatcher, tracker, domain)
    assert sorted(events, key=lambda e: e["name"]) == [SlotSet("objectives", ["contatti"]),
                                                       SlotSet("org_kind", "startup")]
    assert "ripreso il profilo" in dispatcher.messages[0]["text"]


async def test_a_used_code_is_explained(domain, dispatcher, store):
    code = store.create("web-11", {"org_kind": "startup"})
    store.redeem(code)
    tracker = on_channel(make_tracker(domain, "/start", intent="continue_on_telegram",
                                      entities=[{"entity": "handoff_code", "value": code}]), "telegram")
    assert await ContinueOnTelegram().run(dispatcher, tracker, domain) == []
    assert "non è più valido" in dispatcher.messages[0]["text"]


async def test_asking_on_telegram_itself(domain, dispatcher, store, monkeypatch):
    monkeypatch.setenv("BUSSOLA_TELEGRAM_BOT_NAME", "BussolaBot")
    tracker = on_channel(make_tracker(domain, "continuiamo su Telegram", intent="continue_on_telegram"), "telegram")
    await ContinueOnTelegram().run(dispatcher, tracker, domain)
    assert "già su Telegram" in dispatcher.messages[0]["text"]
