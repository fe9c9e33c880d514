"""Sales pre-qualification through the real servers: consents, contact capture, the handoff to a
person with its notification, sales mode, and the privacy requests (see what is stored, erase it)."""
from __future__ import annotations

import time

import pytest

from tests.e2e.conftest import SALES_MODE_CODE
from tests.e2e.test_rest_interview import PIZZERIA, run_script

pytestmark = pytest.mark.e2e

# A pizzeria that sells to consumers, with time, a team and a budget: grade A for the example ICP.
TO_PLAN = PIZZERIA + [("sì, è corretto", "Posso conservare il tuo profilo")]


def joined(client, sender, message) -> str:
    return " ".join(client.texts(sender, message))


def wait_for(condition, timeout=20.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(0.2)
    raise AssertionError("timed out waiting")


def lead_of(client, sender):
    found = client.sales_api(f"/api/senders/{sender}/lead")
    return client.sales_api(f"/api/leads/{found['public_id']}") if found else None


def test_a_qualified_visitor_leaves_contacts_and_is_handed_to_a_person(client, sender, sales_receiver):
    run_script(client, sender, TO_PLAN)
    assert "un consulente può" in joined(client, sender, "sì")  # profile kept; a call is offered
    assert "Come ti chiami" in joined(client, sender, "/affirm")
    assert "Per quale azienda" in joined(client, sender, "mi chiamo Anna Esposito")
    assert "Quante persone" in joined(client, sender, "Pizzeria da Anna")
    assert "email" in joined(client, sender, "siamo in 8")
    retry = joined(client, sender, "anna chiocciola pizzeria")
    assert "per esempio" in retry and "email" in retry.lower()  # re-asked with an example
    assert "telefono" in joined(client, sender, "anna@pizzeriadaanna.it")
    assert "Quando preferisci" in joined(client, sender, "081 123 4567")
    done = joined(client, sender, "pomeriggio")
    assert "ho avvisato il team" in done and "pausa" in done

    # the bot is quiet for the person who takes over, but privacy requests are still answered
    assert client.texts(sender, "ci sei?") == []
    assert "Ecco cosa so di te" in joined(client, sender, "quali dati avete su di me?")
    assert client.texts(sender, "allora?") == []
    # the sales team is notified once, with the brief
    notice = wait_for(lambda: sales_receiver.for_sender(sender))
    assert len(notice) == 1 and notice[0]["key"]
    brief = notice[0]["body"]["brief"]
    assert brief["grade"] == "A" and brief["contact"]["email"] == "anna@pizzeriadaanna.it"
    assert brief["contact"]["phone"] == "+390811234567" and brief["profile"] and brief["plan"]["channels"]
    assert brief["fit"]["reasons"] and brief["readiness"]["reasons"]
    assert {c["kind"] for c in brief["consents"] if c["granted"]} == {"profile", "contact"}
    assert sender in brief["transcript_url"] and "Anna Esposito" in notice[0]["body"]["text"]
    time.sleep(1.5)
    assert len(sales_receiver.for_sender(sender)) == 1  # delivered once, not again

    lead = lead_of(client, sender)
    assert lead["status"] == "handoff_requested" and lead["step"] == "handoff"
    assert lead["entered_by"] == "visitor" and lead["anonymous"] is False and lead["grade"] == "A"
    assert lead["name"] == "Anna Esposito" and lead["company_size"] == "2-9"
    assert lead["profile"]["sector"] == "food_service" and lead["plan"]["type"] == "bussola.plan"
    assert all(c["notice_version"] for c in lead["consents"])


def test_without_consent_nothing_personal_is_kept_and_the_lead_expires(client, sender, sales_receiver):
    run_script(client, sender, TO_PLAN)
    assert "non conservo il profilo" in joined(client, sender, "no")
    assert "non verrai contattato" in joined(client, sender, "no grazie")
    lead = wait_for(lambda: lead_of(client, sender))
    assert lead["anonymous"] is True and lead["expires_at"]
    assert lead["profile"] is None and lead["plan"] is None and lead["name"] is None
    assert lead["grade"] in ("A", "B", "C")  # the scores, for the funnel: no personal data
    assert not sales_receiver.for_sender(sender)
    # the sales team cannot read the conversation, and the visitor is told exactly what is kept
    assert client.sales_api(f"/api/leads/{lead['public_id']}/transcript") is None  # 404
    shown = joined(client, sender, "quali dati avete su di me?")
    assert "Non hai dato il consenso a conservare il profilo" in shown and "entro un giorno" in shown
    assert "Il profilo è salvato" not in shown


def test_asking_for_a_person_mid_interview_then_declining_resumes_the_interview(client, sender):
    client.say(sender, "ciao")
    client.say(sender, '/inform{"org_kind":"azienda"}')
    assert "consulente" in joined(client, sender, "voglio parlare con un consulente")
    assert client.slots(sender)["handoff_requested"] is True
    client.say(sender, "no")  # keep the profile? no
    replies = joined(client, sender, "no")  # be contacted? no
    assert "Senza recapiti" in replies and "In che settore" in replies  # the interview goes on


def test_what_data_do_you_have_and_erasure(client, sender, servers):
    run_script(client, sender, TO_PLAN)
    client.say(sender, "sì")
    client.say(sender, "no")
    shown = joined(client, sender, "quali dati avete su di me?")
    assert "Ecco cosa so di te" in shown and "conservare il profilo" in shown and "pizzeria" in shown
    assert lead_of(client, sender)["profile"]

    erased = joined(client, sender, "cancella i miei dati")
    assert "ho cancellato i tuoi dati" in erased
    assert lead_of(client, sender) is None
    events = client.tracker(sender)["events"]
    texts = [e.get("text") for e in events if e.get("text")]
    assert not any("pizzeria" in t.lower() for t in texts)  # the conversation's events are gone
    assert client.slots(sender)["sector"] is None
    assert "Non ho nessun dato" in joined(client, sender, "quali dati avete su di me?")


def sales_interview(client, sender, name):
    script = [('/inform{"org_kind":"azienda"}', "In che settore lavora il cliente"),
              ("ristorazione", "cosa fa il cliente"),
              ("una pizzeria napoletana con forno a legna", "A chi vende il cliente")] + PIZZERIA[4:]
    for message, _ in script:
        client.say(sender, message)
    assert "Il cliente acconsente a conservare" in joined(client, sender, "sì, è corretto")
    assert "ricontattato" in joined(client, sender, "sì")
    for message in ["sì", name, "Pizzeria da Anna", "2-9", "anna@pizzeriadaanna.it", "+39 081 123 4567"]:
        client.say(sender, message)
    return joined(client, sender, "mattina")


def test_sales_mode_needs_the_team_code(client, sender):
    assert "non è valido" in joined(client, sender, '/start_sales_mode{"sales_code": "nope"}')
    assert client.slots(sender)["mode"] is None


def test_sales_mode_records_each_prospect_as_a_lead_entered_by_sales(client, sender, sales_receiver):
    opening = joined(client, sender, '/start_sales_mode{"sales_code": "%s", "salesperson": "Giulia"}'
                     % SALES_MODE_CODE)
    assert "Modalità vendite attiva per Giulia" in opening and "Che tipo di realtà" in opening
    assert "inserito dal team vendite (grado A)" in sales_interview(client, sender, "Anna Esposito")
    notice = wait_for(lambda: [n for n in sales_receiver.received
                               if n["body"].get("sender_id", "").startswith(sender + "#")])
    assert notice[0]["body"]["type"] == "bussola.sales_lead"
    assert notice[0]["body"]["brief"]["entered_by"] == "sales"
    assert client.texts(sender, "grazie")  # sales mode does not pause the bot

    # a second prospect in the same conversation is a lead of its own
    client.say(sender, '/start_sales_mode{"sales_code": "%s", "salesperson": "Giulia"}' % SALES_MODE_CODE)
    sales_interview(client, sender, "Bruno Russo")
    leads = [lead for lead in client.sales_api("/api/leads?entered_by=sales")["leads"]
             if lead["sender_id"].startswith(sender + "#")]
    assert sorted(lead["name"] for lead in leads) == ["Anna Esposito", "Bruno Russo"]
    assert {lead["salesperson"] for lead in leads} == {"Giulia"}
    transcript = client.sales_api(f"/api/leads/{leads[0]['public_id']}/transcript")
    assert any("pizzeria napoletana" in m["text"] for m in transcript)  # the conversation's transcript
