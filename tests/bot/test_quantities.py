"""Quantity expressions read whole (bot/quantities.py), and their agreement with the training data."""
from __future__ import annotations

import pytest
from rasa.shared.nlu.training_data.loading import load_data

from bot.paths import ROOT
from bot.quantities import QUANTITY_ENTITIES, whole_expressions


def found(text, *pieces):
    """Entities as an extractor returns them: (entity, the words it tagged)."""
    entities = []
    for entity, words in pieces:
        start = text.index(words)
        entities.append({"entity": entity, "start": start, "end": start + len(words), "value": words,
                         "extractor": "EntityExtractor", "confidence_entity": 0.8})
    return entities


def read(text, *pieces):
    return [(e["entity"], text[e["start"]:e["end"]]) for e in whole_expressions(text, found(text, *pieces))]


@pytest.mark.parametrize("text, pieces, expected", [
    # the extractor's misses of the cross-validation, each a kind of expression
    ("tra 4 e 5 ore a settimana", [("hours", "5")], [("hours", "4 e 5")]),
    ("due o tre ore la settimana", [("hours", "tre")], [("hours", "due o tre")]),
    ("sei o sette ore al mese", [("hours", "sette")], [("hours", "sei o sette")]),
    ("3-4 ore", [("hours", "3")], [("hours", "3-4")]),
    ("18-20", [("hours", "18")], [("hours", "18-20")]),  # a bare range widens what was tagged hours
    ("direi 20-35 anni", [("hours", "20")], [("age", "20-35 anni")]),
    ("18-24 anni", [("hours", "18-")], [("age", "18-24 anni")]),
    ("manager sopra i 45 anni", [("age", "i 45 anni")], [("age", "sopra i 45 anni")]),
    ("giovani tra i 20 e i 35 anni", [("age", "giovani"), ("age", "35 anni")],
     [("age", "giovani"), ("age", "tra i 20 e i 35 anni")]),
    ("mamme over 35", [("age", "35")], [("age", "over 35")]),
    ("donne dai 40 in su", [("age", "40")], [("age", "dai 40 in su")]),
    ("non possiamo spendere neanche un euro in ads", [("budget", "un euro")], [("budget", "neanche un euro")]),
    # two pieces of one expression become one entity
    ("due o trecento euro al mese", [("budget", "trecento euro"), ("hours", "due o")],
     [("budget", "due o trecento euro")]),
])
def test_a_piece_of_an_expression_becomes_the_whole_expression(text, pieces, expected):
    assert read(text, *pieces) == expected


@pytest.mark.parametrize("text, pieces", [
    ("ci dedico 3 ore", [("hours", "3")]),  # already whole
    ("un paio d'ore", [("hours", "un paio")]),
    ("sotto i 300 euro", [("budget", "300 euro")]),  # a price, not an age ("sotto i 300")
    ("ragazzi dai 14 ai 18 anni e 3 ore a settimana", [("hours", "3")]),  # another expression
    ("giovani 18-24", [("age", "18")]),  # an age range needs its unit or preposition
])
def test_what_is_already_whole_or_unrelated_is_left_alone(text, pieces):
    assert read(text, *pieces) == [(entity, words) for entity, words in pieces]


def test_nothing_is_added_and_other_entities_are_kept_in_order():
    text = "a Milano, tra 2 e 3 ore, con un'agenzia"
    entities = found(text, ("place", "Milano"), ("hours", "3"), ("team", "un'agenzia"))
    out = whole_expressions(text, entities)
    assert [(e["entity"], e["value"]) for e in out] == [("place", "Milano"), ("hours", "2 e 3"),
                                                       ("team", "un'agenzia")]
    assert out[1]["extractor"] == "EntityExtractor" and out[1]["processors"] == ["whole_expressions"]
    assert entities[1]["value"] == "3"  # the input is not changed
    assert whole_expressions("tra 2 e 3 ore", []) == []


def test_every_annotated_quantity_of_the_training_data_is_already_whole():
    """The patterns follow the data's span conventions: applied to the annotations themselves,
    they change nothing (an annotation they would change is a convention broken in one place)."""
    checked = 0
    for example in load_data(str(ROOT / "data" / "nlu")).training_examples:
        entities = example.get("entities") or []
        if any(e["entity"] in QUANTITY_ENTITIES for e in entities):
            text = example.get("text")
            as_annotated = sorted((e["entity"], e["start"], e["end"]) for e in entities)
            assert sorted((e["entity"], e["start"], e["end"]) for e in whole_expressions(text, entities)) \
                == as_annotated, text
            checked += 1
    assert checked > 200
