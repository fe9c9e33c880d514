"""The trained model: our CRF subclass stores its fitted model and loads it without refitting; the
whole pipeline reads quantities whole."""
from __future__ import annotations

import asyncio
import re
import tarfile

import pytest

from scripts.train import MODEL


@pytest.fixture(scope="module")
def agent():
    import sklearn_crfsuite
    from rasa.core.agent import Agent

    def no_fitting(*args, **kwargs):
        raise AssertionError("the CRF was fitted again while loading")

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(sklearn_crfsuite.CRF, "fit", no_fitting)
        return Agent.load(str(MODEL))


def parse(agent, text):
    return asyncio.run(agent.parse_message(text))


def test_the_fitted_crf_is_stored_in_the_model():
    with tarfile.open(MODEL) as archive:
        names = archive.getnames()
    assert any(re.search(r"EntityExtractor\d+/crf_entity.crfsuite$", n) for n in names), names


def test_loading_does_not_fit_the_crf_again(agent):
    assert [e["entity"] for e in parse(agent, "se ne occupa il nostro team")["entities"]] == ["team"]


@pytest.mark.parametrize("text, entity, words", [
    # phrasings of no training example; without bot/quantities.py the first two came out as
    # hours "2" and hours "tre"
    ("tra 1 e 2 ore al giorno", "hours", "1 e 2"),
    ("tre o quattrocento euro l'anno", "budget", "tre o quattrocento euro"),
    ("direi 18-24 anni", "age", "18-24 anni"),
    ("clienti sopra i 45 anni", "age", "sopra i 45 anni"),
])
def test_the_pipeline_reads_a_quantity_whole(agent, text, entity, words):
    parsed = parse(agent, text)
    quantities = [(e["entity"], text[e["start"]:e["end"]]) for e in parsed["entities"]
                  if e["entity"] in ("hours", "age", "budget")]
    assert quantities == [(entity, words)]
