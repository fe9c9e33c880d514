"""Fixtures for action tests: trackers built like Rasa sends them, a collecting dispatcher."""
from __future__ import annotations

from typing import Any, Dict, List, Optional

import pytest
import yaml
from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from bot import paths


@pytest.fixture(scope="session")
def domain() -> Dict[str, Any]:
    return yaml.safe_load((paths.ROOT / "domain.yml").read_text(encoding="utf-8"))


@pytest.fixture
def dispatcher() -> CollectingDispatcher:
    return CollectingDispatcher()


@pytest.fixture
def state_dir(tmp_path, monkeypatch):
    """Each test gets its own SQLite database, migrated, and its own lead spool."""
    from bot import handoff
    from bot.leads import migrate, store

    url = f"sqlite:///{tmp_path / 'bussola.db'}"
    monkeypatch.setenv("BUSSOLA_DATABASE_URL", url)
    monkeypatch.setattr(store.paths, "STATE", tmp_path)
    migrate.upgrade(url)
    store.default_writer.cache_clear()
    handoff.default.cache_clear()
    yield tmp_path
    store.default_writer.cache_clear()
    handoff.default.cache_clear()


def make_tracker(domain: Dict[str, Any], text: str = "", intent: Optional[str] = "inform",
                 entities: Optional[List[dict]] = None, slots: Optional[Dict[str, Any]] = None,
                 active_loop: Optional[str] = None, sender: str = "test-user") -> Tracker:
    all_slots = {name: None for name in domain["slots"]}
    all_slots["requested_slot"] = None
    all_slots.update(slots or {})
    latest = {"text": text, "intent": {"name": intent, "confidence": 1.0},
              "entities": entities or []}
    return Tracker.from_dict({
        "sender_id": sender, "slots": all_slots, "latest_message": latest,
        "events": [{"event": "user", "text": text, "parse_data": latest}],
        "paused": False, "followup_action": None,
        "active_loop": {"name": active_loop} if active_loop else {},
        "latest_action_name": "action_listen",
    })
