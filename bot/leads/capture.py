"""The lead form's logic: consents first, then contact details, one question per turn.

Like bot/interview.py for the profile: `interpret` reads one user message against the question
being asked and returns the slot updates, the notes to say and the next question. No Rasa import.
A consent is only ever a clear yes: anything else, or failing to answer twice, counts as a no.
"""
from __future__ import annotations

import datetime as dt
import re
from typing import Any, Dict, Mapping, Optional

from bot import answers
from bot import profile as P
from bot import texts
from bot.interview import UserMessage, Turn, as_words, count_failure
from bot.leads import contacts
from bot.vocabulary import fold

CONSENTS = ("consent_profile", "consent_contact")
# Contact slots and the contacts.check field each is validated as.
CONTACT_FIELDS = {"contact_name": "name", "contact_company": "company", "contact_size": "company_size",
                  "contact_email": "email", "contact_phone": "phone", "contact_call_time": "call_time"}
QUESTIONS = (*CONSENTS, *CONTACT_FIELDS)
NOT_OFFERED = "non_offerto"  # consent_contact when the bot did not offer a call (grade C)

# Intents that are not answers here: the dialogue rules answer them and the form asks again.
INTERRUPTIONS = {"help", "start_over", "erase_my_data", "show_my_data", "bot_challenge", "goodbye",
                 "request_human", "start_sales_mode", "ask_channel_info", "ask_channel_country",
                 "ask_channel_users", "ask_channel_compare", "ask_channel_why_not"}
# To a yes/no consent question, small talk is not an answer either; to "come ti chiami?" it may be
# a misread name, so there the form reads it.
CONSENT_INTERRUPTIONS = INTERRUPTIONS | {"greet", "thanks", "how_are_you", "out_of_scope"}
# "non voglio lasciare i miei dati": a refusal of every remaining contact detail.
_WITHDRAW = re.compile(r"\b(dati|recapiti|contatti|niente|nulla|basta)\b")


def next_question(slots: Mapping[str, Any]) -> Optional[str]:
    for name in CONSENTS:
        if slots.get(name) is None:
            return name
    if slots.get("consent_contact") is True:
        return next((name for name in CONTACT_FIELDS if slots.get(name) is None), None)
    return None


def consent_record(kind: str, granted: bool, notice_version: str, now: dt.datetime, channel: str) -> Dict:
    return {"kind": kind, "granted": granted, "notice_version": notice_version,
            "given_at": now.isoformat(), "channel": channel}


def interpret(message: UserMessage, requested: Optional[str], slots: Mapping[str, Any],
              notice_version: str, channel: str, now: Optional[dt.datetime] = None) -> Turn:
    now = now or dt.datetime.now(dt.timezone.utc)
    turn = Turn()
    if requested in QUESTIONS:  # "👍" to a consent, "🌙" to the time to call: the word it stands for
        message = as_words(message, requested)
    if requested in QUESTIONS and not message.text.startswith("/"):
        # a button's title typed as text ("Quando capita", "Sì, acconsento") presses the button
        pressed = answers.pressed_button(message.text, texts.lead_question(requested, slots, _NoNotice()).get("buttons") or [])
        if pressed:
            payload = str(pressed["payload"])
            message = UserMessage(text=payload, intent=payload[1:] if payload.startswith("/") else message.intent,
                                  entities=[])
    # the detail the answer holds, read once (email and phone validation are not free)
    checked = contacts.check(CONTACT_FIELDS[requested], message.text) if requested in CONTACT_FIELDS else None
    # "quante persone? sette": the question echoed, then the answer
    echoed = requested in CONTACT_FIELDS and checked.value is not None and not message.text.startswith("/") \
        and answers.after_echo(message.text, texts.lead_question(requested, slots, _NoNotice())["text"])
    if requested not in QUESTIONS or not echoed and _interrupts(message, requested, checked):
        turn.is_answer = False
        turn.next_question = requested if requested in QUESTIONS else next_question(slots)
        return turn

    if requested in CONSENTS:
        answer = consent_answer(message, requested)
        unclear = answer is None
        if not (unclear and count_failure(turn, requested, slots, texts.example("replies_to_messages"))):
            granted = bool(answer)  # no clear yes, even after asking again: no consent
            turn.updates[requested] = granted
            kind = requested.split("_", 1)[1]
            turn.updates["consents"] = list(slots.get("consents") or []) + [
                consent_record(kind, granted, notice_version, now, channel)]
            if requested == "consent_contact" and not granted:
                turn.notes.append(texts.lead_text(
                    "handoff_no_contact" if slots.get("handoff_requested") else "no_contact"))
            elif requested == "consent_profile" and not granted:
                turn.notes.append(texts.lead_text("no_profile_kept"))
    else:
        text = message.text.strip()
        if message.intent == "deny" and _WITHDRAW.search(fold(text)) and contacts.refusal(text):
            for name in CONTACT_FIELDS:  # every detail not given yet
                if slots.get(name) is None:
                    turn.updates[name] = P.SKIPPED
            turn.notes.append(texts.lead_text("refused"))
        elif contacts.refusal(text) or message.text.startswith("/") and message.intent in ("deny", "dont_know") \
                or checked.value is None and message.intent in ("deny", "dont_know"):
            # a refusal in words; the classifier's "no" only where the answer holds no detail
            # ("Bernasconi Wealth Advisory SA" came out as dont_know)
            turn.updates[requested] = P.SKIPPED
            turn.notes.append(texts.lead_text("refused"))
        else:
            if checked.value is not None:
                turn.updates[requested] = checked.value
            elif not count_failure(turn, requested, slots, _example(requested, checked)):
                turn.updates[requested] = P.SKIPPED
                turn.notes.append(texts.lead_text("invalid_twice"))

    attempts = dict(turn.updates.get("attempts", slots.get("attempts") or {}))
    for name in QUESTIONS:
        if name in turn.updates:  # answered, or given up on: its count starts again
            attempts.pop(name, None)
    turn.updates["attempts"] = attempts
    if turn.next_question is None:
        turn.next_question = next_question({**slots, **turn.updates})
    return turn


class _NoNotice:
    """Stands in for the privacy settings when only a question's buttons are needed."""
    profile = contact = url = version = ""


def consent_answer(message: UserMessage, requested: str = "consent_profile") -> Optional[bool]:
    """True only for a clear yes, False for a clear no, None for anything else ("lasciamo stare" is a
    no, "ci penso" and "dipende" are asked again). The classifier's intent never grants a consent:
    only the button's payload or the words do."""
    if message.text.startswith("/"):
        return {"affirm": True, "deny": False}.get(message.intent or "")
    message = UserMessage(answers.plain(message.text), message.intent, message.entities)
    corrected = answers.after_correction(message.text, yes_no=True)  # "sì... anzi no, scrivetemi e basta"
    if corrected:  # "no, anzi sì, tenetelo pure": the last word is the answer, if it is one
        answer = consent_answer(UserMessage(corrected, None, []), requested)
        if answer is not None:
            return answer
    reading = answers.yes_no(message.text)
    if reading is None and requested == "consent_contact" and (
            answers.is_command("request_human", message.text)
            or re.search(r"(?<!non )\b((chiamate|telefonate|contattate|richiamate|sentiamoci)(mi|ci)?|"
                         r"(puo|potete|puoi) (chiamar|telefonar|contattar)\w*)\b",
                         answers.words(message.text))):
        return True  # "chiamatemi pure", "e vabbuò, chiamate": asked whether a consultant may call
    if reading == answers.YES:
        # "sì, ma non chiamatemi": a yes with a negation left in it is asked again, never guessed
        return True if answers.clear_yes(message.text) else None
    if reading == answers.NO or (reading is None and message.intent == "deny"):
        return False
    return None


def _interrupts(message: UserMessage, requested: str, checked: Optional[contacts.Checked]) -> bool:
    """A command the message says ("aiuto", "cancella i miei dati"), a real question, or small talk
    at a consent question: the rules answer it and the question comes again. "mi chiamo Antonio"
    is a name, whatever the classifier made of "chiamo"."""
    text, intent = message.text, message.intent
    if text.startswith("/"):
        return intent in (CONSENT_INTERRUPTIONS if requested in CONSENTS else INTERRUPTIONS)
    if requested == "consent_contact" and intent == "request_human":
        return False  # "sì, chiamatemi pure" asked whether a consultant may call: the answer
    if requested in CONSENTS and answers.starts_with_answer(text) and intent != "erase_my_data":
        return False  # "sì grazie, mi serve una mano": the answer, not a call for help
    if requested == "contact_name" and checked is not None and checked.value is not None \
            and re.match(r"\W*(chiamatemi|chiamami|chiamami pure)\s+[A-ZÀ-Ý]", text):
        return False  # "chiamatemi Totò, all'anagrafe Salvatore Cutrone": what to call them, not a request
    if answers.is_command(intent, text):
        return True
    if checked is not None and checked.value is not None and "?" not in text:
        return False  # "come il nome della pizzeria: pizzeria@example.it" gives the address
    if answers.asks(text) and intent in CONSENT_INTERRUPTIONS:
        return True
    if requested in CONSENTS and answers.yes_no(text) is not None:
        return False
    return requested in CONSENTS and answers.is_social(text)


def _example(requested: str, checked: contacts.Checked) -> str:
    if checked.suggestion:  # "mario@gmail": offer the likely address, never assume it
        return texts.lead_text("did_you_mean", suggestion=checked.suggestion)
    return contacts.EXAMPLES[CONTACT_FIELDS[requested]]


def contact(slots: Mapping[str, Any]) -> Dict[str, Any]:
    """The contact details given, keyed as the lead store names them."""
    return {field: slots.get(name) for name, field in CONTACT_FIELDS.items()
            if slots.get(name) not in (None, P.SKIPPED)}
