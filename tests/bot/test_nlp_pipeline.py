"""The Italian spaCy pipeline as built into its versioned folder (the one config.yml names)."""
from __future__ import annotations

import json

import pytest
import spacy

from bot import nlp_pipeline, paths


@pytest.fixture(scope="module")
def nlp():
    path = nlp_pipeline.build()
    return spacy.load(path)


def test_config_names_the_pipeline_built_from_the_current_inputs():
    assert nlp_pipeline.configured_model_path() == nlp_pipeline.relative_model_path(), \
        "config.yml points at a stale pipeline: run `python -m bot.nlp_pipeline`"


def test_saved_with_meta_json_and_version():
    meta = json.loads((nlp_pipeline.pipeline_dir() / "meta.json").read_text())
    assert meta["lang"] == "it" and meta["name"] == "it_bussola"
    assert meta["version"].endswith(nlp_pipeline.fingerprint())
    assert meta["pipeline"] == ["lemmatizer", "entity_ruler"]


def test_italian_elisions_are_split(nlp):
    assert [t.text for t in nlp("dell'azienda")] == ["dell'", "azienda"]
    assert [t.text for t in nlp("un'agenzia")] == ["un'", "agenzia"]


@pytest.mark.parametrize("word, lemma", [("clienti", "cliente"), ("vorrei", "volere"),
                                         ("aziende", "azienda"), ("lavoriamo", "lavorare")])
def test_lookup_lemmas(nlp, word, lemma):
    assert nlp(word)[0].lemma_ == lemma


@pytest.mark.parametrize("text, expected", [
    ("Sono un'avvocata giuslavorista a Milano", {("avvocata", "profession", "avvocato"),
                                                 ("giuslavorista", "profession", "avvocato"),
                                                 ("Milano", "place", "milano")}),
    ("una cantina in Piemonte che esporta in Cina", {("cantina", "sector", "alcohol"),
                                                     ("Piemonte", "place", "piemonte"),
                                                     ("Cina", "place", "cina")}),
    ("uso LinkedIn e instagram", {("LinkedIn", "channel", "linkedin"),
                                  ("instagram", "channel", "instagram")}),
    ("lavoriamo in tutta Italia nella sanita", {("in tutta Italia", "place", "italia"),
                                                ("sanita", "sector", "health")}),
    ("un B&B in Val d'Orcia", {("B&B", "sector", "tourism"), ("Val d'Orcia", "place", "toscana")}),
])
def test_entity_ruler(nlp, text, expected):
    assert {(e.text, e.label_, e.ent_id_) for e in nlp(text).ents} == expected


def test_common_words_are_not_channels_or_places(nlp):
    assert not nlp("vendo on line nel mondo della moda, subito").ents or \
        all(e.label_ == "sector" for e in nlp("vendo on line nel mondo della moda, subito").ents)


def test_patterns_file_is_generated_from_the_vocabulary():
    assert nlp_pipeline.PATTERNS_FILE.read_text(encoding="utf-8") == nlp_pipeline.patterns_yaml(), \
        "data/nlu/patterns.yml is stale: run `python -m bot.nlp_pipeline`"


def test_keyword_patterns_match_words_with_or_without_accents():
    import re

    import yaml

    data = yaml.safe_load(nlp_pipeline.patterns_yaml())["nlu"]
    patterns = {item["regex"]: item["examples"].strip()[2:] for item in data}
    assert re.search(patterns["field_weekly_hours"], "cambia il monte ore")
    assert re.search(patterns["org_kind_azienda"], "siamo una società") and \
        re.search(patterns["org_kind_azienda"], "siamo una societa")
    assert re.search(patterns["objective_community"], "fidelizzare i clienti")
    assert not re.search(patterns["team_da_solo"], "il mio studio")  # stems start a word


def test_synonyms_file_is_generated_from_the_vocabulary():
    assert nlp_pipeline.SYNONYMS_FILE.read_text(encoding="utf-8") == nlp_pipeline.synonyms_yaml(), \
        "data/nlu/synonyms.yml is stale: run `python -m bot.nlp_pipeline`"
    assert paths.VOCABULARY_FILE.exists()
