"""Lead qualification: how much a prospect looks like the selling company's ideal customer (fit) and
how ready they are to start (readiness), each 0-100 with the Italian reasons behind it, and a grade.

The rules are data (`qualification` in data/sales/settings.yml); this module only applies them. The
reasons are read by the sales team, so they speak of the prospect in the third person.
"""
from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any, Dict, List, Mapping, Optional, Tuple

from bot import texts, vocabulary
from bot.leads import settings
from bot.leads.settings import Case, Grade, QualificationRules, Rule
from bot.profile import FIELDS, SKIPPED

# The objectives in words, third person (bot.texts speaks to the user: "farti conoscere").
OBJECTIVE_WORDS = {"notorieta": "farsi conoscere", "contatti": "trovare contatti e clienti",
                   "vendite": "vendere online", "assistenza": "assistere i clienti",
                   "community": "fidelizzare e creare una community", "recruiting": "trovare personale",
                   "reputazione": "curare reputazione e recensioni", "traffico": "portare traffico al sito",
                   "prenotazioni": "ricevere prenotazioni e appuntamenti",
                   "donazioni": "raccogliere fondi e donazioni", "volontari": "trovare volontari"}
# What a clear identity is made of, and how a missing part is named.
IDENTITY_PARTS = {"org_kind": "tipo di attività", "sector": "settore", "activity": "cosa fa"}


@dataclass
class Score:
    points: int  # 0-100
    reasons: List[str]  # Italian, one per rule, in the order of the rules


@dataclass
class Qualification:
    fit: Score
    readiness: Score
    grade: str  # "A" | "B" | "C" (the grades of the settings file)
    grade_reason: str
    specialist_reasons: List[str]  # the `text`s of the plan payload's specialist_reasons

    def to_dict(self) -> Dict[str, Any]:
        return asdict(self)


def qualify(profile: Mapping[str, Any], contact: Optional[Mapping[str, Any]] = None,
            plan: Optional[Mapping[str, Any]] = None,
            rules: Optional[QualificationRules] = None) -> Qualification:
    """Scores and grade of a profile (bot.profile.FIELDS), the contact's company_size and the plan."""
    rules = rules or settings.default().qualification
    facts = _facts(profile or {}, contact or {})
    fit, readiness = _score(rules.fit, facts), _score(rules.readiness, facts)
    grade, reason = _grade(fit.points, readiness.points, rules.grades)
    specialist = [r["text"] for r in (plan or {}).get("specialist_reasons") or ()
                  if isinstance(r, Mapping) and r.get("text")]
    return Qualification(fit=fit, readiness=readiness, grade=grade, grade_reason=reason,
                         specialist_reasons=specialist)


def _given(value: Any) -> bool:
    """An answer: skipped (`non_indicato`), missing and empty values are unknown, never a yes."""
    return value is not None and value != SKIPPED and value != "" and value != []


def _facts(profile: Mapping[str, Any], contact: Mapping[str, Any]) -> Dict[str, Any]:
    """The known answers, the contact's company size and the derived fields the rules may read."""
    facts = {field: value for field, value in profile.items() if field in FIELDS and _given(value)}
    if _given(contact.get("company_size")):
        facts["company_size"] = contact["company_size"]
    parts = [part for part in IDENTITY_PARTS if part in facts]
    if parts:
        facts["identity"] = "complete" if len(parts) == len(IDENTITY_PARTS) else "partial"
    objectives = facts.get("objectives")
    if isinstance(objectives, list):
        priority = facts.get("priority")
        if len(objectives) == 1:
            facts["objective_focus"] = "one"
        else:
            facts["objective_focus"] = "prioritised" if priority in objectives else "unprioritised"
    return facts


def _words(field: str, value: Any, facts: Mapping[str, Any]) -> str:
    """An answer as the `{value}` of a reason."""
    if field == "sector":
        return vocabulary.default().sector_name(value)
    if field in ("objectives", "priority"):
        return OBJECTIVE_WORDS.get(value, str(value))
    if field == "objective_focus":
        objectives = facts["objectives"]
        main = objectives[0] if len(objectives) == 1 else facts.get("priority")
        return OBJECTIVE_WORDS.get(main, str(main))
    if field == "identity":
        return texts.join(words for part, words in IDENTITY_PARTS.items() if part not in facts)
    if field == "weekly_hours":
        return texts.hours(float(value))
    return str(value)


def _matches(case: Case, value: Any) -> bool:
    if case.at_least is not None:
        return isinstance(value, (int, float)) and not isinstance(value, bool) and value >= case.at_least
    # True == 1 in Python: a yes must not match a number, nor a number a yes
    return any(v == value and isinstance(v, bool) == isinstance(value, bool) for v in case.values)


def _case(rule: Rule, value: Any) -> Optional[Case]:
    found = next((case for case in rule.cases if _matches(case, value)), None)
    return found or rule.otherwise


def _judge(rule: Rule, facts: Mapping[str, Any]) -> Tuple[int, str]:
    """The points one rule gives and the reason, e.g. (25, "vende ad aziende (B2B): +25")."""
    value = facts.get(rule.field)
    if isinstance(value, list):  # the preferred item when given, else the best-scoring one
        preferred = facts.get(rule.prefer) if rule.prefer else None
        judged = [(found, item) for item in ([preferred] if preferred in value else value)
                  if (found := _case(rule, item)) is not None]
        case, value = max(judged, key=lambda pair: pair[0].points, default=(None, None))
    else:
        case = _case(rule, value) if value is not None else None
    if case is None:  # unknown, or an answer the rules do not judge
        return 0, rule.unknown
    reason = case.reason.replace("{value}", _words(rule.field, value, facts))
    if case.points:
        reason += f": {case.points:+d}"
    return case.points, reason


def _score(rules: Tuple[Rule, ...], facts: Mapping[str, Any]) -> Score:
    judged = [_judge(rule, facts) for rule in rules]
    most = sum(rule.max_points for rule in rules)
    earned = max(0, sum(points for points, _ in judged))
    return Score(points=min(100, round(100 * earned / most)) if most else 0,
                 reasons=[reason for _, reason in judged])


def _grade(fit: int, readiness: int, grades: Tuple[Grade, ...]) -> Tuple[str, str]:
    """The first grade whose thresholds are both reached, and one sentence saying why."""
    for n, grade in enumerate(grades):
        if grade.fit is None or (fit >= grade.fit and readiness >= grade.readiness):
            break
    scores = f"affinità {fit}/100 e prontezza {readiness}/100"
    if n == 0:
        reason = (f"{scores}, che raggiungono le soglie di {grade.grade} "
                  f"({grade.fit} e {grade.readiness})")
    else:
        above = grades[n - 1]
        missing = ([f"un'affinità di almeno {above.fit}"] if fit < above.fit else []) \
            + ([f"una prontezza di almeno {above.readiness}"] if readiness < above.readiness else [])
        verb = "servirebbero" if len(missing) > 1 else "servirebbe"
        reason = f"{scores}; per {above.grade} {verb} {texts.join(missing)}"
    meaning = f" ({grade.meaning})" if grade.meaning else ""
    return grade.grade, f"Grado {grade.grade}{meaning}: {reason}."
