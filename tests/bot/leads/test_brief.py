"""The sales brief: data for the webhook and the console, Italian text for an email or a chat, from
a stored lead or from the one actions/sales.py builds out of the conversation."""
from __future__ import annotations

import datetime as dt
import json

import pytest

from bot.leads import brief as brief_module
from bot.leads import contacts
from bot.leads.brief import brief, brief_text
from bot.leads.qualification import qualify
from bot.leads.store import LeadStore, LeadUpdate
from tests.bot.leads.test_qualification import LAW_FIRM, SPECIALIST_PLAN

T0 = dt.datetime(2026, 11, 26, 10, 32, tzinfo=dt.timezone.utc)
VERSION = "2026-11-26+abcd1234"
URL = "https://vendite.example/console/#lead=abc123"
CONTACT = {"name": "Giulia Bianchi", "company": "Studio Bianchi", "company_size": "2-9",
           "email": "giulia@studiobianchi.it", "phone": "+393331234567", "call_time": "sera (dopo le 18)"}
PLAN = {**SPECIALIST_PLAN, "channels": [
    {"id": "linkedin", "name": "LinkedIn", "score": 94.2,
     "reasons": ["funziona bene per chi vende ad aziende", "è forte in Italia"]},
    {"id": "google_business_profile", "name": "Profilo dell'Attività su Google", "score": 71.0,
     "reasons": ["aiuta chi ha una sede a farsi trovare in zona"]}]}


def consent(kind: str, granted: bool = True) -> dict:
    return {"kind": kind, "granted": granted, "notice_version": VERSION, "given_at": T0, "channel": "rest"}


def stored_lead(**changes) -> dict:
    """A lead as LeadStore.get() returns it: columns, profile, plan, consents, history."""
    lead = {"public_id": "abc123", "sender_id": "web-1", "channel": "rest", "entered_by": "visitor",
            "salesperson": None, "status": "handoff_requested", "step": "handoff", "grade": "A",
            "fit_score": 100, "readiness_score": 98,
            "qualification": qualify(LAW_FIRM, CONTACT, PLAN).to_dict(), **CONTACT, "anonymous": False,
            "expires_at": None, "created_at": T0, "updated_at": T0, "profile": LAW_FIRM, "plan": PLAN,
            "consents": [consent("profile"), consent("contact")], "history": []}
    lead.update(changes)
    return lead


def test_the_headline_carries_the_ateco_code_and_the_offering():
    profile = {**LAW_FIRM, "ateco": "69.10", "offering": "servizi_professionali"}
    data = brief(stored_lead(profile=profile), URL)
    assert data["headline"] == ("Giulia Bianchi, Studio Bianchi — professionista o freelance (avvocato), "
                                "servizi legali (ATECO 69.10), offre servizi professionali: "
                                "«assistenza legale alle imprese»")


def test_the_brief_holds_everything_the_salesperson_needs():
    data = brief(stored_lead(), URL)
    assert json.loads(json.dumps(data)) == data  # it travels through the outbox as JSON
    assert data["headline"] == ("Giulia Bianchi, Studio Bianchi — professionista o freelance (avvocato), "
                                "servizi legali: «assistenza legale alle imprese»")
    assert data["contact"] == CONTACT
    assert {"field": "segment", "label": "Vende a", "value": "aziende (B2B)"} in data["profile"]
    assert {"field": "objectives", "label": "Obiettivi",
            "value": "trovare contatti e clienti; farsi conoscere"} in data["profile"]
    assert data["plan"] == {"specialist_advised": True, "channels": [
        {"name": "LinkedIn", "score": 94.2, "reason": "funziona bene per chi vende ad aziende"},
        {"name": "Profilo dell'Attività su Google", "score": 71.0,
         "reason": "aiuta chi ha una sede a farsi trovare in zona"}]}
    assert data["specialist_reasons"] == [SPECIALIST_PLAN["specialist_reasons"][0]["text"]]
    assert (data["grade"], data["fit"]["points"], data["readiness"]["points"]) == ("A", 100, 98)
    assert "vende ad aziende (B2B): +25" in data["fit"]["reasons"]
    assert data["consents"][0] == {"kind": "profile", "granted": True, "given_at": "2026-11-26T10:32:00+00:00",
                                   "notice_version": VERSION, "channel": "rest"}
    assert (data["entered_by"], data["transcript_url"], data["public_id"]) == ("visitor", URL, "abc123")


def test_the_text_reads_as_a_brief():
    text = brief_text(brief(stored_lead(), URL))
    assert text.startswith("Lead A: Giulia Bianchi, Studio Bianchi — professionista o freelance (avvocato)")
    for line in ["• Telefono: +39 333 123 4567",                       # grouped to be read out
                 "• Dimensione: 2-9 persone",
                 "• Quando chiamare: di sera (dopo le 18)",
                 "• Settore: servizi legali",
                 "• Chi se ne occuperebbe: in prima persona",
                 "Canali da discutere con lo specialista",
                 "1. LinkedIn (94/100): funziona bene per chi vende ad aziende",
                 "Perché serve uno specialista",
                 "• Il settore servizi legali ha regole precise su cosa si può comunicare e promuovere online.",
                 "Grado A (da contattare subito): affinità 100/100 e prontezza 98/100",
                 "Affinità 100/100", "• vende ad aziende (B2B): +25", "Prontezza 98/100",
                 f"• Conservare profilo e piano: sì, il 26/11/2026 alle 10:32 UTC (informativa versione "
                 f"{VERSION})",
                 f"• Essere ricontattato: sì, il 26/11/2026 alle 10:32 UTC (informativa versione {VERSION})",
                 "Inserito dal visitatore in chat (canale rest) il 26/11/2026 alle 10:32 UTC.",
                 f"Conversazione: {URL}"]:
        assert line in text, line


def test_a_plan_without_a_specialist_is_the_plan():
    plan = {**PLAN, "specialist_advised": False, "specialist_reasons": []}
    text = brief_text(brief(stored_lead(plan=plan), URL))
    assert "Piano proposto\n1. LinkedIn (94/100)" in text and "specialista" not in text


def test_without_consents_there_is_no_profile_plan_nor_contact():
    lead = stored_lead(profile=None, plan=None, qualification=None, grade=None, fit_score=None,
                       readiness_score=None, consents=[consent("profile", False)],
                       **{field: None for field in CONTACT})
    data = brief(lead, URL)
    assert (data["profile"], data["plan"], data["contact"]) == (None, None, {})
    assert (data["fit"], data["readiness"], data["grade"]) == (None, None, None)
    assert data["headline"] == "Visitatore anonimo"
    text = brief_text(data)
    assert text.startswith("Lead non qualificato: Visitatore anonimo")
    assert "Nessun recapito: non ha acconsentito a essere ricontattato." in text
    assert "Profilo e piano non conservati: manca il consenso." in text
    assert "Qualificazione non disponibile" in text
    assert "• Conservare profilo e piano: no, il 26/11/2026 alle 10:32 UTC" in text


def test_an_almost_empty_lead_still_makes_a_brief():
    text = brief_text(brief({"sender_id": "web-9"}, URL))
    assert "Consensi: nessuno registrato." in text and text.endswith(f"Conversazione: {URL}")


def test_a_profile_without_a_stored_qualification_is_qualified_now():
    data = brief(stored_lead(qualification=None, grade=None), URL)
    assert data["grade"] == "A" and data["fit"]["points"] == 100


def test_skipped_answers_and_details_are_shown_as_such():
    lead = stored_lead(profile={**LAW_FIRM, "ad_budget": "non_indicato"}, phone="non_indicato")
    data = brief(lead, URL)
    assert {"field": "ad_budget", "label": "Budget pubblicitario", "value": "non indicato"} in data["profile"]
    assert "phone" not in data["contact"]


def test_a_lead_entered_by_sales():
    text = brief_text(brief(stored_lead(entered_by="sales", salesperson="Marco"), URL))
    assert "Inserito dal team vendite (Marco) (canale rest) il 26/11/2026 alle 10:32 UTC." in text


@pytest.mark.parametrize("call_time, words", [
    ("pausa_pranzo", "in pausa pranzo"), ("indifferente", "in qualsiasi momento"),
    ("mattina (martedì mattina)", "di mattina (martedì mattina)"),
    ("quando finisco le udienze", "quando finisco le udienze"),
])
def test_call_times_in_words(call_time, words):
    assert f"• Quando chiamare: {words}" in brief_text(brief(stored_lead(call_time=call_time), URL))


def test_every_stored_value_has_words():
    assert set(brief_module.SIZE_WORDS) == set(contacts.COMPANY_SIZES)
    assert set(brief_module.CALL_TIME_WORDS) == set(contacts.CALL_TIMES)


def test_the_lead_the_action_builds_from_the_conversation():
    """actions/sales.py: no public id yet, times as ISO text (the update's `at`, the slot's consents)."""
    lead = {"sender_id": "web-1", "channel": "rest", "entered_by": "visitor", "salesperson": None,
            "status": "handoff_requested", "step": "handoff", "created_at": "2026-11-26T10:32:00Z",
            "qualification": qualify(LAW_FIRM, CONTACT, PLAN).to_dict(), **CONTACT,
            "profile": LAW_FIRM, "plan": PLAN,
            "consents": [{**consent("contact"), "given_at": "2026-11-26T10:32:00+00:00"}], "history": []}
    data = brief(lead, URL)
    assert data["public_id"] is None and data["created_at"] == "2026-11-26T10:32:00Z"
    assert "Inserito dal visitatore in chat (canale rest) il 26/11/2026 alle 10:32 UTC." in brief_text(data)


def test_a_lead_from_the_store(leads_engine):
    store = LeadStore(leads_engine)
    qualification = qualify(LAW_FIRM, CONTACT, PLAN).to_dict()
    iso = T0.isoformat()
    public_id = store.apply(LeadUpdate(sender_id="web-1", step="plan", channel="rest", profile=LAW_FIRM, plan=PLAN,
                                       qualification=qualification, at=iso,
                                       consents=[{**consent("profile"), "given_at": iso}]))
    store.apply(LeadUpdate(sender_id="web-1", step="handoff", contact=CONTACT, status="handoff_requested",
                           consents=[{**consent("contact"), "given_at": iso}], at=iso))
    data = brief(store.get(public_id), URL)
    assert json.loads(json.dumps(data)) == data
    assert (data["public_id"], data["grade"], data["contact"]) == (public_id, "A", CONTACT)
    assert data["plan"]["channels"][0]["name"] == "LinkedIn"
    assert [c["kind"] for c in data["consents"]] == ["profile", "contact"]
    assert "il 26/11/2026 alle 10:32 UTC" in brief_text(data)
