"""The trained model: our CRF subclass stores its fitted model, and loads it without refitting."""
from __future__ import annotations

import re
import tarfile

from scripts.train import MODEL


def test_the_fitted_crf_is_stored_in_the_model():
    with tarfile.open(MODEL) as archive:
        names = archive.getnames()
    assert any(re.search(r"EntityExtractor\d+/crf_entity.crfsuite$", n) for n in names), names


def test_loading_does_not_fit_the_crf_again(monkeypatch, tmp_path):
    import sklearn_crfsuite
    from rasa.core.agent import Agent

    def no_fitting(*args, **kwargs):
        raise AssertionError("the CRF was fitted again while loading")

    monkeypatch.setattr(sklearn_crfsuite.CRF, "fit", no_fitting)
    agent = Agent.load(str(MODEL))
    import asyncio

    parsed = asyncio.run(agent.parse_message("se ne occupa il nostro team"))
    assert [e["entity"] for e in parsed["entities"]] == ["team"]
