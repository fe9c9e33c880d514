"""The interview's Rasa actions: tracker in, messages and events out."""
from __future__ import annotations

from rasa_sdk.events import AllSlotsReset, SlotSet, UserUtteranceReverted

from actions.interview import (Greet, HandleUnclear, Help, ShowSummary, StartOver,
                               ValidateProfileForm, Welcome)
from bot import profile as P
from tests.actions.conftest import make_tracker

COMPLETE = {"org_kind": "azienda", "sector": "food_service", "activity": "pizzeria napoletana",
            "segment": "b2c", "locations": ["napoli"], "audience": "18-34",
            "objectives": ["notorieta", "contatti"], "priority": "notorieta", "channels_used": ["instagram"],
            "weekly_hours": 4.0, "team": "team", "ad_budget": True, "replies_to_messages": True,
            "shows_identity": True, "handles_criticism": False, "real_relationships": True}


def slot_events(events):
    return {e["name"]: e["value"] for e in events if e["event"] == "slot"}


async def test_the_greetings_link_the_privacy_page_of_the_deployment(domain, dispatcher, monkeypatch):
    from bot.leads import settings
    monkeypatch.setenv("BUSSOLA_PRIVACY_URL", "https://shop.example.it/privacy-chat")
    settings.default.cache_clear()
    try:
        for action in (Greet(), Welcome()):
            assert await action.run(dispatcher, make_tracker(domain, "ciao"), domain) == []
        greeting, welcome = (m["text"] for m in dispatcher.messages)
        assert greeting.startswith("Ciao, sono Bussola! Ti aiuto") and welcome.startswith("Ciao, sono Bussola! Grazie")
        for text in (greeting, welcome):
            assert "(informativa: https://shop.example.it/privacy-chat)" in text and "{" not in text
    finally:
        settings.default.cache_clear()


async def test_form_validation_fills_slots_and_asks_the_next_question(domain, dispatcher):
    tracker = make_tracker(domain, "Sono un'avvocata a Milano, cerco clienti tra le aziende",
                           entities=[{"entity": "profession", "value": "avvocata"},
                                     {"entity": "place", "value": "milano"},
                                     {"entity": "objective", "value": "contatti"},
                                     {"entity": "segment", "value": "b2b", "start": 48, "end": 55}],
                           slots={"requested_slot": "org_kind"}, active_loop="profile_form")
    events = await ValidateProfileForm().run(dispatcher, tracker, domain)
    slots = slot_events(events)
    assert slots["org_kind"] == "professionista" and slots["identity_guess"]["sector"] == "legal"
    # at the first question the place is where the user is, as in a first message: the markets are asked
    assert slots["places_named"] == ["milano"] and "locations" not in slots and slots["segment_named"] == "b2b"
    # the sector read from the description is said back before it is stored
    assert "sector" not in slots and slots["requested_slot"] == "sector"
    texts = [m["text"] for m in dispatcher.messages]
    assert texts[0].startswith("Ho capito: professionista") and "direi il settore «servizi legali»" in texts[-1]
    assert [b["payload"] for b in dispatcher.messages[-1]["buttons"]] == ["/affirm", "/deny"]


async def test_closed_questions_come_with_buttons(domain, dispatcher):
    tracker = make_tracker(domain, '/inform{"org_kind":"azienda"}',
                           entities=[{"entity": "org_kind", "value": "azienda"}],
                           slots={"requested_slot": "org_kind", "sector": "retail", "activity": "negozio"},
                           active_loop="profile_form")
    events = await ValidateProfileForm().run(dispatcher, tracker, domain)
    assert slot_events(events)["requested_slot"] == "segment"
    assert [b["payload"] for b in dispatcher.messages[-1]["buttons"]] == [
        '/inform{"segment":"b2b"}', '/inform{"segment":"b2c"}', '/inform{"segment":"entrambi"}']


async def test_priority_buttons_list_the_chosen_objectives(domain, dispatcher):
    tracker = make_tracker(domain, "farmi conoscere e trovare clienti",
                           entities=[{"entity": "objective", "value": "notorieta"},
                                     {"entity": "objective", "value": "contatti"}],
                           slots={**{k: v for k, v in COMPLETE.items() if k not in ("objectives", "priority")},
                                  "requested_slot": "objectives"}, active_loop="profile_form")
    events = await ValidateProfileForm().run(dispatcher, tracker, domain)
    assert slot_events(events)["requested_slot"] == "priority"
    assert [b["payload"] for b in dispatcher.messages[-1]["buttons"]] == [
        '/inform{"objective":"notorieta"}', '/inform{"objective":"contatti"}']


async def test_an_interruption_sets_no_slot_so_the_form_lets_the_rules_answer(domain, dispatcher):
    tracker = make_tracker(domain, "sei un bot?", intent="bot_challenge",
                           slots={"requested_slot": "sector", "org_kind": "azienda"}, active_loop="profile_form")
    events = await ValidateProfileForm().run(dispatcher, tracker, domain)
    assert events == [SlotSet("requested_slot", "sector")]


async def test_an_unusable_answer_gets_an_example_and_a_counted_try(domain, dispatcher):
    tracker = make_tracker(domain, "quando posso", intent="inform",
                           slots={"requested_slot": "weekly_hours"}, active_loop="profile_form")
    events = await ValidateProfileForm().run(dispatcher, tracker, domain)
    assert slot_events(events)["attempts"] == {"weekly_hours": 1}
    assert slot_events(events)["requested_slot"] == "weekly_hours"
    assert "3 ore a settimana" in dispatcher.messages[0]["text"]


async def test_summary_lists_the_profile_and_asks_to_confirm(domain, dispatcher):
    tracker = make_tracker(domain, slots=COMPLETE)
    await ShowSummary().run(dispatcher, tracker, domain)
    summary = dispatcher.messages[0]["text"]
    for expected in ("azienda o PMI", "ristorazione", "pizzeria napoletana", "privati (B2C)", "Napoli",
                     "18-34 anni", "farti conoscere", "Instagram", "4 ore a settimana", "il tuo team"):
        assert expected in summary
    assert [b["payload"] for b in dispatcher.messages[1]["buttons"]] == ["/affirm", "/change_field"]


async def test_help_explains_and_says_how_far_along(domain, dispatcher):
    tracker = make_tracker(domain, "aiuto", intent="help", slots={"org_kind": "azienda", "sector": "retail"})
    await Help().run(dispatcher, tracker, domain)
    assert "ricominciamo" in dispatcher.messages[0]["text"]
    assert dispatcher.messages[1]["text"] == "Finora hai risposto a 2 domande su 15."


async def test_start_over_resets_everything(domain, dispatcher):
    events = await StartOver().run(dispatcher, make_tracker(domain, "ricominciamo", "start_over"), domain)
    assert events == [AllSlotsReset()]


async def test_unusable_input_is_explained_without_echoing_it(domain, dispatcher):
    tracker = make_tracker(domain, "<script>alert(1)</script>", intent="nlu_fallback",
                           entities=[{"entity": "input_problem", "value": "markup"}])
    events = await HandleUnclear().run(dispatcher, tracker, domain)
    assert events == []
    assert "codice" in dispatcher.messages[0]["text"] and "<script>" not in dispatcher.messages[0]["text"]


async def test_core_fallback_says_so_and_takes_the_message_back(domain, dispatcher):
    tracker = make_tracker(domain, "sì", intent="affirm")
    events = await HandleUnclear().run(dispatcher, tracker, domain)
    assert events == [UserUtteranceReverted()]
    assert "non ho capito" in dispatcher.messages[0]["text"].lower()


def test_profile_validation_reports_missing_fields():
    data, problems = P.validate({"org_kind": "azienda"})
    assert "sector: missing" in problems and data["org_kind"] == "azienda"


async def test_after_the_plan_a_message_that_changed_nothing_does_not_reopen_the_summary(domain, dispatcher):
    tracker = make_tracker(domain, "facciamo anche catering per le aziende", slots={**COMPLETE, "profile_confirmed": True})
    assert await ShowSummary().run(dispatcher, tracker, domain) == [] and dispatcher.messages == []
