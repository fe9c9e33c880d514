"""Sectors from ISTAT's ATECO 2025 (bot/ateco.py, data/ateco_sectors.yml), without Rasa."""
from __future__ import annotations

import json
from importlib import resources

import pytest

from bot import ateco, vocabulary


def _codes():
    return {n["code"]: n for n in json.loads(resources.files("ateco").joinpath("data/2025/nodes.json")
                                             .read_bytes())["nodes"]}


def test_every_ateco_division_has_a_sector_and_every_sector_an_ateco_code():
    codes = _codes()
    divisions = [c for c, n in codes.items() if n["level"] == "division"]
    assert len(divisions) == 87
    assert [d for d in divisions if ateco.sector_of(d) is None] == []
    sectors = set(vocabulary.default().sectors)
    prefixes, main = ateco.sector_table()
    assert set(prefixes.values()) <= sectors
    assert set(main) == sectors, "every sector of the bot maps to ATECO"
    for sector, code in main.items():
        assert code in codes, f"{sector}: {code} is not an ATECO 2025 code"
        assert ateco.sector_of(code) == sector, f"{sector}'s main code {code} belongs to {ateco.sector_of(code)}"
    assert all(code in codes for code in ateco.synonyms().values())


def test_the_longest_prefix_decides():
    assert ateco.sector_of("11.07.00") == "food_production"  # soft drinks
    assert ateco.sector_of("11.02.10") == "alcohol"  # wine
    assert ateco.sector_of("96.21") == "beauty" and ateco.sector_of("96.30.01") == "crafts"


@pytest.mark.parametrize("text, sector, code_prefix", [
    ("sala bingo e slot", "gambling", "92"),
    ("agenzia di onoranze funebri", "crafts", "96.30"),
    ("facciamo i sottotitoli e il doppiaggio dei film", "creative", "59.12"),
    ("toelettatura per cani", "crafts", "96.99.12"),
    ("un laboratorio di analisi cliniche", "health", "86.9"),
    ("produciamo birra artigianale", "alcohol", "11.05"),
    ("vivaio di piante ornamentali", "agriculture", "01"),
    ("corriere espresso", "logistics", "53"),
    ("ricamo e merletti a mano", "fashion", "13.99"),
    ("officina meccanica per auto", "automotive", "95.31"),  # one of our own synonyms
])
def test_a_description_is_read_through_ateco_titles_and_notes(text, sector, code_prefix):
    match = ateco.classify(text)
    assert match is not None and match.sector == sector and match.code.startswith(code_prefix), match


@pytest.mark.parametrize("text", ["boh", "ciao come stai", "", "non saprei proprio", "facciamo cose belle da tanti anni",
                                  "dipende dalla stagione", "ci mettiamo tanta passione"])
def test_words_that_name_no_trade_match_nothing(text):
    assert ateco.classify(text) is None


def test_a_place_in_the_description_is_not_read_as_a_trade():
    assert "cagliar" not in ateco.stems("affittacamere a Cagliari")
