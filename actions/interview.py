"""Actions of the interview: the form's validation (which also asks the next question), the
summary, help, starting over and unusable messages. Saving the confirmed profile is part of the
plan (actions/recommend.py)."""
from __future__ import annotations

from typing import List, Optional, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.events import AllSlotsReset, EventType, SlotSet, UserUtteranceReverted

from actions.common import lead_update, send, user_message
from actions.forms import QuestionForm
from bot import interview, texts, vocabulary
from bot import profile as P
from bot.leads import settings, store

FORM = "profile_form"


class ValidateProfileForm(QuestionForm):
    """The interview: each answer read through `bot.interview`, then the next question asked.

    The questions are not `utter_ask_*` responses: asking here keeps one action-server call per turn
    and lets the question depend on the profile (the priority buttons list the chosen objectives).
    """

    def name(self) -> Text:
        return f"validate_{FORM}"

    def interpret(self, tracker: Tracker, requested: Optional[str]) -> interview.Turn:
        return interview.interpret(user_message(tracker), requested, tracker.slots, vocabulary.default())

    def ask(self, dispatcher, tracker, turn, requested, slots) -> None:
        send(dispatcher, texts.question(turn.next_question, slots, offer_skip=turn.offer_skip))

    def after_answer(self, tracker: Tracker, turn: interview.Turn) -> List[EventType]:
        events: List[EventType] = []
        if "attempts" not in turn.updates:
            # One slot event on every answer, so the form never rejects an answer it read.
            events.append(SlotSet("attempts", tracker.get_slot("attempts") or {}))
        if not tracker.get_slot("lead_started") and turn.updates:
            # the first answer: the conversation counts in the sales funnel (an anonymous lead)
            store.default_writer().write(lead_update(tracker, "started"))
            events.append(SlotSet("lead_started", True))
        return events


class Greet(Action):
    """The greeting, with the link to the deployment's privacy page: said before any answer is read."""

    key = "greet"

    def name(self) -> Text:
        return f"action_{self.key}"

    async def run(self, dispatcher, tracker, domain):
        dispatcher.utter_message(text=texts.greeting(self.key, settings.default().privacy.url))
        return []


class Welcome(Greet):
    """The greeting after a first message that already says something about the user."""

    key = "welcome"


class ShowSummary(Action):
    def name(self) -> Text:
        return "action_show_summary"

    async def run(self, dispatcher, tracker, domain):
        if tracker.get_slot("profile_confirmed") and not _changed_this_turn(tracker):
            return []  # after the plan, a message that changed nothing does not reopen the confirmation
        dispatcher.utter_message(text=texts.summary(tracker.slots, vocabulary.default()))
        send(dispatcher, texts.message("confirm_profile"))
        return []


def _changed_this_turn(tracker: Tracker) -> bool:
    """Whether the user's latest message set a field of the profile."""
    for event in reversed(list(tracker.events or [])):
        if event.get("event") == "user":
            return False
        if event.get("event") == "slot" and event.get("name") in P.QUESTIONS:
            return True
    return False


class Help(Action):
    def name(self) -> Text:
        return "action_help"

    async def run(self, dispatcher, tracker, domain):
        send(dispatcher, texts.message("help"))
        dispatcher.utter_message(text=texts.progress(tracker.slots))
        return []


class StartOver(Action):
    def name(self) -> Text:
        return "action_start_over"

    async def run(self, dispatcher, tracker, domain):
        send(dispatcher, texts.message("start_over"))
        return [AllSlotsReset()]


class HandleUnclear(Action):
    """Answers a message the bot cannot use, saying why in Italian and never repeating it.

    Also Rasa's core fallback (a message that fits nowhere in the dialogue): then, like Rasa's
    default fallback, it takes the message back so the dialogue goes on as before it.
    """

    def name(self) -> Text:
        return "action_handle_unclear"

    async def run(self, dispatcher, tracker, domain):
        message = user_message(tracker)
        problems = [e.get("value") for e in message.entities
                    if e.get("entity") == interview.INPUT_PROBLEM]
        if problems:
            dispatcher.utter_message(text=texts.problem(problems[0]))
            return []
        send(dispatcher, texts.message("default"))
        return [] if message.intent == "nlu_fallback" else [UserUtteranceReverted()]
