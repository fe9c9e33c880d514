import pytest

from bot import vocabulary
from bot.vocabulary import VocabularyError, fold


def test_fold():
    assert fold("  Città’  di  PERCHÉ ") == "citta' di perche"


@pytest.mark.parametrize("label, value, canonical", [
    ("place", "Milano", "milano"), ("place", "tutta Italia", "italia"), ("place", "citta", None),
    ("sector", "sanità", "health"), ("sector", "sanita", "health"), ("sector", "food_service", "food_service"),
    ("profession", "Avvocata", "avvocato"), ("channel", "Linkedin", "linkedin"),
    ("channel", "twitter", "x_twitter"), ("channel", "nonesiste", None),
])
def test_canonical(voc, label, value, canonical):
    assert voc.canonical(label, value) == canonical


def test_cities_name_their_region_and_the_italian_market(voc):
    milano = voc.places["milano"]
    assert milano.region == "lombardia" and milano.markets == ("IT",)


def test_an_alias_used_twice_is_rejected(tmp_path):
    vocab = tmp_path / "v.yml"
    vocab.write_text("""
version: "t"
places: {}
regions: {}
cities: {}
sectors:
  a: {name: A, aliases: [stesso]}
  b: {name: B, aliases: [Stesso]}
professions: {}
""")
    with pytest.raises(VocabularyError, match="(?i)stesso"):
        vocabulary.load(vocab, tmp_path / "none.yml")


def test_a_stem_marked_whole_word_does_not_start_a_longer_word(voc):
    # "ets=" is the third sector's acronym, not the start of Etsy
    assert "ente" in voc.values_in_text("org_kind", "siamo un ETS di Bari")
    assert "ente" not in voc.values_in_text("org_kind", "vendo orecchini su Etsy")


@pytest.mark.parametrize("text", ["in tutto lo Stivale", "un po' in tutta la penisola", "nel Belpaese"])
def test_italy_by_its_nicknames(voc, text):
    assert voc.places_in_text(text) == ["italia"]


def test_a_named_peninsula_is_not_italy(voc):
    assert "italia" not in voc.places_in_text("la penisola sorrentina")
