"""One-time codes that carry a profile from the website to Telegram, on SQLite and PostgreSQL."""
from __future__ import annotations

import re

import pytest

from bot import handoff
from bot.handoff import HandoffStore

SLOTS = {"org_kind": "azienda", "sector": "food_service", "locations": ["napoli"], "weekly_hours": 4.0,
         "requested_slot": "activity", "attempts": {"activity": 1}, "session_started_metadata": None}


@pytest.fixture
def store(db_engine):
    return HandoffStore(db_engine)


def test_a_code_gives_the_profile_back_once(store):
    code = store.create("web-1", SLOTS)
    assert re.fullmatch(handoff.CODE_PATTERN, code)
    # only the profile's fields travel: not the form's bookkeeping
    assert store.redeem(code) == {"org_kind": "azienda", "sector": "food_service", "locations": ["napoli"],
                                  "weekly_hours": 4.0}
    assert store.redeem(code) is None


def test_unknown_and_expired_codes_give_nothing(store):
    assert store.redeem("x" * 32) is None
    code = store.create("web-2", SLOTS)
    later = handoff._now() + handoff.LIFETIME + handoff.dt.timedelta(minutes=1)
    assert store.redeem(code, now=later) is None
    assert store.redeem(code) is not None  # not used up by the failed attempt


def test_codes_are_unguessable_and_distinct(store):
    codes = {store.create("web-3", SLOTS) for _ in range(50)}
    assert len(codes) == 50 and all(len(c) >= 32 for c in codes)
