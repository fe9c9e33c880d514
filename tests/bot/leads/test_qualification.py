"""Lead qualification: fit and readiness scores with their reasons, and the grade, from the rules
of data/sales/settings.yml (the example ICP: a social-media agency for Italian SMEs and professionals)."""
from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
import yaml

from bot import profile as P
from bot.leads import settings
from bot.leads.qualification import qualify

SKIPPED = P.SKIPPED
ALL_TRANSPARENT = {name: True for name in P.TRANSPARENCY}

LAW_FIRM = {  # B2B law firm in Milan, budget, 5 hours a week, open to dialogue
    "org_kind": "professionista", "profession": "avvocato", "sector": "legal",
    "activity": "assistenza legale alle imprese", "segment": "b2b", "locations": ["milano"],
    "audience": "35-64", "objectives": ["contatti", "notorieta"], "priority": "contatti",
    "channels_used": [], "weekly_hours": 5.0, "team": "da_solo", "ad_budget": True, **ALL_TRANSPARENT}
RESTAURANT = {  # a local restaurant: fits, but no budget and a less valuable objective
    "org_kind": "azienda", "sector": "food_service", "activity": "trattoria di cucina napoletana",
    "segment": "b2c", "locations": ["napoli"], "audience": "18-44", "objectives": ["notorieta", "reputazione"],
    "priority": "reputazione", "channels_used": ["facebook"], "weekly_hours": 4.0, "team": "da_solo",
    "ad_budget": False, **ALL_TRANSPARENT}
PUBLIC_BODY = {
    "org_kind": "ente", "sector": "public_sector", "activity": "servizi comunali", "segment": "b2c",
    "locations": ["italia"], "audience": "tutte le età", "objectives": ["assistenza"], "channels_used": [],
    "weekly_hours": 10.0, "team": "team", "ad_budget": False, **ALL_TRANSPARENT}
NOT_READY = {**LAW_FIRM, "weekly_hours": 0.0, "replies_to_messages": False, "shows_identity": False,
             "handles_criticism": False, "real_relationships": False}
NOTHING_ANSWERED = {}
ALL_SKIPPED = {name: SKIPPED for name in P.QUESTIONS}
SPECIALIST_PLAN = {"type": "bussola.plan", "channels": [], "specialist_advised": True, "specialist_reasons": [
    {"code": "regulated_sector",
     "text": "Il settore servizi legali ha regole precise su cosa si può comunicare e promuovere online."}]}


@pytest.mark.parametrize("profile, contact, grade", [
    (LAW_FIRM, None, "A"),
    (LAW_FIRM, {"company_size": "2-9"}, "A"),
    (LAW_FIRM, {"company_size": "250+"}, "A"),         # too big for the agency, still a strong fit
    (RESTAURANT, None, "B"),                           # fit 58: the size is unknown
    (RESTAURANT, {"company_size": "2-9"}, "A"),        # a small business: the agency's customer
    (PUBLIC_BODY, {"company_size": "50-249"}, "C"),
    (NOT_READY, {"company_size": "2-9"}, "C"),         # the right customer, not ready for dialogue
    (NOTHING_ANSWERED, None, "C"),
    (ALL_SKIPPED, {"company_size": SKIPPED}, "C"),
])
def test_personas_get_the_expected_grade(profile, contact, grade):
    assert qualify(profile, contact).grade == grade


def test_the_law_firm_scores_high_with_its_reasons():
    q = qualify(LAW_FIRM, {"company_size": "2-9"}, SPECIALIST_PLAN)
    assert (q.fit.points, q.readiness.points) == (100, 98)
    assert "vende ad aziende (B2B): +25" in q.fit.reasons
    assert "settore in cui abbiamo già clienti (servizi legali): +20" in q.fit.reasons
    assert "PMI (2-9 persone): +20" in q.fit.reasons
    assert "vuole trovare contatti e clienti: +10" in q.fit.reasons  # the priority is what is judged
    assert "più obiettivi con una priorità (trovare contatti e clienti): +10" in q.readiness.reasons
    assert "tempo sufficiente (5 ore a settimana): +15" in q.readiness.reasons
    assert q.grade_reason.startswith("Grado A (da contattare subito): affinità 100/100 e prontezza 98/100")
    assert q.specialist_reasons == [SPECIALIST_PLAN["specialist_reasons"][0]["text"]]


def test_declining_every_dialogue_question_never_reaches_a():
    """The mission's point: online channels are dialogue. Best answers everywhere else are not enough."""
    best_otherwise = {**NOT_READY, "weekly_hours": 20.0, "team": "agenzia"}
    q = qualify(best_otherwise, {"company_size": "2-9"})
    assert q.fit.points == 100 and q.readiness.points == 52 and q.grade == "B"
    assert "per A servirebbe una prontezza di almeno 60" in q.grade_reason


def test_every_rule_gives_one_reason_positive_or_negative():
    rules = settings.default().qualification
    q = qualify(NOT_READY)
    assert len(q.fit.reasons) == len(rules.fit) and len(q.readiness.reasons) == len(rules.readiness)
    assert "dimensione dell'azienda non indicata" in q.fit.reasons
    assert "non pronto a rispondere a commenti e messaggi" in q.readiness.reasons
    assert "nessun tempo da dedicare" in q.readiness.reasons
    assert "ha un budget pubblicitario: +10" in q.fit.reasons
    assert "nessun budget pubblicitario" in qualify(RESTAURANT).fit.reasons
    assert "settore in cui non lavoriamo (pubblica amministrazione): -10" in qualify(PUBLIC_BODY).fit.reasons


def test_nothing_answered_scores_zero_and_says_what_is_missing():
    q = qualify(NOTHING_ANSWERED)
    assert (q.fit.points, q.readiness.points, q.grade) == (0, 0, "C")
    assert q.fit.reasons[0] == "non sappiamo a chi vende"
    assert "budget pubblicitario non indicato" in q.fit.reasons
    assert "non ha detto se risponderebbe a commenti e messaggi" in q.readiness.reasons
    assert q.grade_reason == ("Grado C (non prioritario): affinità 0/100 e prontezza 0/100; per B servirebbero "
                              "un'affinità di almeno 40 e una prontezza di almeno 40.")
    assert q.specialist_reasons == []


@pytest.mark.parametrize("field", [*P.QUESTIONS])
def test_a_skipped_answer_never_counts_as_yes(field):
    """non_indicato is unknown: it earns what a missing answer earns, never what a yes earns."""
    skipped, missing = qualify({**LAW_FIRM, field: SKIPPED}), qualify({k: v for k, v in LAW_FIRM.items()
                                                                         if k != field})
    assert (skipped.fit, skipped.readiness) == (missing.fit, missing.readiness)
    if field in ("audience", "locations", "channels_used", "offering"):  # not in the rules
        assert skipped.fit.points + skipped.readiness.points == 80 + 98
    else:
        assert skipped.fit.points + skipped.readiness.points < 80 + 98


def test_all_skipped_earns_nothing():
    q = qualify(ALL_SKIPPED, {"company_size": SKIPPED})
    assert (q.fit.points, q.readiness.points) == (0, 0)
    assert not any(re.search(r": [+-]\d+$", reason) for reason in q.fit.reasons + q.readiness.reasons)


@pytest.mark.parametrize("objectives, priority, reason", [
    (["contatti"], None, "un obiettivo chiaro (trovare contatti e clienti): +10"),
    (["contatti", "notorieta"], "notorieta", "più obiettivi con una priorità (farsi conoscere): +10"),
    (["contatti", "notorieta"], None, "più obiettivi senza una priorità: +3"),
    (["contatti", "notorieta"], SKIPPED, "più obiettivi senza una priorità: +3"),
    (SKIPPED, None, "obiettivi non indicati"),
])
def test_objectives_are_prioritised(objectives, priority, reason):
    q = qualify({**LAW_FIRM, "objectives": objectives, "priority": priority})
    assert q.readiness.reasons[1] == reason


def test_the_fit_judges_the_priority_else_the_best_objective():
    assert "vuole trovare personale: poco legato ai nostri servizi: +3" in qualify(
        {**LAW_FIRM, "objectives": ["recruiting", "contatti"], "priority": "recruiting"}).fit.reasons
    assert "vuole trovare contatti e clienti: +10" in qualify(
        {**LAW_FIRM, "objectives": ["recruiting", "contatti"], "priority": None}).fit.reasons


def test_the_size_is_the_contacts():
    assert "dimensione dell'azienda non indicata" in qualify({**LAW_FIRM, "company_size": "2-9"}).fit.reasons
    assert "grande azienda (250+ persone), fuori dal nostro target" in qualify(
        LAW_FIRM, {"company_size": "250+"}).fit.reasons


def test_a_partial_identity_names_what_is_missing():
    q = qualify({**LAW_FIRM, "sector": SKIPPED, "activity": None})
    assert q.readiness.reasons[0] == "identità incompleta (manca: settore e cosa fa): +4"


def test_a_grade_below_the_top_says_what_it_misses():
    q = qualify(RESTAURANT)
    assert (q.fit.points, q.readiness.points) == (58, 81)
    assert q.grade_reason == ("Grado B (da coltivare): affinità 58/100 e prontezza 81/100; per A servirebbe "
                              "un'affinità di almeno 60.")


def test_the_result_is_json_and_deterministic():
    first = qualify(LAW_FIRM, {"company_size": "2-9"}, SPECIALIST_PLAN).to_dict()
    assert json.loads(json.dumps(first)) == first
    assert set(first) == {"fit", "readiness", "grade", "grade_reason", "specialist_reasons"}
    assert set(first["fit"]) == {"points", "reasons"}
    assert all(qualify(LAW_FIRM, {"company_size": "2-9"}, SPECIALIST_PLAN).to_dict() == first for _ in range(5))


# --- the rules are the settings file's ---------------------------------------------------------

def edited_settings(tmp_path: Path, edit) -> settings.Settings:
    raw = yaml.safe_load(settings.SETTINGS_FILE.read_text(encoding="utf-8"))
    edit(raw["qualification"])
    path = tmp_path / "settings.yml"
    path.write_text(yaml.safe_dump(raw, allow_unicode=True), encoding="utf-8")
    return settings.load(path)


def test_the_grade_thresholds_come_from_the_settings_file(tmp_path):
    def stricter(q):
        q["grades"][0]["fit"] = 90
    rules = edited_settings(tmp_path, stricter).qualification
    assert qualify(LAW_FIRM, rules=rules).grade == "B"  # fit 80 < 90
    assert qualify(LAW_FIRM, {"company_size": "2-9"}, rules=rules).grade == "A"
    assert "per A servirebbe un'affinità di almeno 90" in qualify(LAW_FIRM, rules=rules).grade_reason


def test_scores_are_normalised_by_the_most_points(tmp_path):
    def only_segment(q):
        q["fit"] = [rule for rule in q["fit"] if rule["field"] == "segment"]
    rules = edited_settings(tmp_path, only_segment).qualification
    assert qualify(LAW_FIRM, rules=rules).fit.points == 100               # 25 of 25
    assert qualify({**LAW_FIRM, "segment": "b2c"}, rules=rules).fit.points == 60  # 15 of 25


def test_negative_points_floor_at_zero(tmp_path):
    def only_sector(q):
        q["fit"] = [rule for rule in q["fit"] if rule["field"] == "sector"]
    rules = edited_settings(tmp_path, only_sector).qualification
    q = qualify(PUBLIC_BODY, rules=rules)
    assert q.fit.points == 0 and q.fit.reasons == ["settore in cui non lavoriamo (pubblica amministrazione): -10"]


@pytest.mark.parametrize("edit, message", [
    (lambda q: q["fit"].append({"field": "shoe_size", "cases": [], "unknown": "?"}), "unknown field"),
    (lambda q: q["fit"][0]["cases"][0].pop("values"), "either `values` or `at_least`"),
    (lambda q: q["grades"][0].pop("readiness"), "every grade but the last"),
    (lambda q: q["grades"][-1].update(fit=10, readiness=10), "every grade but the last"),
])
def test_mistakes_in_the_rules_fail_loudly(tmp_path, edit, message):
    with pytest.raises(ValueError, match=message):
        edited_settings(tmp_path, edit).qualification


def test_the_shipped_rules_reach_100_and_keep_the_other_settings():
    loaded = settings.load()
    rules = loaded.qualification
    assert sum(rule.max_points for rule in rules.fit) == 100
    assert sum(rule.max_points for rule in rules.readiness) == 100
    assert [g.grade for g in rules.grades] == ["A", "B", "C"]
    assert loaded.anonymous_lead_days > 0 and loaded.privacy.version.startswith("2026-11-26+")
