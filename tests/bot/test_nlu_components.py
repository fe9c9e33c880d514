"""Our NLU components (bot/nlu_components.py), on hand-made messages: what they compute, and that
what they learn survives persist and load."""
from __future__ import annotations

from typing import List

import numpy as np
import pytest
import scipy.sparse
from rasa.engine.graph import ExecutionContext, GraphSchema
from rasa.engine.storage.local_model_storage import LocalModelStorage
from rasa.engine.storage.resource import Resource
from rasa.nlu.constants import TOKENS_NAMES
from rasa.nlu.tokenizers.tokenizer import Token
from rasa.shared.nlu.constants import FEATURE_TYPE_SENTENCE, FEATURE_TYPE_SEQUENCE, INTENT, INTENT_RANKING_KEY, TEXT
from rasa.shared.nlu.training_data.features import Features
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from bot.nlu_components import EntityExtractor, IntentClassifier, WordOrderFeaturizer

LEMMAS = {"vorrei": "volere", "clienti": "cliente", "procedo": "procedere"}


def message(text: str, intent: str | None = None) -> Message:
    """A message tokenised on spaces, "?" apart, with a few lemmas."""
    tokens, position = [], 0
    for word in text.replace("?", " ?").split():
        start = text.index(word, position)
        tokens.append(Token(word, start, lemma=LEMMAS.get(word, word)))
        position = start + len(word)
    data = {TEXT: text, TOKENS_NAMES[TEXT]: tokens}
    if intent:
        data[INTENT] = intent
    return Message(data=data)


@pytest.fixture()
def storage(tmp_path):
    return LocalModelStorage(tmp_path)


def context(name: str = "node") -> ExecutionContext:
    return ExecutionContext(GraphSchema({}), "model", node_name=name)


def sentence_columns(featurizer: WordOrderFeaturizer, text: str) -> List[str]:
    processed = featurizer.process([message(text)])[0]
    sentence = [f for f in processed.features if f.type == FEATURE_TYPE_SENTENCE][0].features
    names = {index: name for name, index in featurizer._vocabulary.items()}
    return sorted(names[column] for column in sentence.tocoo().col)


@pytest.mark.parametrize("kind, expected", [
    ("edges", ["first=ciao", "last=?"]),
    ("bigrams", ["ciao come", "come procedere"]),
])
def test_word_order_features_survive_persist_and_load(storage, kind, expected):
    config = {**WordOrderFeaturizer.get_default_config(), "kind": kind}
    resource = Resource(f"order_{kind}")
    featurizer = WordOrderFeaturizer.create(config, storage, resource, context())
    featurizer.train(TrainingData([message("ciao come procedo?"), message("ok ciao")]))
    assert sentence_columns(featurizer, "ciao come procedo?") == expected

    loaded = WordOrderFeaturizer.load(config, storage, resource, context())
    assert loaded._vocabulary == featurizer._vocabulary
    assert sentence_columns(loaded, "ciao come procedo?") == expected


def test_word_order_ignores_what_training_never_saw(storage):
    config = WordOrderFeaturizer.get_default_config()
    featurizer = WordOrderFeaturizer.create(config, storage, Resource("edges"), context())
    featurizer.train(TrainingData([message("ok ciao")]))
    assert sentence_columns(featurizer, "buongiorno a tutti") == []
    empty = featurizer.process([Message(data={TEXT: ""})])[0]
    assert not empty.features  # no tokens, no features


def test_word_order_rejects_an_unknown_kind(storage):
    with pytest.raises(ValueError, match="kind"):
        WordOrderFeaturizer.create({**WordOrderFeaturizer.get_default_config(), "kind": "trigrams"},
                                   storage, Resource("bad"), context())


def featured(counts_a: List[float], counts_b: List[float], intent: str | None = None) -> Message:
    """A message with the sentence features of two featurizers, 'words' and 'chars'."""
    result = message("x", intent)
    for origin, counts in (("words", counts_a), ("chars", counts_b)):
        result.add_features(Features(scipy.sparse.coo_matrix([counts]), FEATURE_TYPE_SENTENCE, TEXT, origin))
    return result


def training_data() -> TrainingData:
    return TrainingData([
        featured([3, 0, 1], [9, 0, 0, 1], "greet"), featured([2, 0, 1], [7, 1, 0, 0], "greet"),
        featured([0, 2, 1], [0, 8, 0, 1], "goodbye"), featured([0, 3, 1], [1, 9, 0, 0], "goodbye"),
    ])


def test_intent_features_are_tfidf_weighted_and_unit_length_per_featurizer(storage):
    config = {**IntentClassifier.get_default_config(), "tfidf": True, "C": 10.0}
    classifier = IntentClassifier.create(config, storage, Resource("intents"), context("intents"))
    classifier.train(training_data())
    assert set(classifier._idf) == {"words", "chars"}
    # the third word is in every example: the lowest weight; the first in half of them
    words_idf = classifier._idf["words"]
    assert words_idf[2] == pytest.approx(1.0) and words_idf[0] > words_idf[2]
    X = classifier._create_X([featured([3, 0, 1], [9, 0, 0, 1])]).toarray()[0]
    assert np.linalg.norm(X[:4]) == pytest.approx(1.0)  # "chars" comes first (sorted names)
    assert np.linalg.norm(X[4:]) == pytest.approx(1.0)
    assert X[4 + 0] / X[4 + 2] == pytest.approx((1 + np.log(3)) * words_idf[0] / words_idf[2])


def test_intent_classifier_predicts_the_same_after_load(storage):
    config = {**IntentClassifier.get_default_config(), "tfidf": True, "C": 10.0}
    resource = Resource("intents")
    classifier = IntentClassifier.create(config, storage, resource, context("intents"))
    classifier.train(training_data())
    probe = [featured([1, 0, 0], [5, 0, 0, 0]), featured([0, 1, 0], [0, 4, 1, 0])]
    before = [m.get(INTENT) for m in classifier.process(probe)]
    assert [i["name"] for i in before] == ["greet", "goodbye"]

    loaded = IntentClassifier.load(config, storage, resource, context("intents"))
    again = [featured([1, 0, 0], [5, 0, 0, 0]), featured([0, 1, 0], [0, 4, 1, 0])]
    after = [m.get(INTENT) for m in loaded.process(again)]
    assert [i["name"] for i in after] == ["greet", "goodbye"]
    assert [i["confidence"] for i in after] == pytest.approx([i["confidence"] for i in before])


def test_intent_probabilities_are_sklearns(storage):
    """The kept weights give the numbers of sklearn's predict_proba, with three intents
    (multinomial) and with two (sklearn's own path), and the ranking Rasa's component gives."""
    three = TrainingData(training_data().training_examples + [
        featured([0, 0, 4], [0, 0, 9, 1], "thanks"), featured([1, 0, 5], [0, 1, 8, 0], "thanks")])
    probe = [featured([1, 0, 0], [5, 0, 0, 0]), featured([0, 1, 2], [0, 4, 1, 0]), featured([0, 0, 1], [0, 0, 3, 0])]
    for data, ranked in ((three, 3), (training_data(), 2)):
        config = {**IntentClassifier.get_default_config(), "tfidf": True, "C": 10.0}
        classifier = IntentClassifier.create(config, storage, Resource(f"intents{ranked}"), context("intents"))
        classifier.train(data)
        X = classifier._create_X(probe)
        expected = classifier.clf.predict_proba(X)
        assert classifier._probabilities(X) == pytest.approx(expected, abs=1e-12)
        for message, row in zip(classifier.process(probe), expected, strict=True):
            ranking = message.get(INTENT_RANKING_KEY)
            assert [r["name"] for r in ranking] == [classifier.clf.classes_[i] for i in np.argsort(-row)]
            assert message.get(INTENT)["confidence"] == pytest.approx(row.max())
            assert len(ranking) == ranked


def test_intent_classifier_answers_a_message_without_features(storage):
    config = {**IntentClassifier.get_default_config(), "tfidf": True}
    classifier = IntentClassifier.create(config, storage, Resource("intents"), context("intents"))
    classifier.train(training_data())
    empty = classifier.process([Message(data={TEXT: ""})])[0]
    assert empty.get(INTENT) == {"name": None, "confidence": 0.0}


def extractor(storage, **config) -> EntityExtractor:
    full = {**EntityExtractor.get_default_config(),
            "features": [["low"], ["low", "lemma", "bias"], ["low"]], **config}
    return EntityExtractor.create(full, storage, Resource("crf"), context("crf"))


def test_entity_decisions_add_up_the_tags_of_one_entity(storage):
    crf = extractor(storage)
    tags, confidences = crf._most_likely_tag([
        {"O": 0.4, "B-team": 0.35, "U-team": 0.25},     # 60% team: team, where Rasa says "O"
        {"O": 0.5, "U-team": 0.3, "U-segment": 0.2},    # 50% nothing: nothing
    ])
    assert tags == ["B-team", "O"]
    assert confidences == pytest.approx([0.6, 0.5])


def test_entity_features_carry_lemmas_and_sentence_cues(storage):
    crf = extractor(storage, sentence_cues={"change_request": r"\bcambi\w*"})
    for text, cue in (("cambia i clienti", True), ("vorrei clienti", False)):
        tokens = crf._convert_to_crf_tokens(message(text))
        features = crf._crf_tokens_to_features(tokens, crf.component_config)
        assert features[-1]["0:lemma"] == "cliente"
        assert all(f["sentence:change_request"] is cue for f in features)


def with_features(example: Message) -> Message:
    """Rasa's CRF trains only on messages some featurizer has seen."""
    rows = len(example.get(TOKENS_NAMES[TEXT]))
    example.add_features(Features(scipy.sparse.coo_matrix((rows, 1)), FEATURE_TYPE_SEQUENCE, TEXT, "any"))
    return example


def test_an_extractor_trained_with_lemmas_finds_an_inflected_word(storage):
    crf = extractor(storage, features=[["low", "lemma"], ["bias", "lemma"], ["low", "lemma"]],
                    L1_c=0.01, L2_c=0.01)
    examples = []
    for text in ("vorrei cliente", "cerco cliente", "voglio cliente", "servono cliente"):
        example = message(text, "inform")
        start = text.index("cliente")
        example.set("entities", [{"start": start, "end": start + 7, "value": "cliente", "entity": "objective"}])
        examples.append(with_features(example))
    examples += [with_features(message(t, "inform")) for t in ("vorrei aiuto", "cerco casa", "voglio pizza")]
    crf.train(TrainingData(examples))
    found = crf.process([with_features(message("vorrei clienti"))])[0].get("entities")
    assert [(e["entity"], e["value"]) for e in found] == [("objective", "clienti")]
