"""Custom Rasa NLU components (the one module of `bot/` that imports Rasa's NLU engine)."""
from __future__ import annotations

from collections import OrderedDict
from pathlib import Path
from typing import Any, Dict, List, Text

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.classifiers.logistic_regression_classifier import LogisticRegressionClassifier
from rasa.nlu.extractors.crf_entity_extractor import CRFEntityExtractor
from rasa.shared.nlu.constants import ENTITIES, INTENT, INTENT_RANKING_KEY, TEXT
from rasa.shared.nlu.training_data.message import Message

from bot import input_check, rasa_patches
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


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER], is_trainable=True)
class IntentClassifier(LogisticRegressionClassifier):
    """Rasa's logistic-regression intent classifier, safe on messages without features.

    Rasa 3.6's component raises on a message that yields no features (an empty or whitespace-only
    message), and the REST channel then answers nothing. Such a message gets no intent here, the
    FallbackClassifier turns that into `nlu_fallback`, and InputGuard says why.
    """

    def process(self, messages: List[Message]) -> List[Message]:
        featured, empty = [], []
        for message in messages:  # features_present is cheap: no matrices are built
            (featured if message.features_present(TEXT) else empty).append(message)
        if featured:
            super().process(featured)
        for message in empty:
            message.set(INTENT, {"name": None, "confidence": 0.0}, add_to_output=True)
            message.set(INTENT_RANKING_KEY, [], add_to_output=True)
        return messages


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.ENTITY_EXTRACTOR], is_trainable=True)
class EntityExtractor(CRFEntityExtractor):
    """Rasa's CRF entity extractor, loaded from its trained model instead of trained again.

    Rasa 3.6 stores only the CRF's training data and fits the CRF again every time a model is
    loaded: ~10 s of every server start (and of every Sanic worker's). This stores the fitted
    crfsuite model files too (python-crfsuite's own format, not a pickle) and opens them at load;
    a model without them falls back to Rasa's way.
    """

    def persist(self, dataset: List[Any]) -> None:
        super().persist(dataset)
        with self._model_storage.write_to(self._resource) as model_dir:
            for tag_name, tagger in (self.entity_taggers or {}).items():
                (model_dir / f"crf_{tag_name}.crfsuite").write_bytes(Path(tagger.modelfile.name).read_bytes())

    @classmethod
    def load(cls, config: Dict[Text, Any], model_storage: ModelStorage, resource: Resource,
             execution_context: ExecutionContext, **kwargs: Any) -> CRFEntityExtractor:
        import json

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
