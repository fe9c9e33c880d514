"""The coach's domain (bot/coaching.py), without Rasa: the answer to the check-in offer, "basta
promemoria", the check-in questions, what an answer tells, and the plan recomputed from the journal."""
from __future__ import annotations

import datetime as dt

import pytest

from bot import coaching, knowledge_base, vocabulary
from bot.recommend import recommend

SUNDAY = dt.datetime(2026, 12, 6, 15, 30, tzinfo=dt.timezone.utc)  # a Sunday afternoon in Rome
TEN_IN_ROME = 9  # 10:00 in Rome is 9:00 UTC in winter


@pytest.fixture(scope="module")
def kb():
    return knowledge_base.from_file()


@pytest.fixture(scope="module")
def voc():
    return vocabulary.default()


def on(day: int, month: int = 12, year: int = 2026) -> dt.datetime:
    return dt.datetime(year, month, day, TEN_IN_ROME, tzinfo=dt.timezone.utc)


@pytest.mark.parametrize("text, granted, first_due", [
    ("sì, volentieri", True, on(13)),  # a yes: the listening week, at ten in the morning
    ("sì, ma tra due settimane", True, on(20)),
    ("fra 10 giorni", True, on(16)),  # a date alone is a yes
    ("meglio la settimana prossima", True, on(13)),
    ("giovedì", True, on(10)),  # the next Thursday
    ("il 12 gennaio", True, on(12, 1, 2027)),  # a day gone this year is next year's
    ("no, grazie", False, None),
    ("forse", None, None),  # a consent is never guessed: asked again
    ("sì ma non scrivermi", None, None),
])
def test_the_answer_to_the_check_in_offer(text, granted, first_due):
    assert coaching.read_optin(text, SUNDAY) == coaching.OptIn(granted, first_due)


@pytest.mark.parametrize("text, stop", [
    ("basta promemoria", True), ("non scrivermi più, grazie", True), ("smettetela di mandarmi messaggi", True),
    ("disattiva le notifiche", True), ("grazie, a presto", False), ("basta così per oggi", False),
])
def test_asking_for_no_more_check_ins(text, stop):
    assert coaching.asks_to_stop(text) is stop


def _profile():
    return {"org_kind": "azienda", "sector": "food_service", "activity": "trattoria di pesce a Chioggia",
            "segment": "b2c", "locations": ["veneto"], "audience": "famiglie e turisti",
            "objectives": ["contatti", "reputazione"], "priority": "contatti", "channels_used": [],
            "weekly_hours": 6, "team": "team", "ad_budget": False, "replies_to_messages": True,
            "shows_identity": True, "handles_criticism": True, "real_relationships": True}


def test_each_check_in_asks_about_the_plans_own_channels(kb, voc):
    plan = recommend(_profile(), kb, voc).payload()
    first = plan["channels"][0]["name"]
    assert first in coaching.checkin_message(1, plan) and "ascolto" in coaching.checkin_message(1, plan)
    assert first in coaching.checkin_message(2, plan)
    assert "un mese" in coaching.checkin_message(3, plan)


def test_a_review_says_which_channels_gave_something_the_hours_and_the_trouble(voc):
    review = coaching.read_review("Instagram mi ha portato una decina di prenotazioni, TheFork niente; "
                                  "ci ho messo tre ore a settimana, e le critiche mi hanno pesato",
                                  ["instagram", "thefork", "tripadvisor"], voc)
    assert review.outcomes == {"instagram": True, "thefork": False}  # Tripadvisor not mentioned: unknown
    assert review.hours == 3.0 and review.trouble == ["criticism"]
    quiet = coaching.read_review("tutto bene, grazie", ["instagram"], voc)
    assert quiet.outcomes == {} and quiet.hours is None and quiet.trouble == []


def test_the_plan_recomputed_drops_what_gave_nothing_and_says_why(kb, voc):
    profile = _profile()
    before = [c.id for c in recommend(profile, kb, voc).channels]
    gave_nothing, worked = before[0], before[1]
    names = {c.id: c.name for c in kb.all()}
    review = coaching.read_review(f"{names[worked]} funziona, tre clienti nuovi; {names[gave_nothing]} un buco "
                                  "nell'acqua. Ci metto due ore a settimana", before, voc)
    again = coaching.recompute(profile, [review], kb, voc)
    after = [c.id for c in again.plan.channels]
    assert gave_nothing not in after and worked in after
    assert again.dropped == [(gave_nothing, coaching.texts.render("coaching", "dropped", name=names[gave_nothing]))]
    assert again.hours == 2.0  # the time really spent replaces the estimate
    # asked about, the dropped channel says why it is out
    asked = recommend({**profile, "channels_dropped": [gave_nothing], "channels_named": [gave_nothing]}, kb, voc)
    assert any("un mese" in why for n in asked.not_a_fit if n.id == gave_nothing for why in n.reasons)


def test_trouble_met_twice_turns_into_specialist_advice_once_does_not(kb, voc):
    once = coaching.read_review("qualche critica pesante sotto un post", [], voc)
    plan_once = coaching.recompute(_profile(), [once], kb, voc).plan
    assert "criticism_trouble" not in {r["code"] for r in plan_once.specialist_reasons}
    twice = coaching.recompute(_profile(), [once, coaching.read_review("ancora attacchi nei commenti", [], voc)],
                               kb, voc).plan
    assert "criticism_trouble" in {r["code"] for r in twice.specialist_reasons} and twice.specialist_advised
