"""One base for both forms (the interview, the lead form), as financial-demo's custom_forms.py.

Each form reads the message against the question being asked (bot/interview.py or
bot/leads/capture.py, which also count failed answers with the same `count_failure`), says what it
noted, sets the slots and asks the next question itself: one action-server call per turn, and the
question can depend on the answers (the priority buttons list the chosen objectives).
"""
from __future__ import annotations

from abc import ABC, abstractmethod
from typing import Any, Dict, List, Mapping, Optional, Text

from rasa_sdk import FormValidationAction, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from bot.interview import Turn


class QuestionForm(FormValidationAction, ABC):
    """Subclasses say how a message is read (`interpret`) and how a question is asked (`ask`).
    Abstract, so that the action server does not register the base itself."""

    @abstractmethod
    def interpret(self, tracker: Tracker, requested: Optional[str]) -> Turn:
        raise NotImplementedError

    @abstractmethod
    def ask(self, dispatcher: CollectingDispatcher, tracker: Tracker, turn: Turn, requested: Optional[str],
            slots: Mapping[str, Any]) -> None:
        raise NotImplementedError

    def after_answer(self, tracker: Tracker, turn: Turn) -> List[EventType]:
        """Events besides the answer's slots (the interview's first answer opens a lead)."""
        return []

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                  domain: Dict[Text, Any]) -> List[EventType]:
        requested = tracker.get_slot("requested_slot")
        turn = self.interpret(tracker, requested)
        events: List[EventType] = []
        if turn.is_answer:
            for note in turn.notes:
                dispatcher.utter_message(text=note)
            events = [SlotSet(name, value) for name, value in turn.updates.items()]
            events += self.after_answer(tracker, turn)
        # Not an answer: without slot events the form rejects the turn and the rules reply (help,
        # chitchat, …); when the form resumes, this action runs again and asks the question.
        if turn.next_question:
            self.ask(dispatcher, tracker, turn, requested, {**tracker.slots, **turn.updates})
        return events + [SlotSet("requested_slot", turn.next_question)]
