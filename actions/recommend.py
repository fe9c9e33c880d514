"""Actions of the plan: saving the confirmed profile and recommending channels (one action, so the
recommendation turn costs one action-server call), and answering questions about channels."""
from __future__ import annotations

from typing import Text

from rasa_sdk import Action
from rasa_sdk.events import SlotSet

from actions.interview import send, user_message
from bot import channel_answers, knowledge_base, profile_store, texts, vocabulary
from bot import profile as P
from bot.recommend import recommend


class SaveAndRecommend(Action):
    """Validates and stores the confirmed profile, then turns it into a plan: Italian messages plus
    a `custom` payload (schema in docs/plan-payload.md) for widgets, CRMs and tests."""

    def name(self) -> Text:
        return "action_save_and_recommend"

    async def run(self, dispatcher, tracker, domain):
        data, problems = P.validate(tracker.slots)
        if problems:
            send(dispatcher, texts.message("profile_incomplete"))
            return [SlotSet("profile_confirmed", False)]
        profile_store.default().save(tracker.sender_id, data)
        plan = recommend(tracker.slots, knowledge_base.default(), vocabulary.default())
        for message in texts.plan_messages(plan):
            dispatcher.utter_message(text=message)
        dispatcher.utter_message(json_message=plan.payload())
        return [SlotSet("profile_confirmed", True)]


class AnswerChannelQuestion(Action):
    def name(self) -> Text:
        return "action_answer_channel_question"

    async def run(self, dispatcher, tracker, domain):
        message = user_message(tracker)
        voc = vocabulary.default()
        channels = [voc.canonical("channel", e.get("value")) for e in message.entities
                    if e.get("entity") == "channel"]
        places = [voc.canonical("place", e.get("value")) for e in message.entities
                  if e.get("entity") == "place"]
        dispatcher.utter_message(text=channel_answers.answer(
            message.intent or "", [c for c in channels if c], [p for p in places if p],
            tracker.slots, knowledge_base.default(), voc))
        return []
