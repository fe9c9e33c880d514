"""A dialogue policy that keeps the bot quiet in a conversation handed to a person.

Rasa's own pause (`ConversationPaused`) ignores every message but `/restart`, so "cancella i miei
dati" would go unanswered after a handoff. This policy pauses only the conversation: while the
`handed_over` slot is set (actions/sales.py, LeadComplete), it answers a user message with
`action_listen` (no reply: a person answers now), except the privacy requests and starting over,
which the rules handle as usual ("ricominciamo" resets the slots and so resumes the bot).
"""
from __future__ import annotations

from typing import Any, Dict, List, Optional, Text

from rasa.core.policies.policy import Policy, PolicyPrediction, confidence_scores_for
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.shared.core.constants import ACTION_LISTEN_NAME
from rasa.shared.core.domain import Domain
from rasa.shared.core.generator import TrackerWithCachedStates
from rasa.shared.core.trackers import DialogueStateTracker

HANDED_OVER_SLOT = "handed_over"
STILL_ANSWERED = {"show_my_data", "erase_my_data", "start_over"}


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.POLICY_WITHOUT_END_TO_END_SUPPORT, is_trainable=False)
class HandoffPolicy(Policy):
    @staticmethod
    def get_default_config() -> Dict[Text, Any]:
        # above RulePolicy (6): its silence wins over any rule while the conversation is handed over
        return {"priority": 7}

    def train(self, training_trackers: List[TrackerWithCachedStates], domain: Domain, **kwargs: Any) -> Resource:
        return self._resource  # nothing to learn

    def predict_action_probabilities(self, tracker: DialogueStateTracker, domain: Domain,
                                     rule_only_data: Optional[Dict[Text, Any]] = None,
                                     **kwargs: Any) -> PolicyPrediction:
        intent = (tracker.latest_message.intent or {}).get("name") if tracker.latest_message else None
        if tracker.get_slot(HANDED_OVER_SLOT) and tracker.latest_action_name == ACTION_LISTEN_NAME \
                and intent not in STILL_ANSWERED:
            # flagged like a form's happy path, so that it overrules the rules' predictions
            return self._prediction(confidence_scores_for(ACTION_LISTEN_NAME, 1.0, domain),
                                    is_no_user_prediction=True)
        return self._prediction(self._default_predictions(domain))
