"""Custom Rasa NLU components (the one module of `bot/` that imports Rasa's NLU engine)."""
from __future__ import annotations

import json
import re
from collections import OrderedDict
from itertools import pairwise
from pathlib import Path
from typing import Any, Dict, List, Text, Tuple, Type

import numpy as np
import scipy.sparse
from sklearn.utils.extmath import softmax

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.classifiers.logistic_regression_classifier import LogisticRegressionClassifier
from rasa.nlu.constants import TOKENS_NAMES
from rasa.nlu.extractors.crf_entity_extractor import CRFEntityExtractor, CRFToken
from rasa.nlu.featurizers.sparse_featurizer.sparse_featurizer import SparseFeaturizer
from rasa.nlu.tokenizers.tokenizer import Tokenizer
from rasa.nlu.utils import bilou_utils
from rasa.shared.nlu.constants import ENTITIES, FEATURE_TYPE_SENTENCE, INTENT, INTENT_RANKING_KEY, TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData
from rasa.utils.tensorflow.constants import RANKING_LENGTH

from bot import input_check, intent_cues, quantities, rasa_patches
from bot.interview import INPUT_PROBLEM

rasa_patches.apply()  # this module is imported by the Rasa server process: see rasa_patches


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER], is_trainable=False)
class InputGuard(GraphComponent):
    """Marks unusable messages (empty, too long, markup, only emoji, not Italian) as `nlu_fallback`
    with an `input_problem` entity, so one action can answer each with a clear Italian reply."""

    @classmethod
    def create(cls, config: Dict[Text, Any], model_storage: ModelStorage, resource: Resource,
               execution_context: ExecutionContext) -> "InputGuard":
        return cls()

    def process(self, messages: List[Message]) -> List[Message]:
        for message in messages:
            text = message.get(TEXT)
            found = input_check.problem(text)
            if not found:
                continue
            message.set(INTENT, {"name": "nlu_fallback", "confidence": 1.0}, add_to_output=True)
            message.set(INTENT_RANKING_KEY, [], add_to_output=True)
            message.set(ENTITIES, [{"entity": INPUT_PROBLEM, "value": found, "start": 0,
                                    "end": len(text or ""), "extractor": "InputGuard"}],
                        add_to_output=True)
        return messages


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER], is_trainable=False)
class SelfDescription(GraphComponent):
    """A message that describes the user's work or business is information (`inform`), whatever the
    classifier thought: "ho una pizzeria a Napoli" is not out of scope, "sono un agente di viaggio"
    is not sales mode. Decided by bot/intent_cues.py; the dialogue rules then start or continue the
    interview with what the message says."""

    @classmethod
    def create(cls, config: Dict[Text, Any], model_storage: ModelStorage, resource: Resource,
               execution_context: ExecutionContext) -> "SelfDescription":
        return cls()

    def process(self, messages: List[Message]) -> List[Message]:
        for message in messages:
            intent = message.get(INTENT) or {}
            entities = [e.get("entity") for e in message.get(ENTITIES) or []]
            if intent_cues.is_information(intent.get("name"), message.get(TEXT) or "", entities):
                message.set(INTENT, {"name": "inform", "confidence": max(float(intent.get("confidence") or 0), 0.5)},
                            add_to_output=True)
        return messages


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.ENTITY_EXTRACTOR], is_trainable=False)
class QuantitySpans(GraphComponent):
    """Widens the extractor's hours, ages and budgets to the whole expression around them and types
    them by their unit ("tra [4 e 5] ore", "[18-24 anni]"): bot/quantities.py."""

    @classmethod
    def create(cls, config: Dict[Text, Any], model_storage: ModelStorage, resource: Resource,
               execution_context: ExecutionContext) -> "QuantitySpans":
        return cls()

    def process(self, messages: List[Message]) -> List[Message]:
        for message in messages:
            entities = message.get(ENTITIES) or []
            if any(e.get("entity") in quantities.QUANTITY_ENTITIES for e in entities):
                message.set(ENTITIES, quantities.whole_expressions(message.get(TEXT) or "", entities),
                            add_to_output=True)
        return messages


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.MESSAGE_FEATURIZER], is_trainable=True)
class WordOrderFeaturizer(SparseFeaturizer, GraphComponent):
    """Sentence features for what bags of words lose: the order of the words.

    `kind: edges` gives the first and the last token (as lemmas): "ciao" opening a message greets,
    "ok ciao" closing one says goodbye, a final "?" marks a question. `kind: bigrams` gives pairs
    of neighbouring lemmas: "come procedo" is not "come stai". (Rasa's CountVectorsFeaturizer
    makes word bigrams too, but also for the intent names, where there are none, and fails.)
    Only sentence features are produced: the intent classifier reads them, the entity extractor
    does not.
    """

    FILENAME = "word_order.json"

    def __init__(self, config: Dict[Text, Any], model_storage: ModelStorage, resource: Resource,
                 execution_context: ExecutionContext, vocabulary: Dict[Text, int] | None = None) -> None:
        SparseFeaturizer.__init__(self, execution_context.node_name, config)
        self._model_storage, self._resource = model_storage, resource
        self._vocabulary = vocabulary or {}

    @classmethod
    def required_components(cls) -> List[Type]:
        return [Tokenizer]

    @staticmethod
    def get_default_config() -> Dict[Text, Any]:
        return {**SparseFeaturizer.get_default_config(), "kind": "edges"}

    @classmethod
    def validate_config(cls, config: Dict[Text, Any]) -> None:
        if config.get("kind", "edges") not in ("edges", "bigrams"):
            raise ValueError(f"WordOrderFeaturizer: kind must be 'edges' or 'bigrams', not {config['kind']!r}")

    @classmethod
    def create(cls, config: Dict[Text, Any], model_storage: ModelStorage, resource: Resource,
               execution_context: ExecutionContext) -> "WordOrderFeaturizer":
        return cls(config, model_storage, resource, execution_context)

    def _features(self, message: Message) -> List[Text]:
        lemmas = [(token.lemma or token.text).lower() for token in message.get(TOKENS_NAMES[TEXT]) or []]
        if not lemmas:
            return []
        if self._config["kind"] == "edges":
            return [f"first={lemmas[0]}", f"last={lemmas[-1]}"]
        words = [lemma for lemma in lemmas if any(c.isalnum() for c in lemma)]
        return [f"{a} {b}" for a, b in pairwise(words)]

    def train(self, training_data: TrainingData) -> Resource:
        names = sorted({feature for message in training_data.training_examples for feature in self._features(message)})
        self._vocabulary = {name: index for index, name in enumerate(names)}
        with self._model_storage.write_to(self._resource) as model_dir:
            (model_dir / self.FILENAME).write_text(json.dumps(self._vocabulary), encoding="utf-8")
        return self._resource

    @classmethod
    def load(cls, config: Dict[Text, Any], model_storage: ModelStorage, resource: Resource,
             execution_context: ExecutionContext, **kwargs: Any) -> "WordOrderFeaturizer":
        try:
            with model_storage.read_from(resource) as model_dir:
                vocabulary = json.loads((model_dir / cls.FILENAME).read_text(encoding="utf-8"))
        except ValueError:  # not trained (no resource): no features, as Rasa's featurizers do
            vocabulary = {}
        return cls(config, model_storage, resource, execution_context, vocabulary)

    def process(self, messages: List[Message]) -> List[Message]:
        for message in messages:
            tokens = message.get(TOKENS_NAMES[TEXT])
            if not tokens or not self._vocabulary:
                continue
            columns = sorted({self._vocabulary[f] for f in self._features(message) if f in self._vocabulary})
            sentence = scipy.sparse.coo_matrix(
                (np.ones(len(columns)), (np.zeros(len(columns), dtype=int), columns)),
                shape=(1, len(self._vocabulary)))
            sequence = scipy.sparse.coo_matrix((len(tokens), len(self._vocabulary)))
            self.add_features_to_message(sequence, sentence, TEXT, message)
        return messages

    def process_training_data(self, training_data: TrainingData) -> TrainingData:
        self.process(training_data.training_examples)
        return training_data


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER], is_trainable=True)
class IntentClassifier(LogisticRegressionClassifier):
    """Rasa's logistic-regression intent classifier on TF-IDF weighted features; safe on messages
    without features.

    Rasa's component feeds the raw counts of all featurizers, side by side, to the regression:
    the character n-grams, a few dozen per word, outweigh the word and lemma counts. Here each
    featurizer's sentence vector is weighted by its own TF-IDF (sublinear counts, inverse
    document frequency from the training examples) and scaled to unit length, so each featurizer
    weighs the same and rare, telling words more than common ones; `C` is the regression's
    inverse regularisation (Rasa fixes it at 1). Measured in docs/nlu.md.

    Rasa 3.6's component raises on a message that yields no features (an empty or whitespace-only
    message), and the REST channel then answers nothing. Such a message gets no intent here, the
    FallbackClassifier turns that into `nlu_fallback`, and InputGuard says why.
    """

    WEIGHTS_FILE = "feature_weights.npz"

    @staticmethod
    def get_default_config() -> Dict[Text, Any]:
        return {**LogisticRegressionClassifier.get_default_config(), "C": 1.0, "tfidf": False}

    def __init__(self, config: Dict[Text, Any], name: Text, model_storage: ModelStorage,
                 resource: Resource) -> None:
        super().__init__(config, name, model_storage, resource)
        self.clf.set_params(C=self.config["C"])
        self._idf: Dict[Text, np.ndarray] = {}  # featurizer name -> inverse document frequencies

    @staticmethod
    def _blocks(message: Message) -> Dict[Text, scipy.sparse.spmatrix]:
        return {f.origin: f.features for f in message.features
                if f.attribute == TEXT and f.type == FEATURE_TYPE_SENTENCE and f.is_sparse()}

    def _create_X(self, messages: List[Message]) -> scipy.sparse.csr_matrix:
        if not self.config["tfidf"]:
            return super()._create_X(messages)
        # One sparse row per message, built from the blocks' own arrays: sklearn's normalize and
        # scipy's hstack per block cost more than the regression itself (~7 ms a message).
        origins = sorted(self._idf)
        width = sum(self._idf[origin].shape[0] for origin in origins)
        indptr, indices, data = [0], [], []
        for message in messages:
            blocks, offset, length = self._blocks(message), 0, 0
            for origin in origins:
                idf = self._idf[origin]
                block = blocks.get(origin)
                if block is not None and block.shape[1] == idf.shape[0]:
                    block = block.tocoo()
                    present = block.data > 0
                    columns = block.col[present]
                    # sublinear counts ("ciao ciao" is not two greetings), weighted by rarity
                    weights = (1 + np.log(block.data[present])) * idf[columns]
                    norm = np.sqrt(np.dot(weights, weights))
                    if norm > 0:
                        indices.append(columns + offset)
                        data.append(weights / norm)
                        length += len(columns)
                offset += idf.shape[0]
            indptr.append(indptr[-1] + length)
        return scipy.sparse.csr_matrix(
            (np.concatenate(data) if data else np.zeros(0), np.concatenate(indices) if indices else np.zeros(0, int),
             np.array(indptr)), shape=(len(messages), width))

    def train(self, training_data: TrainingData) -> Resource:
        self._idf = {}
        if self.config["tfidf"]:  # the inverse document frequencies of the examples it learns from
            examples = [e for e in training_data.intent_examples if e.get(INTENT) and e.get(TEXT)]
            stacked: Dict[Text, List[Any]] = {}
            for message in examples:
                for origin, block in self._blocks(message).items():
                    stacked.setdefault(origin, []).append(block)
            for origin, blocks in stacked.items():
                document_frequency = (scipy.sparse.vstack(blocks).tocsc() > 0).sum(axis=0).A1
                self._idf[origin] = np.log((1 + len(examples)) / (1 + document_frequency)) + 1
        return super().train(training_data)

    def persist(self) -> None:
        super().persist()
        with self._model_storage.write_to(self._resource) as model_dir:
            np.savez(model_dir / self.WEIGHTS_FILE, **self._idf)

    @classmethod
    def load(cls, config: Dict[Text, Any], model_storage: ModelStorage, resource: Resource,
             execution_context: ExecutionContext, **kwargs: Any) -> "IntentClassifier":
        component = super().load(config, model_storage, resource, execution_context, **kwargs)
        try:
            with model_storage.read_from(resource) as model_dir:
                weights = model_dir / cls.WEIGHTS_FILE
                if weights.exists():
                    with np.load(weights) as stored:
                        component._idf = {origin: stored[origin] for origin in stored.files}
        except ValueError:  # not trained: Rasa's load has already answered for that
            pass
        return component

    def _probabilities(self, X: scipy.sparse.csr_matrix) -> np.ndarray:
        """The regression's `predict_proba`, without its cost per call: sklearn multiplies by
        `coef_.T`, a transposed view that scipy copies whole at every call (~0.8 ms a message
        here, half of this component). The weights are kept once in the layout the product reads;
        the arithmetic (scores, then softmax) is sklearn's."""
        clf = self.clf
        multinomial = clf.multi_class == "multinomial" or (
            clf.multi_class == "auto" and clf.classes_.size > 2 and clf.solver != "liblinear")
        if not multinomial:
            return clf.predict_proba(X)
        if getattr(self, "_coef_source", None) is not clf.coef_:
            self._coef_t, self._coef_source = np.ascontiguousarray(clf.coef_.T), clf.coef_
        return softmax(np.asarray(X @ self._coef_t) + clf.intercept_, copy=False)

    def process(self, messages: List[Message]) -> List[Message]:
        featured, empty = [], []
        for message in messages:  # features_present is cheap: no matrices are built
            (featured if message.features_present(TEXT) else empty).append(message)
        if featured:  # Rasa's own process, with the probabilities above
            probabilities = self._probabilities(self._create_X(featured))
            for message, row in zip(featured, probabilities, strict=True):
                ranking = sorted(({"name": name, "confidence": confidence}
                                  for name, confidence in zip(self.clf.classes_, row, strict=True)),
                                 key=lambda entry: -entry["confidence"])
                message.set(INTENT, ranking[0], add_to_output=True)
                if self.config[RANKING_LENGTH] > 0:
                    ranking = ranking[: self.config[RANKING_LENGTH]]
                message.set(INTENT_RANKING_KEY, ranking, add_to_output=True)
        for message in empty:
            message.set(INTENT, {"name": None, "confidence": 0.0}, add_to_output=True)
            message.set(INTENT_RANKING_KEY, [], add_to_output=True)
        return messages


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.ENTITY_EXTRACTOR], is_trainable=True)
class EntityExtractor(CRFEntityExtractor):
    """Rasa's CRF entity extractor with two more kinds of features, loaded from its trained model
    instead of trained again.

    - `lemma` (in `features`, like Rasa's own `low` or `suffix3`): the token's lemma, so
      "clienti" and "cliente", "vendiamo" and "vendere" share what the CRF learned.
    - `sentence_cues`: a regular expression per cue, matched on the whole message; a match is a
      feature of every token. Three words either side cannot tell "cambia il [settore]" (a field
      to change) from "il settore è la moda" (an answer): a change verb anywhere in the message can.

    And it decides per entity, not per tag: with BILOU tags an entity's probability is split over
    four tags (B-, I-, L-, U-team), and Rasa's argmax over single tags returns "no entity" for a
    token that is 60% team (B 0.3, U 0.3) against 40% nothing. Here a token takes the entity with
    the largest total, then that entity's likeliest tag.

    Rasa 3.6 stores only the CRF's training data and fits the CRF again every time a model is
    loaded: ~10 s of every server start (and of every Sanic worker's). This stores the fitted
    crfsuite model files too (python-crfsuite's own format, not a pickle) and opens them at load;
    a model without them falls back to Rasa's way.
    """

    function_dict = {**CRFEntityExtractor.function_dict, "lemma": lambda token: getattr(token, "lemma", None)}

    @staticmethod
    def get_default_config() -> Dict[Text, Any]:
        return {**CRFEntityExtractor.get_default_config(), "sentence_cues": {}}

    def __init__(self, config: Dict[Text, Any], *args: Any, **kwargs: Any) -> None:
        super().__init__(config, *args, **kwargs)
        self._cues = {name: re.compile(pattern, re.IGNORECASE)
                      for name, pattern in (self.component_config.get("sentence_cues") or {}).items()}

    def _convert_to_crf_tokens(self, message: Message) -> List[CRFToken]:
        crf_tokens = super()._convert_to_crf_tokens(message)
        text = message.get(TEXT) or ""
        cues = {name: bool(pattern.search(text)) for name, pattern in self._cues.items()}
        for crf_token, token in zip(crf_tokens, message.get(TOKENS_NAMES[TEXT]) or [], strict=True):
            crf_token.lemma = (token.lemma or token.text).lower()
            crf_token.cues = cues
        return crf_tokens

    def _most_likely_tag(self, predictions: List[Dict[Text, float]]) -> Tuple[List[Text], List[float]]:
        tags, confidences = [], []
        for token_predictions in predictions:
            mass: Dict[Text, float] = {}
            for tag, probability in token_predictions.items():
                entity = bilou_utils.tag_without_prefix(tag)
                mass[entity] = mass.get(entity, 0.0) + probability
            entity = max(mass, key=mass.__getitem__)
            tags.append(max((tag for tag in token_predictions if bilou_utils.tag_without_prefix(tag) == entity),
                            key=token_predictions.__getitem__))
            confidences.append(mass[entity])
        return tags, confidences

    @classmethod
    def _create_features_for_token(cls, crf_tokens: List[CRFToken], token_idx: int, half_window_size: int,
                                   window_range: range, include_tag_features: bool,
                                   config: Dict[str, Any]) -> Dict[Text, Any]:
        features = super()._create_features_for_token(crf_tokens, token_idx, half_window_size, window_range,
                                                      include_tag_features, config)
        for name, found in getattr(crf_tokens[token_idx], "cues", {}).items():
            features[f"sentence:{name}"] = found
        return features

    def persist(self, dataset: List[Any]) -> None:
        super().persist(dataset)
        with self._model_storage.write_to(self._resource) as model_dir:
            for tag_name, tagger in (self.entity_taggers or {}).items():
                (model_dir / f"crf_{tag_name}.crfsuite").write_bytes(Path(tagger.modelfile.name).read_bytes())

    @classmethod
    def load(cls, config: Dict[Text, Any], model_storage: ModelStorage, resource: Resource,
             execution_context: ExecutionContext, **kwargs: Any) -> CRFEntityExtractor:
        import pycrfsuite
        import sklearn_crfsuite

        try:
            with model_storage.read_from(resource) as model_dir:
                crf_order = json.loads((model_dir / "crf_order.json").read_text(encoding="utf-8"))
                files = [model_dir / f"crf_{tag_name}.crfsuite" for tag_name in crf_order]
                if not all(f.exists() for f in files):
                    return super().load(config, model_storage, resource, execution_context, **kwargs)
                taggers = OrderedDict()
                for tag_name, model_file in zip(crf_order, files, strict=True):
                    crf = sklearn_crfsuite.CRF()
                    # crfsuite reads the model from this buffer for as long as the tagger lives,
                    # without holding a reference of its own: the CRF object keeps it alive.
                    crf.bussola_model = model_file.read_bytes()
                    tagger = pycrfsuite.Tagger()
                    tagger.open_inmemory(crf.bussola_model)
                    crf._tagger = tagger  # what sklearn-crfsuite opens lazily from its model file
                    taggers[tag_name] = crf
        except ValueError:  # no resource: the same answer as Rasa's own load
            return super().load(config, model_storage, resource, execution_context, **kwargs)
        extractor = cls(config, model_storage, resource, taggers)
        extractor.crf_order = crf_order
        return extractor
