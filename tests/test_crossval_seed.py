"""`make crossval` seeds the fold shuffle (scripts/seeded_rasa.py): the same seed gives the same
folds of Rasa's cross-validation, another seed others."""
from __future__ import annotations

from rasa.nlu.test import generate_folds
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from scripts.seeded_rasa import seed_all


def folds(seed: int) -> list:
    data = TrainingData([Message(data={"text": f"{intent} {i}", "intent": intent})
                         for intent in ("greet", "goodbye", "inform") for i in range(10)])
    seed_all(seed)
    return [sorted(m.get("text") for m in test.training_examples) for _, test in generate_folds(5, data)]


def test_the_same_seed_gives_the_same_folds():
    assert folds(0) == folds(0)
    assert folds(1) == folds(1)
    assert folds(0) != folds(1)
