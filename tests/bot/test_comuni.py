"""Every Italian comune as a place (bot/comuni.py, bot/vocabulary.py: places_in_text)."""
from __future__ import annotations

import pytest

from bot import comuni


def test_the_istat_list_is_whole_and_knows_regions():
    table = comuni.table()
    assert len(table) > 7800
    assert table["la spezia"].region == "liguria" and table["la spezia"].capital
    assert table["montesilvano"].region == "abruzzo" and not table["montesilvano"].capital


@pytest.mark.parametrize("text, places", [
    ("La Spezia, vicino al porto", ["la_spezia"]),
    ("Pescara e Montesilvano", ["pescara", "montesilvano"]),
    ("a Sale, in Piemonte", ["piemonte", "sale"]),  # a comune that is also a word, written as a place
    ("sale e pepe", []),
    ("in Alto Adige", ["trentino_alto_adige"]),  # the region, not the comune "Alto"
    ("Reggio Emilia e Modena", ["reggio_emilia", "modena"]),  # not Emilia-Romagna as well
    ("Torino, non Milano", ["torino"]),
    ("Ciao, sono Marta e ho un negozio di fiori a Lecce", ["lecce"]),  # Marta is a name here
    ("Marche", ["marche"]),
])
def test_places_in_text(voc, text, places):
    assert voc.places_in_text(text) == places


def test_a_comune_is_a_place_of_the_italian_market(voc):
    place = voc.places["montesilvano"]
    assert place.kind == "city" and place.markets == ("IT",) and place.region == "abruzzo"
    assert voc.place_name("la_spezia") == "La Spezia"


@pytest.mark.parametrize("text, ids", [
    ("Linosa", ["lampedusa_e_linosa"]),  # one island of a comune named after two
    ("Bressanone", ["bressanone"]),  # a bilingual comune by its Italian name
    ("Cagliari, Sinnai e un po' di turisti dal nord Europa", ["cagliari", "sinnai"]),  # a list of places
    ("Trevisio e provincia", ["treviso"]),  # a province names its capital, whatever the typo
])
def test_islands_bilingual_names_lists_and_provinces(text, ids):
    assert [c.id for c in comuni.in_text(text)] == ids


def test_a_town_whose_name_is_a_word_is_the_town_when_it_is_the_whole_answer():
    assert [c.id for c in comuni.in_text("Assisi")] == ["assisi"]
    assert comuni.in_text("assisi") == []  # in lower case it may be the word
    assert comuni.in_text("Salve") == []  # a greeting, whatever town has its name
