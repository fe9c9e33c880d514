"""Actions of the sales side (bot/leads/): the lead form (consents, contact details), handing the
conversation to a person, sales mode, and the privacy requests ("quali dati avete su di me?",
"cancella i miei dati"). Thin adapters: the rules live in bot/leads/."""
from __future__ import annotations

import datetime as dt
import hmac
import logging
import os
import secrets
import time
from typing import Any, Dict, List, Optional, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.events import ActiveLoop, AllSlotsReset, EventType, FollowupAction, SlotSet

from actions.common import is_sales, lead_update, send, user_message
from actions.forms import QuestionForm
from bot import handoff, texts, vocabulary
from bot import profile as P
from bot.leads import brief as lead_brief
from bot.leads import capture, settings, store
from bot.leads.qualification import qualify
from bot.leads.store import LeadUpdate

logger = logging.getLogger(__name__)
LEAD_FORM = "lead_form"


def profile_of(tracker: Tracker) -> Dict[str, Any]:
    return {name: tracker.get_slot(name) for name in P.FIELDS}


def sales_console_url() -> str:
    return os.environ.get("BUSSOLA_SALES_URL", "http://127.0.0.1:5056").rstrip("/")


def turn_mark(tracker: Tracker) -> str:
    """What identifies this turn also when it runs again: the timestamp of the last event stored
    before the user's message. A turn whose tracker could not be saved (the database went away
    after this action ran) is answered "servizio non disponibile" and the user sends the message
    again: the action runs once more on the same stored conversation, and its notification must
    carry the same Idempotency-Key (the step's own time, `update.at`, would be a new one)."""
    events = list(tracker.events or [])
    users = [i for i, event in enumerate(events) if event.get("event") == "user"]
    before = events[users[-1] - 1] if users and users[-1] > 0 else {}
    return f"{float(before.get('timestamp') or 0):.6f}"


class ValidateLeadForm(QuestionForm):
    """The lead form: consents, then contact details, each read through bot/leads/capture.py."""

    def name(self) -> Text:
        return f"validate_{LEAD_FORM}"

    def interpret(self, tracker: Tracker, requested: Optional[str]) -> capture.Turn:
        if requested not in capture.QUESTIONS:  # the form was just activated: nothing to read yet
            return capture.Turn(is_answer=False, next_question=capture.next_question(tracker.slots))
        return capture.interpret(user_message(tracker), requested, tracker.slots,
                                 settings.default().privacy.version, tracker.get_latest_input_channel() or "rest")

    def ask(self, dispatcher, tracker, turn, requested, slots) -> None:
        if turn.next_question == "consent_contact" and turn.next_question != requested \
                and not slots.get("handoff_requested") and not is_sales(tracker):
            dispatcher.utter_message(text=texts.lead_text("contact_offer"))
        send(dispatcher, texts.lead_question(turn.next_question, slots, settings.default().privacy))


class LeadComplete(Action):
    """The lead form is done: one write with the consents, the snapshots they allow, the contact and
    the scores (now with the company size); then the handoff when the user accepted a call and can
    be reached, or, in sales mode, the brief for the team."""

    def name(self) -> Text:
        return "action_lead_complete"

    async def run(self, dispatcher, tracker, domain):
        contact = capture.contact(tracker.slots) if tracker.get_slot("consent_contact") is True else {}
        reachable = bool(contact.get("email") or contact.get("phone"))
        sales = is_sales(tracker)
        profile, plan = profile_of(tracker), tracker.get_slot("plan")
        qualification = qualify(profile, contact, plan).to_dict()
        handoff = reachable and not sales
        step = "handoff" if handoff else ("contact" if contact else "consent")
        update = lead_update(tracker, step, profile=profile, plan=plan, qualification=qualification,
                             contact=contact or None, consents=list(tracker.get_slot("consents") or []))
        if handoff or sales:
            kind = "sales_lead" if sales else "handoff"
            update.status = None if sales else "handoff_requested"
            update.notify = {"kind": kind, "payload": self._notification(kind, tracker, update),
                             "dedup_key": f"{kind}:{update.sender_id}:{turn_mark(tracker)}"}
        store.default_writer().write(update)
        events: List[EventType] = [SlotSet("consents", []),  # written: not to be written again
                                   SlotSet("qualification", qualification), SlotSet("handoff_requested", False)]

        if sales:
            dispatcher.utter_message(text=texts.lead_text("sales_saved", grade=f"grado {qualification['grade']}"))
            return events
        if handoff:
            when = tracker.get_slot("contact_call_time")
            when = texts.lead_text("handoff_when_default") if when in (None, P.SKIPPED) \
                else f"({when.replace('_', ' ')})"
            dispatcher.utter_message(text=texts.lead_text("handoff_done", when=when))
            return events + [SlotSet("handed_over", True)]
        if tracker.get_slot("consent_contact") is True:  # a yes, then no email and no phone
            dispatcher.utter_message(text=texts.lead_text("handoff_no_contact"))
        elif any(c.get("granted") for c in tracker.get_slot("consents") or []):
            dispatcher.utter_message(text=texts.lead_text("saved"))
        if P.next_question(tracker.slots) is not None:  # asked for a person mid-interview: go on
            return events + [FollowupAction("profile_form")]
        return events

    @staticmethod
    def _notification(kind: str, tracker: Tracker, update: LeadUpdate) -> Dict[str, Any]:
        """What the sales webhook receives: the brief as data and as Italian text. Built from the
        conversation, so that it is queued even while the lead database is unreachable."""
        consent_profile = tracker.get_slot("consent_profile") is True
        qualification = update.qualification or {}
        lead = {"sender_id": update.sender_id, "channel": update.channel, "entered_by": update.entered_by,
                "salesperson": update.salesperson, "status": update.status, "step": update.step,
                "created_at": update.at, "grade": qualification.get("grade"),
                "fit_score": qualification.get("fit", {}).get("points"),
                "readiness_score": qualification.get("readiness", {}).get("points"),
                "qualification": qualification, **(update.contact or {}),
                "profile": update.profile if consent_profile else None,
                "plan": update.plan if consent_profile else None,
                "consents": update.consents, "history": []}
        data = lead_brief.brief(lead, f"{sales_console_url()}/console/#sender={update.sender_id}")
        return {"type": f"bussola.{kind}", "sender_id": update.sender_id, "brief": data,
                "text": lead_brief.brief_text(data)}


class RequestHuman(Action):
    """"Voglio parlare con un consulente": the lead form asks what is missing to be called back."""

    def name(self) -> Text:
        return "action_request_human"

    async def run(self, dispatcher, tracker, domain):
        events: List[EventType] = [SlotSet("handoff_requested", True), ActiveLoop(None)]
        if tracker.get_slot("consent_contact") is not True:
            events.append(SlotSet("consent_contact", None))  # declined or not offered before: ask now
        dispatcher.utter_message(text=texts.lead_text("handoff_offer"))
        return events


class Guesses:
    """Wrong sales-mode codes, per conversation and in all (this action server): after
    `per_conversation` wrong codes in `window` seconds a conversation may not try again until the
    window has passed, and after `in_all` wrong codes from any conversations nobody may (a guesser
    opens new conversations). A locked door costs the team a few minutes; an open one, its leads."""

    def __init__(self, per_conversation: int = 5, in_all: int = 30, window: float = 900.0):
        self.per_conversation, self.in_all, self.window = per_conversation, in_all, window
        self._times: Dict[str, List[float]] = {}

    def _recent(self, key: str, now: float) -> List[float]:
        times = [t for t in self._times.get(key, []) if now - t < self.window]
        if times:
            self._times[key] = times
        else:
            self._times.pop(key, None)
        return times

    def locked(self, sender_id: str, now: Optional[float] = None) -> bool:
        now = time.monotonic() if now is None else now
        return len(self._recent(sender_id, now)) >= self.per_conversation \
            or len(self._recent("*", now)) >= self.in_all

    def failed(self, sender_id: str, now: Optional[float] = None) -> None:
        now = time.monotonic() if now is None else now
        for key in (sender_id, "*"):
            self._times[key] = self._recent(key, now) + [now]


SALES_CODE_GUESSES = Guesses()


class StartSalesMode(Action):
    """A salesperson answers about a prospect: `/start_sales_mode{"sales_code": "…", "salesperson":
    "Giulia"}` (the widget's data-mode="vendite", Telegram's `/vendite <codice> [nome]`). The code
    is BUSSOLA_SALES_MODE_CODE: without it anyone could see grades and send leads to the team.
    Each prospect is a new lead of its own (the `lead_key` slot), even in the same conversation."""

    def name(self) -> Text:
        return "action_start_sales_mode"

    async def run(self, dispatcher, tracker, domain):
        entities = {e.get("entity"): str(e.get("value")) for e in user_message(tracker).entities
                    if e.get("value") not in (None, "")}
        expected = os.environ.get("BUSSOLA_SALES_MODE_CODE", "")
        if not expected:
            dispatcher.utter_message(text=texts.lead_text("sales_mode_off"))
            return []
        if SALES_CODE_GUESSES.locked(tracker.sender_id):
            dispatcher.utter_message(text=texts.lead_text("sales_mode_locked"))
            return []
        if not hmac.compare_digest(entities.get("sales_code", "").encode(), expected.encode()):
            SALES_CODE_GUESSES.failed(tracker.sender_id)
            dispatcher.utter_message(text=texts.lead_text("sales_mode_denied"))
            return []
        who = " ".join(entities.get("salesperson", "").split())[:80] or None
        dispatcher.utter_message(text=texts.lead_text("sales_mode_on", who=f" per {who}" if who else ""))
        return [AllSlotsReset(), ActiveLoop(None), SlotSet("mode", texts.SALES_MODE), SlotSet("salesperson", who),
                SlotSet("lead_key", f"{tracker.sender_id}#{secrets.token_hex(4)}")]


class ShowMyData(Action):
    """"Quali dati avete su di me?": the profile in this conversation, and what the lead store
    keeps (consents with their time and notice version, contact details, expiry)."""

    def name(self) -> Text:
        return "action_show_my_data"

    async def run(self, dispatcher, tracker, domain):
        lead = _stored_lead(tracker.sender_id)
        answered = [q for q in P.QUESTIONS if tracker.get_slot(q) is not None]
        if not answered and not lead:
            dispatcher.utter_message(text=texts.lead_text("data_none"))
            return []
        lines = [texts.lead_text("data_intro")]
        if answered:
            summary = texts.summary(tracker.slots, vocabulary.default()).split("\n", 1)[1]
            lines.append(texts.lead_text("data_profile", summary="\n" + summary))
        if lead:
            expiry = ""
            if lead.get("expires_at"):
                expiry = texts.lead_text("data_expiry", when=_day(lead["expires_at"]))
            if store.consent_granted(lead, "profile"):
                lines.append(texts.lead_text("data_lead", when=_day(lead["created_at"]), expiry=expiry))
            else:  # what docs/sales.md promises after a refusal, and no more
                days = settings.default().declined_conversation_days
                lines.append(texts.lead_text("data_lead_declined", expiry=expiry,
                                             days="entro un giorno" if days <= 1 else f"entro {days} giorni"))
            for consent in lead.get("consents") or []:
                lines.append(texts.lead_text(
                    "data_consent", kind=texts.lead_text(f"consent_kind_{consent['kind']}"),
                    answer="sì" if consent["granted"] else "no", when=_day(consent["given_at"]),
                    version=consent["notice_version"]))
            contact = [str(lead[k]) for k in ("name", "company", "email", "phone", "call_time") if lead.get(k)]
            if contact:
                lines.append(texts.lead_text("data_contact", contact=", ".join(contact)))
        lines.append(texts.lead_text("data_erase_hint"))
        dispatcher.utter_message(text="\n".join(lines))
        return []


ERASED_SIGNAL = "bussola.erased"  # docs/plan-payload.md, web/widget/bussola-widget.js


class EraseMyData(Action):
    """"Cancella i miei dati": the lead and everything of it, the Telegram codes holding the profile,
    the slots; the conversation's stored events are deleted by the tracker store when it saves
    this turn (bot/tracker_store.py)."""

    def name(self) -> Text:
        return "action_erase_my_data"

    async def run(self, dispatcher, tracker, domain):
        try:
            store.default_writer().discard(tracker.sender_id)  # steps still waiting in the spool
            store.default_store().erase(tracker.sender_id)
            handoff.default().erase(tracker.sender_id)
        except Exception as error:  # the database is down: say so, and keep nothing half-done silent
            logger.error(f"erasure failed, database unreachable: {error.__class__.__name__}")
            dispatcher.utter_message(text=texts.lead_text("erase_failed"))
            return []
        dispatcher.utter_message(text=texts.lead_text("erased"))
        # for clients that keep a copy (the widget's localStorage): forget it and start a new session
        dispatcher.utter_message(json_message={"type": ERASED_SIGNAL})
        return [AllSlotsReset(), ActiveLoop(None)]


def _stored_lead(sender_id: str) -> Optional[Dict[str, Any]]:
    try:
        return store.default_store().by_sender(sender_id)
    except Exception as error:  # unreachable database: show what the conversation holds
        logger.warning(f"lead store unreachable: {error.__class__.__name__}")
        return None


def _day(value: Any) -> str:
    if isinstance(value, str):
        value = dt.datetime.fromisoformat(value)
    return value.strftime("%d/%m/%Y") if isinstance(value, (dt.date, dt.datetime)) else str(value)
