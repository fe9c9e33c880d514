"""Actions of the plan: recommending channels, and answering questions about channels."""
from __future__ import annotations

from typing import Text

from rasa_sdk import Action

from actions.interview import user_message
from bot import channel_answers, knowledge_base, texts, vocabulary
from bot.recommend import recommend


class Recommend(Action):
    """Turns the confirmed profile into a plan: Italian messages plus a `custom` payload
    (schema in docs/plan-payload.md) for widgets, CRMs and tests."""

    def name(self) -> Text:
        return "action_recommend"

    async def run(self, dispatcher, tracker, domain):
        plan = recommend(tracker.slots, knowledge_base.default(), vocabulary.default())
        for message in texts.plan_messages(plan):
            dispatcher.utter_message(text=message)
        dispatcher.utter_message(json_message=plan.payload())
        return []


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
