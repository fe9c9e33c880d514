"""What a business offers (bot/offerings.py), and the channels that do not serve it."""
from __future__ import annotations

import pytest

from bot import knowledge_base, offerings, vocabulary
from bot.recommend import recommend


@pytest.mark.parametrize("profile, offering", [
    ({"activity": "pizze e fritti consegnati a domicilio la sera", "sector": "food_service"}, "cibo_a_domicilio"),
    ({"activity": "compro e rivendo mobili usati e vintage"}, "usato"),
    ({"activity": "quattro camere con colazione in centro storico"}, "alloggio"),
    ({"activity": "escursioni in barca alle isole", "sector": "tourism"}, "esperienze"),
    ({"activity": "trattoria con cucina romagnola", "sector": "food_service"}, "cibo_sul_posto"),
    ({"activity": "una onlus che aiuta le famiglie", "sector": "nonprofit"}, "cause"),
    # nothing in the words: the ATECO code, then the sector's main code
    ({"activity": "lavoriamo da tre generazioni", "ateco": "86.23.00"}, "salute"),
    ({"activity": "da tre generazioni", "sector": "legal"}, "servizi_professionali"),
    ({"activity": "pezzi torniti su disegno", "sector": "manufacturing", "segment": "b2b"}, "industriale_b2b"),
])
def test_the_offering_from_words_then_from_ateco(profile, offering):
    assert offerings.infer(profile) == offering


def test_no_offering_when_nothing_says_it():
    assert offerings.infer({"activity": "boh"}) is None


def test_a_channel_that_does_not_serve_the_offering_is_excluded_with_the_reason():
    kb, voc = knowledge_base.from_file(), vocabulary.default()
    hotel = {"org_kind": "azienda", "sector": "tourism", "activity": "un hotel di 30 camere al Lido",
             "segment": "b2c", "locations": ["venezia"], "audience": "25-54", "objectives": ["vendite"],
             "priority": None, "channels_used": ["subito"], "channels_named": [], "weekly_hours": 5.0,
             "team": "team", "ad_budget": True, "replies_to_messages": True, "shows_identity": True,
             "handles_criticism": True, "real_relationships": True}
    plan = recommend(hotel, kb, voc)
    assert "subito" not in [c.id for c in plan.channels]
    why = {n.id: n.reasons for n in plan.not_a_fit}["subito"]
    assert any(r.startswith("Subito.it è fatto per annunci di oggetti") and r.endswith("non per prenotare un alloggio")
               for r in why), why
    # a job-ads channel still serves a hotel that is hiring
    hiring = recommend({**hotel, "objectives": ["recruiting"]}, kb, voc)
    assert "subito" not in {n.id for n in hiring.not_a_fit if any("fatto per" in r for r in n.reasons)}


@pytest.mark.parametrize("profile, offering", [
    # "usato" as a verb is not second-hand goods; "usato" as goods is
    ({"activity": "un'app di prenotazione usata da 300 palestre", "sector": "technology"}, "software"),
    ({"activity": "vendiamo biciclette usate e ricondizionate"}, "usato"),
    # "pub" is a word, not the start of "pubblicizzare"
    ({"activity": "vorremmo pubblicizzare i nostri corsi di yoga", "sector": "sport"}, "servizi_locali"),
    # a care home's beds are care, not a stay
    ({"activity": "casa di riposo con 60 posti letto", "sector": "health"}, "salute"),
    # a brand in the beauty sector sells products, not treatments
    ({"activity": "creme viso con ingredienti italiani", "sector": "beauty", "org_kind": "brand"}, "prodotti"),
])
def test_words_read_for_what_they_mean_here(profile, offering):
    assert offerings.infer(profile) == offering
