"""HandoffPolicy: silence in a conversation handed to a person, except the privacy requests."""
from __future__ import annotations

import pytest
from rasa.engine.graph import ExecutionContext, GraphSchema
from rasa.engine.storage.local_model_storage import LocalModelStorage
from rasa.engine.storage.resource import Resource
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ActionExecuted, SlotSet, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker

from bot.paths import ROOT
from bot.policies import HandoffPolicy


@pytest.fixture(scope="module")
def domain() -> Domain:
    return Domain.load(ROOT / "domain.yml")


@pytest.fixture
def policy(tmp_path) -> HandoffPolicy:
    return HandoffPolicy.create(HandoffPolicy.get_default_config(), LocalModelStorage(tmp_path),
                                Resource("handoff"), ExecutionContext(GraphSchema({}), "test"))


def tracker(domain, intent: str, handed_over: bool) -> DialogueStateTracker:
    t = DialogueStateTracker("anna", domain.slots)
    t.update(ActionExecuted("action_listen"))
    if handed_over:
        t.update(SlotSet("handed_over", True))
    t.update(UserUttered("…", {"name": intent, "confidence": 1.0}))
    return t


def predicted(policy, domain, t):
    prediction = policy.predict_action_probabilities(t, domain)
    best = max(range(len(prediction.probabilities)), key=prediction.probabilities.__getitem__)
    return (domain.action_names_or_texts[best] if prediction.max_confidence > 0 else None,
            prediction.policy_priority)


@pytest.mark.parametrize("intent", ["inform", "greet", "help", "request_human"])
def test_a_handed_over_conversation_gets_no_reply(policy, domain, intent):
    assert predicted(policy, domain, tracker(domain, intent, True)) == ("action_listen", 7)


@pytest.mark.parametrize("intent", ["show_my_data", "erase_my_data", "start_over"])
def test_privacy_requests_and_starting_over_still_go_through(policy, domain, intent):
    assert predicted(policy, domain, tracker(domain, intent, True))[0] is None


def test_otherwise_it_predicts_nothing(policy, domain):
    assert predicted(policy, domain, tracker(domain, "inform", False))[0] is None
