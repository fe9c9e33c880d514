"""The profile store on SQLite (embedded default) and on PostgreSQL (production)."""
from __future__ import annotations

import uuid

import pytest

from bot.profile_store import ProfileStore


@pytest.fixture
def store(db_engine):
    return ProfileStore(db_engine)


def test_save_and_read_back_the_latest(store):
    sender = f"test-{uuid.uuid4().hex}"
    store.save(sender, {"org_kind": "azienda", "locations": ["milano"], "weekly_hours": 3.5})
    store.save(sender, {"org_kind": "startup", "locations": ["torino", "germania"], "weekly_hours": 1})
    assert store.latest(sender) == {"org_kind": "startup", "locations": ["torino", "germania"],
                                    "weekly_hours": 1}
    assert store.count(sender) == 2
    assert store.latest(f"other-{uuid.uuid4().hex}") is None


def test_text_is_stored_as_data_not_sql(store):
    sender = f"'; DROP TABLE profiles; -- {uuid.uuid4().hex}"
    store.save(sender, {"activity": "'); DELETE FROM profiles; --"})
    assert store.latest(sender) == {"activity": "'); DELETE FROM profiles; --"}
