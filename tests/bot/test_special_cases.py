"""Regulated trades, sensitive audiences and large organisations (bot/special_cases.py,
data/specialist_rules.yml), read from what people write."""
from __future__ import annotations

import pytest

from bot import special_cases


def codes(**profile):
    return [rule.code for rule in special_cases.matching(profile)]


@pytest.mark.parametrize("profile, code", [
    ({"activity": "vendiamo integratori per sportivi online"}, "health_claims"),
    ({"sector": "gambling", "activity": "sala giochi"}, "gambling_ads"),
    ({"ateco": "11.02.10", "activity": "azienda di famiglia"}, "alcohol"),
    ({"activity": "negozio di svapo e liquidi"}, "tobacco"),
    ({"activity": "clinica di medicina estetica"}, "medicines"),
    ({"activity": "consulente finanziario indipendente"}, "financial_products"),
    ({"activity": "sono candidata alle elezioni regionali"}, "political"),
    ({"activity": "vendiamo giocattoli di legno"}, "children_products"),
    ({"activity": "video di scienza", "audience": "6-10"}, "children_audience"),
    ({"activity": "laboratori creativi", "audience": "bambini delle elementari"}, "children_audience"),
    ({"sector": "legal", "activity": "studio associato"}, "professional_ethics"),
    ({"activity": "negozio online di oli al CBD e tisane"}, "hemp"),
    ({"activity": "enoteca travolta dalla bufera sui social dopo un post"}, "reputation_crisis"),
    ({"activity": "trattoria: dopo un caso di intossicazione alimentare piovono critiche"}, "reputation_crisis"),
])
def test_each_rule_fires_on_its_trade_or_audience(profile, code):
    assert code in codes(**profile)


@pytest.mark.parametrize("profile", [
    {"sector": "food_service", "activity": "pizzeria con una buona carta dei vini"},  # wine on a menu
    {"activity": "tour in bici con sosta in cantina", "audience": "famiglie con bambini"},  # families
    {"activity": "idraulico a Bergamo", "audience": "25-54"},
    {"activity": "tessitura di lino e canapa per la casa"},  # hemp fabric is ordinary trade
])
def test_ordinary_businesses_meet_no_rule(profile):
    assert codes(**profile) == []


def test_the_severity_says_whether_the_plan_stands():
    rules = {rule.code: rule.severity for rule in special_cases.rules()}
    assert rules["professional_ethics"] == special_cases.CAUTION
    assert rules["gambling_ads"] == special_cases.SPECIALIST
    assert all(rule.why for rule in special_cases.rules())
    assert all(rule.help for rule in special_cases.rules() if rule.severity == special_cases.SPECIALIST)


@pytest.mark.parametrize("activity, found", [
    ("un gruppo con 14 marchi presente in 22 paesi", ["22 paesi", "14 marchi"]),
    ("catena di quaranta punti vendita in Lombardia", ["quaranta punti vendita"]),
    ("il team marketing è di 8 persone", ["un team marketing di 8 persone"]),
    ("siamo una multinazionale della cosmetica", ["multinazionale"]),
    ("dark kitchen con tre marchi virtuali", []),  # a few brands of one kitchen: still one recipe
    ("bottega con 2 dipendenti", []),
    ("gruppo della grande distribuzione con 180 supermercati", ["180 supermercati"]),
    ("rete di 35 farmacie in Veneto", ["35 farmacie"]),
    ("dodici hotel tra Riccione e la Sardegna", []),  # a regional group: still a recipe
])
def test_a_large_organisation_in_the_users_own_numbers(activity, found):
    assert special_cases.large_organisation({"activity": activity}) == found


def test_a_case_rules_out_the_channels_its_rules_forbid():
    rules = {rule.code: rule for rule in special_cases.rules()}
    # no social page may promote betting; an adults-only platform is not for an audience of children
    assert rules["gambling_ads"].rules_out(("social", "business"), ("18-24", "25-34"))
    assert not rules["gambling_ads"].rules_out(("directory",), ("25-34",))
    assert rules["children_audience"].rules_out(("social",), ("18-24", "25-34"))
    assert not rules["children_audience"].rules_out(("social",), ("13-17", "18-24"))
    assert all(rule.avoid_why for rule in special_cases.rules() if rule.avoid_kinds or rule.avoid_adults_only)


def severity(profile, markets=("IT",)):
    return {rule.code: rule.severity for rule in special_cases.matching(profile, markets)}


def test_alcohol_is_a_caution_at_home_and_a_specialist_abroad():
    winery = {"sector": "alcohol", "activity": "cantina con visite in vigna e degustazioni"}
    assert severity(winery) == {"alcohol": special_cases.CAUTION}
    assert severity(winery, ("IT", "US")) == {"alcohol": special_cases.SPECIALIST}
    caution = next(r for r in special_cases.matching(winery) if r.code == "alcohol")
    assert "minori" in caution.why and caution.why != next(r for r in special_cases.rules() if r.code == "alcohol").why


def test_alcohol_for_a_young_audience_stays_a_specialist_case_at_home():
    brand = {"sector": "alcohol", "activity": "liquorificio artigianale"}
    assert severity({**brand, "audience": "18-24"}) == {"alcohol": special_cases.SPECIALIST}
    assert severity({**brand, "audience": "appassionati di amari, 35-60"}) == {"alcohol": special_cases.CAUTION}
    assert severity({**brand, "activity": "liquori per la movida universitaria"}) == \
        {"alcohol": special_cases.SPECIALIST}
    rule = next(r for r in special_cases.matching({**brand, "audience": "18-24"}) if r.code == "alcohol")
    assert "tiktok" in rule.avoid_ids


def test_children_are_not_reached_on_teenagers_platforms():
    rule = next(r for r in special_cases.matching({"activity": "app di giochi", "audience": "6-10"})
                if r.code == "children_audience")
    assert rule.rules_out(("social",), ("13-17", "18-24"), "tiktok")
    assert not rule.rules_out(("social",), ("13-17", "18-24"), "youtube")


def test_a_venue_that_sells_tobacco_or_lottery_tickets_on_the_side_is_promoted_as_a_venue():
    bar = {"sector": "food_service", "activity": "bar tabacchi con colazioni, lotto e gratta e vinci"}
    assert severity(bar) == {"gambling_ads": special_cases.CAUTION, "tobacco": special_cases.CAUTION}
    assert not any(rule.rules_out(("social",), ()) for rule in special_cases.matching(bar))
    # the trade itself stays a specialist case, and so does a shop that is not a venue
    assert severity({"sector": "gambling", "activity": "sala slot"}) == {"gambling_ads": special_cases.SPECIALIST}
    assert severity({"sector": "retail", "activity": "negozio di svapo"}) == {"tobacco": special_cases.SPECIALIST}


@pytest.mark.parametrize("activity", ["farmacia con e-commerce di farmaci da banco",
                                      "produciamo filtri per dialisi per gli ospedali",
                                      "apparecchiature elettromedicali per studi dentistici"])
def test_medicines_and_medical_devices_in_everyday_words(activity):
    assert severity({"activity": activity})["medicines"] == special_cases.SPECIALIST


def test_a_service_about_a_regulated_trade_is_not_that_trade():
    # translating pharmaceutical leaflets, software for pharmacies: services for others, not medicines sold
    assert "medicines" not in severity({"activity": "traduciamo foglietti illustrativi e testi farmaceutici"})
    assert "medicines" not in severity({"activity": "sviluppiamo un gestionale per farmacie e dispositivi medici"})
    assert severity({"activity": "vendiamo dispositivi medici agli ospedali"})["medicines"] == special_cases.SPECIALIST


@pytest.mark.parametrize("activity, code", [
    ("dopo un'inchiesta in tv il nostro titolare è indagato e riceviamo messaggi di odio", "reputation_crisis"),
    ("un attacco informatico ci ha bloccato i server e i clienti chiedono spiegazioni", "reputation_crisis"),
    ("raccogliamo capitale per le PMI con l'equity crowdfunding", "financial_products"),
    ("coltiviamo canapa e vendiamo fiori a basso THC", "hemp"),
])
def test_crises_crowdfunding_and_hemp_in_everyday_words(activity, code):
    assert severity({"activity": activity})[code] == special_cases.SPECIALIST


def test_a_privacy_consultant_handling_breaches_for_clients_is_no_crisis():
    dpo = {"activity": "faccio il DPO esterno e gestisco i data breach dei clienti"}
    assert "reputation_crisis" not in severity(dpo)


@pytest.mark.parametrize("activity, code", [
    ("produciamo glucometri e strisce reattive per le farmacie", "medicines"),  # medical devices by name
    ("un cliente dice di essersi intossicato da noi e il video gira ovunque", "reputation_crisis"),
])
def test_medical_devices_by_name_and_a_poisoning_told(activity, code):
    assert severity({"activity": activity})[code] == special_cases.SPECIALIST


def test_a_librarys_loans_and_a_hotels_job_candidates_are_no_special_case():
    assert "financial_products" not in severity({"activity": "biblioteca civica: prestiti, sala studio, letture"})
    assert "political" not in severity({"activity": "assumiamo 40 stagionali e cerchiamo candidati seri"})
    assert severity({"activity": "sono candidata a sindaco con una lista civica"})["political"] == special_cases.SPECIALIST
    assert severity({"activity": "offriamo prestiti personali e cessione del quinto"})["financial_products"] \
        == special_cases.SPECIALIST


def test_alcohol_sold_only_to_the_trade_abroad_is_a_caution():
    winery = {"activity": "cantina vinicola, vendiamo solo a importatori e distributori", "sector": "alcohol"}
    abroad = ("IT", "US", "DE")
    trade = {r.code: r.severity for r in special_cases.matching({**winery, "segment": "b2b"}, abroad)}
    consumers = {r.code: r.severity for r in special_cases.matching({**winery, "segment": "entrambi"}, abroad)}
    assert trade["alcohol"] == special_cases.CAUTION and consumers["alcohol"] == special_cases.SPECIALIST
