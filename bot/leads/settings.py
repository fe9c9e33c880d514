"""The sales settings file (data/sales/settings.yml): privacy notice, anonymous-lead expiry and the
qualification rules, read once per process. Environment variables override what is deployment-specific."""
from __future__ import annotations

import functools
import hashlib
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Dict, Optional, Tuple

import yaml

from bot.paths import DATA

SETTINGS_FILE = DATA / "sales" / "settings.yml"


@dataclass(frozen=True)
class PrivacyNotice:
    version: str  # the file's version plus a hash of the texts: a consent always names the exact words
    url: str
    profile: str
    contact: str


@dataclass(frozen=True)
class Case:
    """One way a rule can match: the answer is one of `values`, or a number of at least `at_least`."""
    points: int
    reason: str  # Italian; `{value}` is the answer in words
    values: Tuple[Any, ...] = ()
    at_least: Optional[float] = None


@dataclass(frozen=True)
class Rule:
    field: str  # a profile field, `company_size` (from the contact) or a derived one (DERIVED_FIELDS)
    cases: Tuple[Case, ...]
    unknown: str  # the reason when the answer is missing or skipped
    otherwise: Optional[Case] = None  # a known answer that no case names
    prefer: Optional[str] = None  # for a list: the field naming the item to judge (objectives: priority)

    @property
    def max_points(self) -> int:
        return max([0, *(c.points for c in (*self.cases, *([self.otherwise] if self.otherwise else ())))])


@dataclass(frozen=True)
class Grade:
    grade: str
    meaning: str
    fit: Optional[int] = None  # thresholds, both None for the last grade
    readiness: Optional[int] = None


@dataclass(frozen=True)
class QualificationRules:
    fit: Tuple[Rule, ...]
    readiness: Tuple[Rule, ...]
    grades: Tuple[Grade, ...]  # best first; the last has no thresholds


DERIVED_FIELDS = ("identity", "objective_focus")


def _case(raw: Dict[str, Any], where: str) -> Case:
    if ("values" in raw) == ("at_least" in raw):
        raise ValueError(f"{where}: a case needs either `values` or `at_least`")
    return Case(points=int(raw["points"]), reason=str(raw["reason"]),
                values=tuple(raw.get("values") or ()),
                at_least=float(raw["at_least"]) if "at_least" in raw else None)


def _rules(raw: Any, section: str) -> Tuple[Rule, ...]:
    from bot.profile import FIELDS  # here, not at the top: bot.profile is not needed to read the notice

    known = {*FIELDS, "company_size", *DERIVED_FIELDS}
    rules = []
    for n, rule in enumerate(raw or ()):
        where = f"qualification.{section}[{n}]"
        if rule.get("field") not in known:
            raise ValueError(f"{where}: unknown field {rule.get('field')!r}")
        rules.append(Rule(field=rule["field"], unknown=str(rule["unknown"]), prefer=rule.get("prefer"),
                          cases=tuple(_case(c, where) for c in rule["cases"]),
                          otherwise=_case({"values": (), **rule["otherwise"]}, where)
                          if rule.get("otherwise") else None))
    if not rules:
        raise ValueError(f"qualification.{section}: no rules")
    return tuple(rules)


def parse_qualification(raw: Dict[str, Any]) -> QualificationRules:
    """The `qualification` section, checked: a mistake in the rules fails loudly, not as odd grades."""
    grades = tuple(Grade(grade=str(g["grade"]), meaning=str(g.get("meaning", "")),
                         fit=g.get("fit"), readiness=g.get("readiness")) for g in raw.get("grades") or ())
    if not grades or any(g.fit is None or g.readiness is None for g in grades[:-1]) \
            or (grades[-1].fit, grades[-1].readiness) != (None, None):
        raise ValueError("qualification.grades: every grade but the last needs `fit` and `readiness`, "
                         "the last none")
    return QualificationRules(fit=_rules(raw.get("fit"), "fit"),
                              readiness=_rules(raw.get("readiness"), "readiness"), grades=grades)


@dataclass(frozen=True)
class Settings:
    privacy: PrivacyNotice
    anonymous_lead_days: int
    declined_conversation_days: int
    raw: Dict[str, Any]  # the whole file, for sections other modules read (qualification rules)

    @functools.cached_property
    def qualification(self) -> QualificationRules:
        """Read on first use, so a file without the section still serves the privacy notice."""
        return parse_qualification(self.raw["qualification"])


def load(path: Path = SETTINGS_FILE) -> Settings:
    raw = yaml.safe_load(Path(path).read_text(encoding="utf-8")) or {}
    notice = raw["privacy_notice"]
    url = os.environ.get("BUSSOLA_PRIVACY_URL") or notice["url"]
    # the link is part of what the user agreed to: a new privacy page is a new version
    digest = hashlib.sha256("\n".join((notice["profile"], notice["contact"], url)).encode()).hexdigest()[:8]
    privacy = PrivacyNotice(version=f"{notice['version']}+{digest}", url=url,
                            profile=notice["profile"].strip(), contact=notice["contact"].strip())
    days = int(os.environ.get("BUSSOLA_ANONYMOUS_LEAD_DAYS") or raw.get("anonymous_lead_days", 30))
    declined = int(os.environ.get("BUSSOLA_DECLINED_CONVERSATION_DAYS") or raw.get("declined_conversation_days", 1))
    return Settings(privacy=privacy, anonymous_lead_days=days, declined_conversation_days=declined, raw=raw)


@functools.lru_cache(maxsize=None)
def default() -> Settings:
    return load()
