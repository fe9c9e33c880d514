"""The recommendation engine over the personas of data/personas.yml, and its hard constraints on
random profiles. Each persona's expectations come from the mission's logic (start from who you are
and what you want; every network has its audience, markets and sectors; no recipe when none
applies), not from the engine's output.
"""
from __future__ import annotations

import copy

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import yaml

from bot import knowledge_base, offerings, personas, texts
from bot import profile as P
from bot.recommend import markets_of, recommend, score_channel


@pytest.fixture(scope="module")
def kb():
    return knowledge_base.from_file()


def persona(**fields):
    return {**DEFAULTS, **fields}


PERSONAS = [(p.name, p.profile, p.any_of, p.must_not, p.specialist_advised) for p in personas.load()]
DEFAULTS = yaml.safe_load(personas.PERSONAS_FILE.read_text(encoding="utf-8"))["defaults"]


@pytest.mark.parametrize("name, profile, any_of, must_not, specialist", PERSONAS,
                         ids=[p[0] for p in PERSONAS])
def test_persona(kb, voc, name, profile, any_of, must_not, specialist):
    plan = recommend(profile, kb, voc)
    ids = [c.id for c in plan.channels]
    assert plan.specialist_advised is specialist, (plan.specialist_reasons, ids)
    if any_of:
        assert set(ids) & any_of, f"none of {any_of} in {ids}"
    assert not set(ids) & must_not, f"{set(ids) & must_not} should not be in {ids}"
    if not specialist:
        assert 2 <= len(ids) <= 4
        for channel in plan.channels:
            assert channel.reasons and channel.first_step and channel.breakdown
            # the parts, each rounded to 0.1, sum to the score within their rounding
            assert channel.score == pytest.approx(min(100.0, sum(channel.breakdown.values())), abs=0.4)


def test_the_persona_set_is_varied():
    assert len(PERSONAS) >= 20
    assert len({p[1]["sector"] for p in PERSONAS}) >= 12


def test_the_lawyer_gets_linkedin_with_the_audicom_figure(kb, voc):
    plan = recommend(PERSONAS[0][1], kb, voc)
    linkedin = next(c for c in plan.channels if c.id == "linkedin")
    assert any("Audicom" in r and "2024" in r for r in linkedin.reasons), linkedin.reasons
    assert any("aziende" in r for r in linkedin.reasons)
    # the bar's rules on advertising: a caution beside the plan, not a reason for a specialist
    assert not plan.specialist_advised and any("deontologico" in note for note in plan.caution_notes)


def test_different_profiles_get_different_plans(kb, voc):
    plans = {tuple(c.id for c in recommend(p, kb, voc).channels) for _, p, _, _, s in PERSONAS if not s}
    assert len(plans) >= 10


def test_a_channel_in_use_that_does_not_fit_is_explained(kb, voc):
    profile = persona(sector="manufacturing", segment="b2b", objectives=["contatti"],
                      channels_used=["tiktok"], channels_named=["tripadvisor"])
    plan = recommend(profile, kb, voc)
    why = {n.id: n.reasons for n in plan.not_a_fit}
    assert set(why) == {"tiktok", "tripadvisor"} and all(why.values())
    assert any("altri settori" in r for r in why["tripadvisor"])


def test_china_says_why_and_what_a_specialist_helps_with(kb, voc):
    plan = recommend(PERSONAS[3][1], kb, voc)
    codes = {r["code"] for r in plan.specialist_reasons}
    assert {"local_entity", "alcohol"} <= codes
    assert plan.specialist_help and all(plan.specialist_help)


def test_over_the_stated_time_is_said(kb, voc):
    plan = recommend(persona(sector="fashion", objectives=["vendite"], weekly_hours=2.0), kb, voc)
    total = sum(c.weekly_hours for c in plan.channels)
    assert total <= 2.0 or plan.time_note


def test_payload_schema(kb, voc):
    payload = recommend(PERSONAS[1][1], kb, voc).payload()
    assert payload["type"] == "bussola.plan" and payload["schema_version"] == 1
    assert set(payload) >= {"channels", "not_a_fit", "specialist_advised", "specialist_reasons",
                            "specialist_help", "time_note", "kb_version", "markets", "offering"}
    first = payload["channels"][0]
    assert set(first) == {"id", "name", "score", "breakdown", "reasons", "first_step", "weekly_hours", "url"}
    assert all(c["url"].startswith("https://") for c in payload["channels"])  # every channel recommended here has a site


def test_a_channel_site_must_be_an_https_address():
    from bot import knowledge_base as K

    raw = K._parse(K.paths.CHANNELS_FILE.read_bytes(), K.paths.CHANNELS_FILE)
    for bad in ("http://www.example.com/", "javascript:alert(1)", "https://exa mple.com/", ""):
        raw["channels"][0]["url"] = bad
        with pytest.raises(K.KnowledgeBaseError, match="url"):
            K.from_dict(raw)


# --- properties over random profiles ------------------------------------------------------

def _places(voc):
    return sorted(voc.places)


profiles = st.fixed_dictionaries({
    "org_kind": st.sampled_from([*P.KINDS, P.SKIPPED]),
    "sector": st.sampled_from(["legal", "food_service", "technology", "creative", "tourism", "fashion",
                               "manufacturing", "health", "sport", "publishing", P.SKIPPED]),
    "segment": st.sampled_from([*P.SEGMENTS, P.SKIPPED]),
    "locations": st.lists(st.sampled_from(["italia", "milano", "germania", "cina", "russia", "giappone",
                                           "stati_uniti", "mondo", "corea_del_sud", "brasile"]),
                          min_size=1, max_size=3, unique=True),
    "audience": st.sampled_from(["18-34", "25-54", "65+", "tutte le età", P.SKIPPED, "13-17"]),
    "objectives": st.lists(st.sampled_from(P.OBJECTIVES), min_size=1, max_size=5, unique=True),
    "weekly_hours": st.sampled_from([0.0, 0.5, 1.0, 2.0, 3.5, 5.0, 10.0, 40.0]),
    "ad_budget": st.booleans(),
    "replies_to_messages": st.booleans(), "shows_identity": st.booleans(),
    "handles_criticism": st.booleans(), "real_relationships": st.booleans(),
    "channels_used": st.lists(st.sampled_from(["facebook", "instagram", "linkedin", "tiktok", "vk", "subito",
                                               "booking", "thefork", "amazon", "indeed"]),
                              max_size=3, unique=True),
    "activity": st.sampled_from(["una piccola attività", "pizze consegnate a domicilio", "hotel con 20 camere",
                                 "vendiamo abiti usati", "tour guidati in bici", "software gestionale",
                                 "ricambi industriali per le officine", "un podcast di storia"]),
})


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(profile=profiles)
def test_hard_constraints_hold_for_any_profile(kb, voc, profile):
    profile = {**profile, "priority": profile["objectives"][0]}
    plan = recommend(profile, kb, voc)
    markets = markets_of(profile, voc)
    assert len(plan.channels) <= 4
    for rec in plan.channels:
        channel = kb.get(rec.id)
        best = max(channel.strength_in(m) for m in markets)
        # present in a target market; a publishing tool for what the user makes may be weak there, not absent
        own_readers = set(channel.kinds) == {"publishing"} and bool(channel.made_for_in(profile["activity"]))
        assert best >= 2 or (own_readers and best >= 1), (rec.id, markets)
        if profile["segment"] in ("b2b", "b2c"):
            assert getattr(channel, profile["segment"]) >= 1
        assert channel.is_generalist() or profile["sector"] in channel.sectors
        # what the business offers (issue 15): a listing that does not serve it is never chosen
        offering = offerings.infer(profile)
        assert channel.serves_offering(offering) or "recruiting" in profile["objectives"], (rec.id, offering)
    # readable scores: percentages, at most one channel at 100, in the order shown
    scores = [c.score for c in plan.channels]
    assert all(0 <= s <= 100 for s in scores) and scores.count(100.0) <= 1 and scores == sorted(scores, reverse=True)
    # "perché non X": never "ranked lower" when X scored higher than a chosen channel
    for left_out in plan.not_a_fit:
        if any("meno dei canali che ti consiglio" in r for r in left_out.reasons) and scores:
            score = float(next(r for r in left_out.reasons if "punteggio" in r).split("punteggio ")[1]
                          .split(" ")[0].replace(",", "."))
            assert score < min(scores), (left_out.id, score, scores)
    if sum(c.weekly_hours for c in plan.channels) > profile["weekly_hours"]:
        assert plan.time_note or plan.specialist_advised
    if not plan.specialist_advised:
        assert len(plan.channels) >= 2
    else:
        assert plan.specialist_reasons and len(plan.specialist_help) == len(plan.specialist_reasons)


@settings(max_examples=50, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(profile=profiles)
def test_the_same_profile_gives_the_same_plan(kb, voc, profile):
    first = recommend(copy.deepcopy(profile), kb, voc).payload()
    assert recommend(copy.deepcopy(profile), kb, voc).payload() == first


@pytest.mark.parametrize("value, shown", [(95.0, "al 95%"), (87.4, "all'87%"), (11.0, "all'11%"), (8.0, "all'8%"),
                                          (100.0, "al 100%"), (79.6, "all'80%")])
def test_percentages_in_italian(value, shown):
    from bot import texts

    assert texts.percent_with_article(value) == shown


def test_a_tie_is_broken_and_said(kb, voc):
    from bot.recommend import _Fit, _tie_reason

    quick, slow = kb.get("google_business_profile"), kb.get("instagram")
    first, second = _Fit(quick, 80.0, {"market": 20.0}), _Fit(slow, 80.0, {"market": 20.0})
    assert "chiede meno tempo" in _tie_reason(first, second) and "Instagram" in _tie_reason(first, second)


def test_a_channel_built_for_what_the_user_makes_is_said_and_counted(kb, voc):
    spotify = kb.get("spotify_podcasts")
    assert spotify.made_for_in("Registro un podcast di cucina") == "podcast"
    assert spotify.made_for_in("non faccio podcast, solo foto") is None  # denied
    assert kb.get("instagram").made_for_in("Registro un podcast") is None
    shop = persona(org_kind="azienda", sector="food_service", segment="b2c", locations=["lecco"],
                   activity="Pizzeria d'asporto con consegne a domicilio in paese", objectives=["vendite"],
                   weekly_hours=5)
    plan = recommend(shop, kb, voc)
    made = [c for c in plan.channels if any("fatto apposta" in r for r in c.reasons)]
    assert made, [c.id for c in plan.channels]  # a delivery app, with the reason
    assert any("«consegne a domicilio»" in r for r in made[0].reasons)


def test_the_new_objectives_choose_the_channels_made_for_them(kb, voc):
    hotel = persona(org_kind="azienda", sector="tourism", segment="b2c", locations=["venezia"],
                    activity="Hotel tre stelle vicino a Rialto", objectives=["prenotazioni", "reputazione"],
                    priority="prenotazioni", weekly_hours=6)
    ids = [c.id for c in recommend(hotel, kb, voc).channels]
    assert {"booking", "airbnb", "expedia", "google_business_profile"} & set(ids[:2]), ids
    charity = persona(org_kind="ente", sector="nonprofit", segment="b2c", locations=["bari"],
                      activity="Associazione di volontariato che aiuta anziani soli",
                      objectives=["donazioni", "volontari"], priority="donazioni", weekly_hours=5)
    ids = [c.id for c in recommend(charity, kb, voc).channels]
    assert {"rete_del_dono", "gofundme", "produzioni_dal_basso"} & set(ids), ids
    assert not {"subito", "vinted", "amazon"} & set(ids), ids


def test_a_channel_already_in_use_that_fits_is_kept_first_and_says_why(kb, voc):
    profile = persona(sector="fashion", activity="negozio di abbigliamento a Parma", locations=["parma"],
                      objectives=["vendite", "notorieta"], priority="vendite", channels_used=["pinterest"],
                      weekly_hours=6)
    plan = recommend(profile, kb, voc)
    kept = next(c for c in plan.channels if c.id == "pinterest")
    assert kept.reasons[0].startswith("lo usi già")


def test_a_channel_built_for_what_the_user_makes_asks_half_its_time(kb, voc):
    profile = persona(sector="education", activity="vendo corsi online di fotografia registrati",
                      objectives=["vendite"], weekly_hours=6)
    plan = recommend(profile, kb, voc)
    made = next(c for c in plan.channels if c.id == "udemy")
    assert made.weekly_hours == kb.get("udemy").min_weekly_hours / 2
    assert any("metà del tempo" in r for r in made.reasons)


def test_a_b2b_exporter_naming_its_town_and_a_foreign_country_targets_that_country(voc):
    from bot.recommend import markets_of
    assert markets_of({"segment": "b2b", "locations": ["brescia", "germania"]}, voc) == ("DE",)
    assert markets_of({"segment": "b2c", "locations": ["brescia", "germania"]}, voc) == ("IT", "DE")
    assert markets_of({"segment": "b2b", "locations": ["italia", "germania"]}, voc) == ("IT", "DE")


def test_customers_of_a_foreign_country_are_reached_there(voc):
    from bot.recommend import markets_of
    # a B&B in Trento whose guests are Austrian families: the Austrian market, whatever the segment
    assert markets_of({"segment": "b2c", "locations": ["trento", "austria"], "audience": "famiglie austriache"},
                      voc) == ("AT",)
    # customers not said to be from there: both markets, as before
    assert markets_of({"segment": "b2c", "locations": ["trento", "austria"], "audience": "famiglie"},
                      voc) == ("IT", "AT")


def test_a_description_names_the_foreign_customers_of_what_travels_to_them(voc):
    from bot.recommend import markets_of
    # salami shipped from Parma to Austrian shops: reached in Austria
    shipped = {"segment": "entrambi", "locations": ["parma", "austria"], "offering": "prodotti",
               "activity": "produciamo salumi e vogliamo farci conoscere dai consumatori austriaci"}
    assert markets_of(shipped, voc) == ("AT",)
    # a farmhouse whose guests are Austrian is still found where it is: its listings are read at home
    visited = {**shipped, "offering": "alloggio", "activity": "agriturismo con ospiti austriaci"}
    assert markets_of(visited, voc) == ("IT", "AT")


def test_a_channel_not_for_what_the_user_does_is_left_out(kb, voc):
    # MioDottore is health, but for people's doctors: not for a veterinary practice
    human = persona(sector="health", activity="studio medico di medicina generale a Padova", segment="b2c",
                    locations=["padova"], objectives=["prenotazioni"])
    vet = {**human, "activity": "ambulatorio veterinario a Padova"}
    assert not score_channel(kb.get("miodottore"), human, ("IT",), voc).excluded
    excluded = score_channel(kb.get("miodottore"), vet, ("IT",), voc).excluded
    assert excluded and "veterinar" in excluded[-1]


def test_financial_promotion_leaves_out_platforms_whose_ad_rules_exclude_it(kb, voc):
    profile = persona(sector="finance", activity="app per investire in criptovalute", segment="b2c",
                      audience="18-34", objectives=["vendite"], weekly_hours=15)
    plan = recommend(profile, kb, voc)
    assert not {"tiktok", "snapchat", "pinterest"} & {c.id for c in plan.channels}
    signals = recommend({**profile, "activity": "vendo segnali di trading sul forex", "channels_used": ["telegram"]},
                        kb, voc)
    assert {"financial_products", "trading_signals"} <= {r["code"] for r in signals.specialist_reasons}
    # the legal check comes before any promotion: no channel at all, said plainly, and not "no channel fits"
    assert signals.channels == [] and "no_good_fit" not in {r["code"] for r in signals.specialist_reasons}
    last = texts.plan_messages(signals)[-1]
    assert last.startswith("Per ora non ti propongo nessun canale, nemmeno quelli che mi hai nominato:")
    assert [n.id for n in signals.not_a_fit] == ["telegram"] and "legale" in signals.not_a_fit[0].reasons[0]


def test_a_publishing_tool_for_what_the_user_makes_is_not_ruled_out_by_a_small_local_presence(kb, voc):
    from bot.recommend import score_channel
    substack = kb.get("substack")
    assert substack.strength_in("IT") == 1 and set(substack.kinds) == {"publishing"}
    writer = persona(sector="publishing", activity="scrivo una newsletter settimanale sul vino naturale",
                     offering="contenuti", objectives=["community"], priority="community")
    fit = score_channel(substack, writer, ("IT",), voc)
    assert fit.made_for and not any("mercat" in why for why in fit.excluded)
    # the readers a newsletter brings by email are the user's own; a shop's customers are not
    shop = {**writer, "activity": "negozio di vini naturali a Torino", "offering": "prodotti"}
    assert any("mercat" in why for why in score_channel(substack, shop, ("IT",), voc).excluded)


def test_not_answering_messages_leaves_out_chat_channels_without_calling_a_specialist(kb, voc):
    profile = persona(sector="food_service", activity="pizzeria d'asporto a Bari", locations=["bari"],
                      objectives=["contatti"], replies_to_messages=False)
    plan = recommend(profile, kb, voc)
    assert not plan.specialist_advised and "dialogare" in plan.caution_notes[0]
    assert not {"whatsapp_business", "telegram"} & {c.id for c in plan.channels}


def test_selling_something_digital_is_served_by_channels_that_make_it_known(kb, voc):
    from bot.recommend import score_channel
    profile = persona(sector="technology", activity="app per imparare l'inglese in dieci minuti al giorno",
                      offering="software", objectives=["vendite"], priority="vendite")
    youtube = kb.get("youtube")
    assert youtube.objectives["vendite"] < 2 <= youtube.objectives["notorieta"]
    assert not any("vendere" in why for why in score_channel(youtube, profile, ("IT",), voc).excluded)
    shop = {**profile, "offering": "prodotti", "activity": "vendo borse in pelle"}
    assert any("vendere" in why for why in score_channel(youtube, shop, ("IT",), voc).excluded)


def test_several_objectives_with_a_priority_get_a_plan_not_a_specialist(kb, voc):
    # three objectives and little time: without a priority the choice is a specialist's; with one, the
    # user has made it, and the plan serves the priority first
    profile = persona(sector="food_production", activity="pastificio artigianale, pasta di grano duro trafilata al bronzo",
                      segment="entrambi", locations=["campania", "germania", "italia"],
                      objectives=["vendite", "recruiting", "reputazione"], weekly_hours=5)
    unranked = recommend({**profile, "priority": None}, kb, voc)
    ranked = recommend({**profile, "priority": "vendite"}, kb, voc)
    assert "conflicting_objectives" in {r["code"] for r in unranked.specialist_reasons}
    assert "conflicting_objectives" not in {r["code"] for r in ranked.specialist_reasons}


def test_a_listing_site_open_to_an_employer_only_for_its_job_ads_counts_for_hiring_alone(kb, voc):
    # a classifieds site of goods and jobs: for a firm of services hiring staff it is a place for job ads,
    # not where its business customers come from
    firm = persona(org_kind="azienda", sector="consulting", segment="b2b", offering="servizi_professionali",
                   activity="impresa di pulizie per uffici e condomini a Torino, assumiamo addetti",
                   locations=["torino"], objectives=["contatti", "recruiting"], priority="contatti")
    classifieds = kb.get("subito")
    assert set(classifieds.offerings) > {"lavoro"}
    fit = score_channel(classifieds, firm, ("IT",), voc)
    assert any("contatti" in why for why in fit.excluded), fit.excluded
    hiring_first = score_channel(classifieds, {**firm, "priority": "recruiting"}, ("IT",), voc)
    assert not hiring_first.excluded
    assert hiring_first.breakdown["objectives"] < score_channel(
        classifieds, {**firm, "offering": "usato", "priority": "recruiting"}, ("IT",), voc).breakdown["objectives"]
    # a board of job ads alone keeps its figures: they are about employers already
    assert score_channel(kb.get("indeed"), {**firm, "priority": "recruiting"}, ("IT",), voc).breakdown["objectives"] > 0


def test_customers_counted_are_not_the_size_of_the_organisation():
    from bot import special_cases
    assert special_cases.large_organisation({"activity": "abbiamo 120 negozi in Italia"}) == ["120 negozi"]
    for said in ("il nostro gestionale lo usano 250 ristoranti clienti", "facciamo le pulizie per 40 uffici",
                 "serviamo oltre 30 hotel della riviera"):
        assert special_cases.large_organisation({"activity": said}) == [], said


def test_antiques_and_donated_goods_are_second_hand(voc):
    assert offerings.infer({"sector": "retail", "activity": "negozio di antiquariato e modernariato a Lucca"}) == "usato"
    assert offerings.infer({"sector": "nonprofit",
                            "activity": "vendiamo vestiti donati per finanziare la mensa dei poveri"}) == "usato"


def test_products_for_infants_stay_off_the_platforms_of_the_very_young(kb, voc):
    profile = {"org_kind": "azienda", "sector": "food_production", "segment": "b2c", "locations": ["italia"],
               "activity": "produciamo pappe e omogeneizzati per la prima infanzia", "objectives": ["notorieta"],
               "weekly_hours": 10}
    plan = recommend(profile, kb, voc)
    assert plan.specialist_advised
    assert not {c.id for c in plan.channels} & {"tiktok", "snapchat", "twitch", "discord"}


def test_infant_formula_is_not_promoted_to_the_public(kb, voc):
    # its advertising is allowed only in scientific and baby-care publications: no social page,
    # shop or listing for the families, a specialist first
    profile = persona(org_kind="azienda", sector="food_production", segment="b2c", locations=["italia"],
                      activity="produciamo latte artificiale in polvere per i primi mesi di vita",
                      objectives=["notorieta", "vendite"], weekly_hours=10)
    plan = recommend(profile, kb, voc)
    assert "infant_formula" in {r["code"] for r in plan.specialist_reasons}
    kinds = {k for c in plan.channels for k in kb.get(c.id).kinds}
    assert not kinds & {"social", "marketplace", "messaging", "directory"}, plan.channels
    # the other baby foods keep their plan, with the children_products rule
    foods = recommend({**profile, "activity": "produciamo omogeneizzati biologici"}, kb, voc)
    assert foods.channels and "infant_formula" not in {r["code"] for r in foods.specialist_reasons}
