"""The sales actions: the lead form, the handoff, sales mode and the privacy requests."""
from __future__ import annotations

from rasa_sdk.events import ActiveLoop, AllSlotsReset, FollowupAction, SlotSet

from actions.recommend import SaveAndRecommend
from actions.sales import (EraseMyData, LeadComplete, RequestHuman, ShowMyData, StartSalesMode,
                           ValidateLeadForm)
from bot import handoff, personas
from bot.leads import capture, store
from tests.actions.conftest import make_tracker

CONTACT = {"consent_profile": True, "consent_contact": True, "contact_name": "Anna Esposito",
           "contact_company": "Pizzeria da Anna", "contact_size": "2-9",
           "contact_email": "anna@example.com", "contact_phone": "+390811234567",
           "contact_call_time": "pomeriggio"}


def profile(name):
    return next(p.profile for p in personas.load() if p.name == name)


def slot_events(events):
    return {e["name"]: e["value"] for e in events if e.get("event") == "slot"}


async def planned(domain, dispatcher, sender, **extra):
    """Slots after the plan: the profile, the plan payload and the qualification."""
    slots = {**profile("local restaurant"), **extra}
    events = await SaveAndRecommend().run(dispatcher, make_tracker(domain, "sì", "affirm", slots=slots,
                                                                   sender=sender), domain)
    dispatcher.messages.clear()
    return {**slots, **slot_events(events)}


async def test_the_lead_form_opens_with_the_privacy_notice(domain, dispatcher, state_dir):
    tracker = make_tracker(domain, "sì", "affirm", slots={"requested_slot": None})
    events = await ValidateLeadForm().run(dispatcher, tracker, domain)
    assert slot_events(events) == {"requested_slot": "consent_profile"}
    asked = dispatcher.messages[-1]
    assert "Posso conservare il tuo profilo" in asked["text"] and "Informativa privacy: http" in asked["text"]
    assert [b["payload"] for b in asked["buttons"]] == ["/affirm", "/deny"]


async def test_a_qualified_lead_is_offered_a_call(domain, dispatcher, state_dir):
    tracker = make_tracker(domain, "sì", "affirm", slots={"requested_slot": "consent_profile"})
    events = await ValidateLeadForm().run(dispatcher, tracker, domain)
    slots = slot_events(events)
    assert slots["consent_profile"] is True and slots["requested_slot"] == "consent_contact"
    assert "un consulente può" in dispatcher.messages[0]["text"]
    assert slots["consents"][0]["notice_version"].startswith("2026-11-26+")


async def test_accepting_a_call_writes_the_lead_notifies_and_pauses(domain, dispatcher, state_dir):
    slots = {**await planned(domain, dispatcher, "h-1"), **CONTACT, "consents": [
        capture.consent_record("profile", True, "v1", capture.dt.datetime.now(capture.dt.timezone.utc), "rest"),
        capture.consent_record("contact", True, "v1", capture.dt.datetime.now(capture.dt.timezone.utc), "rest")]}
    events = await LeadComplete().run(dispatcher, make_tracker(domain, "pomeriggio", slots=slots, sender="h-1"),
                                      domain)
    assert SlotSet("handed_over", True) in events  # bot/policies.py keeps the bot quiet from now on
    assert "ho avvisato il team" in dispatcher.messages[0]["text"]
    lead = store.default_store().by_sender("h-1")
    assert lead["step"] == "handoff" and lead["status"] == "handoff_requested"
    assert lead["email"] == "anna@example.com" and lead["anonymous"] is False
    assert lead["profile"]["sector"] == slots["sector"]
    (message,) = store.default_store().due_messages(capture.dt.datetime.now(capture.dt.timezone.utc)
                                                    + capture.dt.timedelta(minutes=1))
    assert message["payload"]["type"] == "bussola.handoff" and message["payload"]["brief"]["contact"]


async def test_declining_contact_mid_interview_goes_back_to_the_interview(domain, dispatcher, state_dir):
    slots = {"org_kind": "azienda", "consent_profile": False, "consent_contact": False,
             "handoff_requested": True}
    events = await LeadComplete().run(dispatcher, make_tracker(domain, "no", "deny", slots=slots, sender="d-1"),
                                      domain)
    assert FollowupAction("profile_form") in events and SlotSet("handed_over", True) not in events
    assert store.default_store().by_sender("d-1")["step"] == "consent"


async def test_asking_for_a_person_reopens_the_contact_consent(domain, dispatcher, state_dir):
    tracker = make_tracker(domain, "voglio un consulente", "request_human",
                           slots={"consent_contact": capture.NOT_OFFERED}, active_loop="profile_form")
    events = await RequestHuman().run(dispatcher, tracker, domain)
    assert SlotSet("consent_contact", None) in events and ActiveLoop(None) in events
    assert SlotSet("handoff_requested", True) in events


async def test_sales_mode_needs_the_team_code_and_gives_each_prospect_a_lead(domain, dispatcher, state_dir,
                                                                             monkeypatch):
    def start(code):
        entities = [{"entity": "salesperson", "value": "Giulia"}] + (
            [{"entity": "sales_code", "value": code}] if code is not None else [])
        tracker = make_tracker(domain, "/start_sales_mode", "start_sales_mode", entities=entities,
                               slots={"sector": "legal"}, sender="conv-1")
        dispatcher.messages.clear()
        return StartSalesMode().run(dispatcher, tracker, domain)

    monkeypatch.delenv("BUSSOLA_SALES_MODE_CODE", raising=False)
    assert await start("K7x9") == [] and "non è attiva" in dispatcher.messages[0]["text"]
    monkeypatch.setenv("BUSSOLA_SALES_MODE_CODE", "K7x9")
    assert await start(None) == [] and "codice del team vendite" in dispatcher.messages[0]["text"]
    assert await start("wrong") == []
    events = await start("K7x9")
    assert events[0] == AllSlotsReset() and SlotSet("mode", "vendite") in events
    assert SlotSet("salesperson", "Giulia") in events and "per Giulia" in dispatcher.messages[0]["text"]
    keys = {e["value"] for e in events if e.get("name") == "lead_key"}
    again = {e["value"] for e in await start("K7x9") if e.get("name") == "lead_key"}
    assert keys != again and all(k.startswith("conv-1#") for k in keys | again)  # one lead per prospect


async def test_show_my_data_lists_profile_and_consents(domain, dispatcher, state_dir):
    slots = {**await planned(domain, dispatcher, "s-1"), "consent_profile": True,
             "consent_contact": False, "consents": [
                 capture.consent_record("profile", True, "v9", capture.dt.datetime(2026, 11, 20), "rest")]}
    await LeadComplete().run(dispatcher, make_tracker(domain, "no", "deny", slots=slots, sender="s-1"), domain)
    dispatcher.messages.clear()
    await ShowMyData().run(dispatcher, make_tracker(domain, "quali dati avete?", "show_my_data", slots=slots,
                                                    sender="s-1"), domain)
    text = dispatcher.messages[0]["text"]
    assert "Ecco cosa so di te" in text and "conservare il profilo" in text and "20/11/2026" in text
    assert "versione v9" in text and "cancella i miei dati" in text


async def test_show_my_data_with_nothing_stored(domain, dispatcher, state_dir):
    await ShowMyData().run(dispatcher, make_tracker(domain, "cosa sai di me?", "show_my_data", sender="n-1"),
                           domain)
    assert "Non ho nessun dato" in dispatcher.messages[0]["text"]


async def test_erasure_deletes_the_lead_and_the_telegram_codes(domain, dispatcher, state_dir):
    await planned(domain, dispatcher, "e-1")
    code = handoff.default().create("e-1", profile("local restaurant"))
    events = await EraseMyData().run(dispatcher, make_tracker(domain, "cancella i miei dati", "erase_my_data",
                                                              sender="e-1"), domain)
    assert AllSlotsReset() in events and ActiveLoop(None) in events
    assert store.default_store().by_sender("e-1") is None
    assert handoff.default().redeem(code) is None
    assert "ho cancellato i tuoi dati" in dispatcher.messages[0]["text"]


def test_wrong_sales_codes_lock_the_door_for_a_while():
    from actions.sales import Guesses

    guesses = Guesses(per_conversation=3, in_all=5, window=60)
    for n in range(3):
        assert not guesses.locked("web-a", now=n)
        guesses.failed("web-a", now=n)
    assert guesses.locked("web-a", now=10) and not guesses.locked("web-b", now=10)
    guesses.failed("web-b", now=11)
    guesses.failed("web-c", now=12)
    assert guesses.locked("web-d", now=13)  # five wrong codes in all: nobody may try now
    assert not guesses.locked("web-a", now=100) and not guesses.locked("web-d", now=100)  # the window passed
