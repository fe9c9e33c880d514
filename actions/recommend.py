"""Actions of the plan: saving the confirmed profile and recommending channels (one action, so the
recommendation turn costs one action-server call), and answering questions about channels."""
from __future__ import annotations

from typing import Text

from rasa_sdk import Action
from rasa_sdk.events import SlotSet

from actions.common import is_sales, lead_update, send, user_message
from bot import channel_answers, interview, knowledge_base, texts, vocabulary
from bot import profile as P
from bot.leads import capture, store
from bot.leads.qualification import qualify
from bot.recommend import recommend


class SaveAndRecommend(Action):
    """Validates the confirmed profile and turns it into a plan: Italian messages plus a `custom`
    payload (schema in docs/plan-payload.md) for widgets, CRMs and tests. Then the lead: its scores,
    and one lead-store write for the step (the profile itself is kept only with consent, asked next
    by the lead form)."""

    def name(self) -> Text:
        return "action_save_and_recommend"

    async def run(self, dispatcher, tracker, domain):
        data, problems = P.validate(tracker.slots)
        if problems:
            send(dispatcher, texts.message("profile_incomplete"))
            return [SlotSet("profile_confirmed", False)]
        plan = recommend(tracker.slots, knowledge_base.default(), vocabulary.default())
        for message in texts.plan_messages(plan):
            dispatcher.utter_message(text=message)
        payload = plan.payload()
        dispatcher.utter_message(json_message=payload)

        qualification = qualify(data, None, payload).to_dict()
        store.default_writer().write(lead_update(tracker, "plan", profile=data, plan=payload,
                                                 qualification=qualification))
        events = [SlotSet("profile_confirmed", True), SlotSet("plan", payload),
                  SlotSet("qualification", qualification)]
        # A call is offered to qualified leads; anyone may still ask for a person.
        if qualification["grade"] == "C" and not is_sales(tracker) \
                and not tracker.get_slot("handoff_requested"):
            events.append(SlotSet("consent_contact", capture.NOT_OFFERED))
        return events


class AnswerChannelQuestion(Action):
    def name(self) -> Text:
        return "action_answer_channel_question"

    async def run(self, dispatcher, tracker, domain):
        message = user_message(tracker)
        voc = vocabulary.default()
        if tracker.active_loop_name == "profile_form" and interview.reads_as_answer(
                message, tracker.get_slot("requested_slot"), tracker.slots, voc):
            return []  # an answer, not a question: the form, which runs next, reads it
        channels = [voc.canonical("channel", e.get("value")) for e in message.entities
                    if e.get("entity") == "channel"]
        places = [voc.canonical("place", e.get("value")) for e in message.entities
                  if e.get("entity") == "place"]
        dispatcher.utter_message(text=channel_answers.answer(
            message.intent or "", [c for c in channels if c], [p for p in places if p],
            tracker.slots, knowledge_base.default(), voc))
        return []
