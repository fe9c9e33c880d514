"""A Rasa worker's warm-up (bot/rest.py, warm_up_worker): what its first message would do lazily is
done once the model is loaded, and the loaded objects are moved out of the garbage collector's way."""
from __future__ import annotations

import gc
from types import SimpleNamespace

import pytest

from bot import rasa_patches
from bot.rest import BussolaRestInput, warm_up_worker


class FakeAgent:
    def __init__(self, ready: bool = True):
        self.ready, self.parsed = ready, []

    def is_ready(self) -> bool:
        return self.ready

    async def parse_message(self, text):
        self.parsed.append(text)
        return {"text": text}


@pytest.fixture
def unfrozen():
    yield
    gc.unfreeze()


async def test_the_warm_up_parses_once_sets_up_and_freezes(unfrozen):
    from rasa.core.actions.action import RemoteAction
    from rasa.core.tracker_store import SQLTrackerStore

    gc.unfreeze()
    agent = FakeAgent()
    await warm_up_worker(SimpleNamespace(ctx=SimpleNamespace(agent=agent)))
    assert agent.parsed == ["ciao"]  # the NLU graph's first run
    assert SQLTrackerStore.SQLEvent.__mapper__.configured  # SQLAlchemy's first-query set-up
    schema = RemoteAction.action_response_format_spec()
    assert any(entry[0] == schema for entry in rasa_patches._validators)  # the response validator
    assert gc.get_freeze_count() > 0  # what is loaded now is not walked by later collections


@pytest.mark.parametrize("app", [SimpleNamespace(ctx=SimpleNamespace(agent=None)),
                                 SimpleNamespace(ctx=SimpleNamespace(agent=FakeAgent(ready=False))),
                                 SimpleNamespace()])
async def test_a_worker_without_a_ready_model_still_starts(app, unfrozen):
    await warm_up_worker(app)  # no parse, no error: Rasa answers such a worker's requests itself
    assert gc.get_freeze_count() > 0


def test_the_rest_channel_warms_its_worker_up_when_the_server_starts():
    blueprint = BussolaRestInput().blueprint(lambda message: None)
    events = [future.event for future in blueprint._future_listeners]
    assert "after_server_start" in events


async def test_a_failing_warm_up_does_not_stop_the_worker(monkeypatch, caplog, unfrozen):
    async def broken(app):
        raise RuntimeError("no model")

    monkeypatch.setattr("bot.rest.warm_up_worker", broken)
    blueprint = BussolaRestInput().blueprint(lambda message: None)
    listener = next(f.listener for f in blueprint._future_listeners if f.event == "after_server_start")
    await listener(SimpleNamespace(), None)
    assert "warm-up failed" in caplog.text
